/**
 * Disk tier: renders as files under one directory (`GLYPH_CACHE_DIR`, default `.glyph/cache`).
 *
 * Layout: `<root>/<sha[0:2]>/<sha>/<configHash>/page-0001.png …` and `meta.json`.
 *
 * Atomicity: a writer fills a private staging directory (`<root>/.staging/<uuid>/`), writes
 * `meta.json` there last, and publishes the whole directory with one `rename`. Readers look
 * only at `<configHash>/meta.json`, so a render is either absent or complete with every page —
 * stronger than renaming file by file, because concurrent writers of the same key (same bytes:
 * rendering is deterministic) and aborts never touch a published directory. Staging directories
 * left by a crash are swept when they are older than an hour.
 *
 * Budget: optional (`maxBytes`, from `GLYPH_CACHE_DISK_MB`); without it the directory grows
 * without limit. With it, the tier indexes the directory once (a stat per file) and evicts
 * least-recently-used renders (commit or hit in this process; commit time for renders found on
 * disk) down to 90 % of the budget after each commit. Several processes sharing one directory
 * each see only their own commits, so the budget is then approximate.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pageFileName, parseRenderCacheKey } from './key.ts';
import { assertPageNumber, pageBytesOf, parseCachedRenderMeta } from './meta.ts';
import { PageLedger } from './page-ledger.ts';
import type { CachedRender, CachedRenderMeta, CacheLog, RenderCacheTier, RenderCacheWriter } from './types.ts';

/** Default cache directory, relative to the working directory. */
export const DEFAULT_CACHE_DIR = '.glyph/cache';

const STAGING = '.staging';
const META = 'meta.json';
const HEX2 = /^[0-9a-f]{2}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** Options of {@link DiskRenderTier}. */
export interface DiskRenderTierOptions {
  /** Root directory; resolved against the working directory. */
  dir: string;
  /** Byte budget for page and meta files; unbounded when absent. Renders over a quarter of it are not kept. */
  maxBytes?: number;
  /** Staging directories older than this are removed when the index is built; default one hour. */
  staleStagingMs?: number;
  /** Where background failures (eviction, sweeping) are reported; they never fail a get or commit. */
  log?: CacheLog;
  /** Clock, for tests. */
  now?: () => number;
}

interface IndexEntry {
  bytes: number;
  usedAt: number;
}

/** Renders stored as files under one root directory. */
export class DiskRenderTier implements RenderCacheTier {
  readonly name = 'disk' as const;
  /** Absolute root directory. */
  readonly root: string;
  /** Byte budget, when one is set. */
  readonly maxBytes: number | undefined;
  readonly #staging: string;
  readonly #staleStagingMs: number;
  readonly #log: CacheLog | undefined;
  readonly #now: () => number;
  #index: Map<string, IndexEntry> | undefined;
  #indexBytes = 0;
  #indexing: Promise<Map<string, IndexEntry>> | undefined;
  #evicting: Promise<void> = Promise.resolve();

  constructor(options: DiskRenderTierOptions) {
    this.root = path.resolve(options.dir);
    if (options.maxBytes !== undefined && !(Number.isInteger(options.maxBytes) && options.maxBytes > 0)) {
      throw new Error('disk tier: maxBytes must be a positive integer');
    }
    this.maxBytes = options.maxBytes;
    this.#staging = path.join(this.root, STAGING);
    this.#staleStagingMs = options.staleStagingMs ?? 60 * 60 * 1000;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
  }

  /** Bytes of the renders indexed so far (0 until a budget made the tier index the directory). */
  get bytes(): number {
    return this.#indexBytes;
  }

  async get(key: string): Promise<CachedRender | undefined> {
    const dir = this.#renderDir(key);
    let text: string;
    try {
      text = await readFile(path.join(dir, META), 'utf8');
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      throw err; // ENOTDIR, EACCES, EIO…: a fault, not a miss
    }
    const meta = parseCachedRenderMeta(text);
    const entry = this.#index?.get(key);
    if (entry) entry.usedAt = this.#now();
    return {
      meta,
      page: async (n) => {
        assertPageNumber(meta, n);
        const buf = await readFile(path.join(dir, pageFileName(n)));
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      },
    };
  }

