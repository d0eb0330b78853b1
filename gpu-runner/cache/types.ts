/**
 * Shapes shared by every render-cache tier (memory, disk, S3) and the tiered cache over them.
 *
 * What is cached is profile-independent: the pages and layout that a (text, render config) pair
 * produces. Visual tokens depend on the VLM profile and are recomputed from the page sizes.
 */
import type { ManifestLine } from '../../protocol/runner-api.ts';

/** Everything about a cached render except the page bytes. */
export interface CachedRenderMeta {
  chars: number;
  textTokens: number;
  /**
   * One entry per page, in order (page n is `pages[n - 1]`); `bytes` is the PNG's length and
   * `planSha256` the page's plan hash (absent in entries written before plan hashes).
   */
  pages: Array<{ width: number; height: number; bytes: number; planSha256?: string }>;
  layout: ManifestLine[];
  missingGlyphs: { count: number; codePoints: string[] };
  /** True when reflow joined lines before layout (`layout` then holds ranges of the text sent). Absent in older entries: false. */
  reflowed?: boolean;
}

/** A render found in a cache: its meta now, its pages on demand. */
export interface CachedRender {
  meta: CachedRenderMeta;
  /**
   * PNG bytes of page `n` (1-based). Treat them as read-only: the memory tier hands out the bytes
   * it holds. Rejects with a RangeError for a page outside `1..meta.pages.length`.
   */
  page(n: number): Promise<Uint8Array>;
}

/**
 * Writes one render into a tier as it is produced. Pages may come in any order; `commit` stores
 * the meta last, so a reader never sees a render as complete before every page is stored.
 */
export interface RenderCacheWriter {
  writePage(n: number, png: Uint8Array): Promise<void>;
  /** Rejects (and stores nothing visible) unless exactly the pages of `meta` were written. */
  commit(meta: CachedRenderMeta): Promise<void>;
  /**
   * Removes what this writer stored. Safe to call more than once or after a failed commit;
   * after a successful commit it does nothing (the render is now everyone's).
   */
  abort(): Promise<void>;
}

/** Names of the tiers, fastest first. */
export type RenderCacheTierName = 'memory' | 'disk' | 's3';

/** One storage level of the render cache. */
export interface RenderCacheTier {
  readonly name: RenderCacheTierName;
  /** The render under `key`, or undefined when absent. Throws on a fault (disk error, S3 down). */
  get(key: string): Promise<CachedRender | undefined>;
  /** Starts writing `key`. Throws synchronously only for an invalid key. */
  begin(key: string): RenderCacheWriter;
  /**
   * Whether this tier would keep a render of this size; lets the tiered cache skip backfills a
   * tier would throw away (the memory tier refuses renders over a quarter of its budget).
   */
  accepts?(meta: CachedRenderMeta): boolean;
  /** Releases sockets and timers. */
  close?(): Promise<void>;
}

/**
 * Where cache faults are reported. `console` fits. Messages and fields carry keys (hashes),
 * tier names and error messages, never document text.
 */
export interface CacheLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}
