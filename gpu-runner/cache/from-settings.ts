/**
 * Builds the runner's {@link TieredRenderCache} from its settings (read from `GLYPH_CACHE_*` and
 * `GLYPH_S3_*` by gpu-runner/server/settings.ts): memory tier (default 256 MB, 0 turns it off),
 * disk tier (default `.glyph/cache` under the working directory, `off` turns it off; LRU-bounded
 * when a budget is set), and an S3 tier when a bucket is named.
 */
import path from 'node:path';
import { DEFAULT_CACHE_DIR, DiskRenderTier } from './disk-tier.ts';
import { DEFAULT_MEMORY_CACHE_BYTES, MemoryRenderTier } from './memory-tier.ts';
import { S3RenderTier, type S3RenderTierOptions } from './s3-tier.ts';
import { TieredRenderCache } from './tiered-cache.ts';
import type { CacheLog, RenderCacheTier } from './types.ts';

/** Which tiers to build, and how big. */
export interface RenderCacheSettings {
  /** Memory tier budget in bytes; undefined: {@link DEFAULT_MEMORY_CACHE_BYTES}; 0: no memory tier. */
  memoryBytes?: number;
  /** Disk tier root (relative to `cwd`); undefined: {@link DEFAULT_CACHE_DIR}; null: no disk tier. */
  dir?: string | null;
  /** Disk tier budget in bytes; undefined: unbounded. */
  diskBytes?: number;
  /** The S3 tier, when wanted. */
  s3?: Pick<S3RenderTierOptions, 'bucket' | 'endpoint' | 'region' | 'prefix' | 'credentials'>;
}

/** Options of {@link createRenderCache}. */
export interface CreateRenderCacheOptions {
  /** Where faults go. */
  log: CacheLog;
  /** Base of a relative `dir`; default `process.cwd()`. */
  cwd?: string;
}

/** The tiers `settings` asks for, fastest first, inside a {@link TieredRenderCache}. */
export function createRenderCache(settings: RenderCacheSettings, options: CreateRenderCacheOptions): TieredRenderCache {
  const tiers: RenderCacheTier[] = [];
  const memoryBytes = settings.memoryBytes ?? DEFAULT_MEMORY_CACHE_BYTES;
  if (memoryBytes > 0) tiers.push(new MemoryRenderTier({ maxBytes: memoryBytes }));
  if (settings.dir !== null) {
    tiers.push(
      new DiskRenderTier({
        dir: path.resolve(options.cwd ?? process.cwd(), settings.dir ?? DEFAULT_CACHE_DIR),
        maxBytes: settings.diskBytes,
        log: options.log,
      }),
    );
  }
  if (settings.s3) tiers.push(new S3RenderTier(settings.s3));
  return new TieredRenderCache(tiers, { log: options.log });
}
