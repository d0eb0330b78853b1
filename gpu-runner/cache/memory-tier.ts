/**
 * Memory tier: a byte-bounded LRU of whole renders (pages + meta) in this process.
 *
 * A render is inserted only on commit, and only when it is at most a quarter of the budget: one
 * huge document must not evict every other entry, and a writer stops buffering as soon as it
 * knows the render will not fit, so a 1 MB text's ~20 MB of pages is not held twice for nothing.
 */
import { LRUCache } from 'lru-cache';
import { parseRenderCacheKey } from './key.ts';
import { assertPageNumber, metaBytesEstimate, pageBytesOf } from './meta.ts';
import { PageLedger } from './page-ledger.ts';
import type { CachedRender, CachedRenderMeta, RenderCacheTier, RenderCacheWriter } from './types.ts';

/** Default budget of the memory tier: 256 MB (`GLYPH_CACHE_MEMORY_MB`). */
export const DEFAULT_MEMORY_CACHE_BYTES = 256 * 1024 * 1024;

/** Options of {@link MemoryRenderTier}. */
export interface MemoryRenderTierOptions {
  /** Budget in bytes for all entries together; default {@link DEFAULT_MEMORY_CACHE_BYTES}. */
  maxBytes?: number;
}

interface MemoryEntry {
  meta: CachedRenderMeta;
  pages: Uint8Array[];
  bytes: number;
}

/** Byte-bounded in-process LRU tier. */
export class MemoryRenderTier implements RenderCacheTier {
  readonly name = 'memory' as const;
  /** Budget for all entries. */
  readonly maxBytes: number;
  /** Largest entry kept: a quarter of the budget. */
  readonly maxEntryBytes: number;
  readonly #lru: LRUCache<string, MemoryEntry>;

  constructor(options: MemoryRenderTierOptions = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_CACHE_BYTES;
    if (!Number.isInteger(maxBytes) || maxBytes < 4) throw new Error('memory tier: maxBytes must be an integer ≥ 4');
    this.maxBytes = maxBytes;
    this.maxEntryBytes = Math.floor(maxBytes / 4);
    this.#lru = new LRUCache<string, MemoryEntry>({
      maxSize: maxBytes,
      maxEntrySize: this.maxEntryBytes,
      sizeCalculation: (entry) => entry.bytes,
    });
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#lru.calculatedSize;
  }

  /** Renders held now. */
  get size(): number {
    return this.#lru.size;
  }

  /** Whether `key` is held, without touching its recency. */
  has(key: string): boolean {
    parseRenderCacheKey(key);
    return this.#lru.has(key);
  }

  async get(key: string): Promise<CachedRender | undefined> {
    parseRenderCacheKey(key);
    const entry = this.#lru.get(key);
    if (!entry) return undefined;
    return {
      meta: entry.meta,
      page: async (n) => {
        assertPageNumber(entry.meta, n);
        return entry.pages[n - 1];
      },
    };
  }

  accepts(meta: CachedRenderMeta): boolean {
    return entryBytes(meta) <= this.maxEntryBytes;
  }

  begin(key: string): RenderCacheWriter {
    parseRenderCacheKey(key);
    const ledger = new PageLedger();
    let pages: Uint8Array[] | undefined = [];
    let buffered = 0;
    return {
      writePage: async (n, png) => {
        ledger.record(n, png);
        if (!pages) return;
        buffered += png.byteLength;
        if (buffered > this.maxEntryBytes) {
          pages = undefined; // will not be kept: stop holding the bytes now
          return;
        }
        // A view into a bigger ArrayBuffer (a pooled Buffer, a slice) would pin all of it.
        pages[n - 1] = png.byteLength === png.buffer.byteLength ? png : png.slice();
      },
      commit: async (meta) => {
        ledger.assertOpen();
        try {
          ledger.assertComplete(meta);
        } catch (err) {
          ledger.state = 'failed'; // like the other tiers: a failed commit ends the writer
          pages = undefined;
          throw err;
        }
        ledger.state = 'committed';
        const bytes = entryBytes(meta);
        if (pages && bytes <= this.maxEntryBytes) this.#lru.set(key, { meta, pages, bytes });
        pages = undefined;
      },
      abort: async () => {
        if (ledger.state !== 'committed') ledger.state = 'aborted';
        pages = undefined; // nothing was inserted before commit, so there is nothing else to undo
      },
    };
  }

  /** Drops every entry. */
  clear(): void {
    this.#lru.clear();
  }
}

function entryBytes(meta: CachedRenderMeta): number {
  return pageBytesOf(meta) + metaBytesEstimate(meta);
}