  accepts(meta: CachedRenderMeta): boolean {
    return this.maxBytes === undefined || pageBytesOf(meta) <= this.maxBytes / 4;
  }

  begin(key: string): RenderCacheWriter {
    const finalDir = this.#renderDir(key);
    const maxEntry = this.maxBytes === undefined ? Infinity : this.maxBytes / 4;
    const ledger = new PageLedger();
    let written = 0;
    let staging: Promise<string> | undefined;
    // Created on the first page, so a writer that never writes leaves nothing behind.
    const stagingDir = () =>
      (staging ??= (async () => {
        const dir = this.#inside(path.join(this.#staging, randomUUID()));
        await mkdir(dir, { recursive: true });
        return dir;
      })());
    const removeStaging = async () => {
      const dir = staging && (await staging.catch(() => undefined)); // mkdir failed → nothing to remove
      if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {});
    };
    return {
      writePage: async (n, png) => {
        ledger.check(n, png);
        written += png.byteLength;
        if (written > maxEntry) {
          ledger.stored(n, png.byteLength); // over budget: commit will skip storing it
          return;
        }
        await ledger.track(
          (async () => {
            const dir = await stagingDir();
            await writeFile(path.join(dir, pageFileName(n)), png);
            ledger.stored(n, png.byteLength);
          })(),
        );
      },
      commit: async (meta) => {
        ledger.assertOpen();
        ledger.state = 'committing';
        try {
          await ledger.drain();
          ledger.assertComplete(meta);
          if (written > maxEntry) {
            await removeStaging();
          } else {
            const dir = await stagingDir();
            const metaJson = JSON.stringify(meta);
            await writeFile(path.join(dir, META), metaJson); // last: it is what makes the render visible
            if (await this.#publish(dir, finalDir)) {
              await this.#added(key, pageBytesOf(meta) + Buffer.byteLength(metaJson));
            }
          }
          ledger.state = 'committed';
        } catch (err) {
          ledger.state = 'failed';
          await removeStaging();
          throw err;
        }
      },
      abort: async () => {
        if (ledger.state === 'committed') return;
        ledger.state = 'aborted';
        await ledger.drain();
        await removeStaging();
      },
    };
  }

  /**
   * Moves a complete staging directory into place. Returns false when a complete render was
   * already there (another writer won; the bytes are the same), after removing the staging copy.
   */
  async #publish(staging: string, finalDir: string): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      await mkdir(path.dirname(finalDir), { recursive: true });
      try {
        await rename(staging, finalDir);
        return true;
      } catch (err) {
        const code = errorCode(err);
        if (code === 'ENOENT') continue; // an eviction removed the parent between mkdir and rename
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw err;
        if (await exists(path.join(finalDir, META))) {
          await rm(staging, { recursive: true, force: true });
          return false;
        }
        // A directory without meta.json is an eviction half done: never a render, safe to replace.
        await rm(finalDir, { recursive: true, force: true });
      }
    }
    throw new Error('disk tier: could not publish render directory');
  }

  /** Accounts for a published render and evicts if over budget (failures only logged). */
  async #added(key: string, bytes: number): Promise<void> {
    if (this.maxBytes === undefined) return;
    try {
      const index = await this.#ensureIndex();
      const old = index.get(key);
      if (old) this.#indexBytes -= old.bytes;
      index.set(key, { bytes, usedAt: this.#now() });
      this.#indexBytes += bytes;
      if (this.#indexBytes > this.maxBytes) await this.evict(key);
    } catch (err) {
      this.#log?.warn('render cache: disk eviction failed', { tier: 'disk', error: messageOf(err) });
    }
  }

  /**
   * Removes least-recently-used renders until the indexed bytes are at most 90 % of the budget
   * (some headroom, so not every commit pays for an eviction). `keep` is spared.
   */
  evict(keep?: string): Promise<void> {
    const run = this.#evicting.then(async () => {
      const maxBytes = this.maxBytes;
      if (maxBytes === undefined) return;
      const index = await this.#ensureIndex();
      const target = Math.floor(maxBytes * 0.9);
      if (this.#indexBytes <= maxBytes) return;
      const oldestFirst = [...index.entries()].filter(([k]) => k !== keep).sort((a, b) => a[1].usedAt - b[1].usedAt);
      for (const [key, entry] of oldestFirst) {
        if (this.#indexBytes <= target) break;
        await this.#remove(key);
        index.delete(key);
        this.#indexBytes -= entry.bytes;
      }
    });
    this.#evicting = run.catch(() => {});
    return run;
  }

  /** Deletes one render: meta.json first, so readers see a miss before any page disappears. */
  async #remove(key: string): Promise<void> {
    const dir = this.#renderDir(key);
    await unlink(path.join(dir, META)).catch((err: unknown) => {
      if (errorCode(err) !== 'ENOENT') throw err;
    });
    await rm(dir, { recursive: true, force: true });
    // Drop the now-empty parents; ENOTEMPTY just means other renders live there.
    await rmdir(path.dirname(dir)).catch(() => {});
    await rmdir(path.dirname(path.dirname(dir))).catch(() => {});
  }

  #ensureIndex(): Promise<Map<string, IndexEntry>> {
    if (this.#index) return Promise.resolve(this.#index);
    this.#indexing ??= this.#scan().then(
      (index) => (this.#index = index),
      (err: unknown) => {
        this.#indexing = undefined; // let the next commit try again
        throw err;
      },
    );
    return this.#indexing;
  }

  /** Walks the tree once: sizes of complete renders, and removal of stale staging directories. */
  async #scan(): Promise<Map<string, IndexEntry>> {
    const index = new Map<string, IndexEntry>();
    let total = 0;
    for (const prefix of await listDirs(this.root)) {
      if (prefix === STAGING) {
        await this.#sweepStaging();
        continue;
      }
      if (!HEX2.test(prefix)) continue;
      for (const sha of await listDirs(path.join(this.root, prefix))) {
        if (!HEX64.test(sha) || sha.slice(0, 2) !== prefix) continue;
        for (const cfg of await listDirs(path.join(this.root, prefix, sha))) {
          if (!HEX64.test(cfg)) continue;
          const dir = path.join(this.root, prefix, sha, cfg);
          const metaStat = await stat(path.join(dir, META)).catch(() => undefined);
          if (!metaStat) continue; // not a complete render
          let bytes = 0;
          for (const f of await readdir(dir, { withFileTypes: true })) {
            if (f.isFile()) bytes += (await stat(path.join(dir, f.name)).catch(() => undefined))?.size ?? 0;
          }
          index.set(`${sha}/${cfg}`, { bytes, usedAt: metaStat.mtimeMs });
          total += bytes;
        }
      }
    }
    this.#indexBytes = total;
    return index;
  }

  async #sweepStaging(): Promise<void> {
    const cutoff = this.#now() - this.#staleStagingMs;
    for (const name of await listDirs(this.#staging)) {
      const dir = path.join(this.#staging, name);
      const s = await stat(dir).catch(() => undefined);
      if (s && s.mtimeMs < cutoff) await rm(dir, { recursive: true, force: true }).catch(() => {});
    }
  }

  /** Directory of a render; the key is validated, and the result must stay under the root. */
  #renderDir(key: string): string {
    const { textSha256, configHash } = parseRenderCacheKey(key);
    return this.#inside(path.join(this.root, textSha256.slice(0, 2), textSha256, configHash));
  }

  /** Belt and braces after key validation: a path that resolves outside the root is refused. */
  #inside(p: string): string {
    const resolved = path.resolve(p);
    const rel = path.relative(this.root, resolved);
    if (rel === '' || path.isAbsolute(rel) || rel.split(path.sep)[0] === '..') {
      throw new Error('disk tier: path escapes the cache root');
    }
    return resolved;
  }
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return [];
    throw err;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
