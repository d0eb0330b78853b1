/**
 * Builds the runner's {@link TieredRenderCache} from environment variables:
 *
 * | variable | meaning |
 * |---|---|
 * | `GLYPH_CACHE_MEMORY_MB` | memory tier budget, default 256; `0` turns the tier off |
 * | `GLYPH_CACHE_DIR` | disk tier root, default `.glyph/cache` under the working directory; `off` turns it off |
 * | `GLYPH_CACHE_DISK_MB` | disk tier budget (LRU eviction); unbounded when unset |
 * | `GLYPH_S3_BUCKET` | turns the S3 tier on |
 * | `GLYPH_S3_ENDPOINT`, `GLYPH_S3_REGION` (`auto`), `GLYPH_S3_PREFIX` (`renders/`) | where |
 * | `GLYPH_S3_ACCESS_KEY_ID`, `GLYPH_S3_SECRET_ACCESS_KEY` | credentials (both or neither) |
 *
 * A malformed value throws at start-up, naming the variable: a typo must not silently run the
 * runner without its cache.
 */
import path from 'node:path';
import { DEFAULT_CACHE_DIR, DiskRenderTier } from './disk-tier.ts';
import { DEFAULT_MEMORY_CACHE_BYTES, MemoryRenderTier } from './memory-tier.ts';
import { S3RenderTier } from './s3-tier.ts';
import { TieredRenderCache } from './tiered-cache.ts';
import type { CacheLog, RenderCacheTier } from './types.ts';

/** Options of {@link fromEnv}. */
export interface RenderCacheFromEnvOptions {
  /** Where faults go. */
  log: CacheLog;
  /** Base of a relative `GLYPH_CACHE_DIR`; default `process.cwd()`. */
  cwd?: string;
}

/** Environment as `process.env` has it. */
export type CacheEnv = Record<string, string | undefined>;

const MB = 1024 * 1024;

/** The tiers configured by `env`, fastest first, inside a {@link TieredRenderCache}. */
export function fromEnv(env: CacheEnv, options: RenderCacheFromEnvOptions): TieredRenderCache {
  const tiers: RenderCacheTier[] = [];

  const memoryMb = megabytes(env, 'GLYPH_CACHE_MEMORY_MB');
  const memoryBytes = memoryMb === undefined ? DEFAULT_MEMORY_CACHE_BYTES : Math.floor(memoryMb * MB);
  if (memoryBytes > 0) tiers.push(new MemoryRenderTier({ maxBytes: memoryBytes }));

  const dir = nonEmpty(env.GLYPH_CACHE_DIR) ?? DEFAULT_CACHE_DIR;
  if (dir !== 'off') {
    const diskMb = megabytes(env, 'GLYPH_CACHE_DISK_MB');
    tiers.push(
      new DiskRenderTier({
        dir: path.resolve(options.cwd ?? process.cwd(), dir),
        maxBytes: diskMb ? Math.floor(diskMb * MB) : undefined,
        log: options.log,
      }),
    );
  }

  const bucket = nonEmpty(env.GLYPH_S3_BUCKET);
  const endpoint = nonEmpty(env.GLYPH_S3_ENDPOINT);
  const accessKeyId = nonEmpty(env.GLYPH_S3_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.GLYPH_S3_SECRET_ACCESS_KEY);
  if (!bucket && endpoint) throw new Error('GLYPH_S3_ENDPOINT is set but GLYPH_S3_BUCKET is not');
  if (bucket) {
    if (!accessKeyId !== !secretAccessKey) {
      throw new Error('GLYPH_S3_ACCESS_KEY_ID and GLYPH_S3_SECRET_ACCESS_KEY must be set together');
    }
    tiers.push(
      new S3RenderTier({
        bucket,
        endpoint,
        region: nonEmpty(env.GLYPH_S3_REGION),
        prefix: env.GLYPH_S3_PREFIX,
        credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
      }),
    );
  }

  return new TieredRenderCache(tiers, { log: options.log });
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function megabytes(env: CacheEnv, name: string): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of megabytes ≥ 0, got "${raw}"`);
  return n;
}
