/**
 * Where each page of a committed render is stored. With pages stored by content the manifest is
 * the index (page n → the hash that names its object), so serving a page the Cache API does not
 * hold needs it; a committed manifest never changes (a render id names its text and options, and
 * nothing rewrites a manifest), so each isolate keeps the page hashes of the renders it served
 * lately and reads a manifest once rather than once per page. Only committed renders are kept:
 * a render that is not committed yet is looked up again next time.
 */
import { LRUCache } from 'lru-cache';
import type { Env } from '../bindings.ts';
import { readManifest, storedPageKey, type PageLocations, type RenderLocation } from './renders.ts';

/** A page of a committed render: its object's key and the SHA-256 of its PNG (the ETag). */
export interface CommittedPage {
  key: string;
  sha256: string;
}

// Bounded by pages held (about 100 bytes each with the key), not by renders: a few very long
// renders cannot crowd out the isolate's memory.
const MAX_PAGES_INDEXED = 50_000;
const indexes = new LRUCache<string, PageLocations>({
  maxSize: MAX_PAGES_INDEXED,
  sizeCalculation: (index) => Math.max(1, index.pages.length),
});

const indexKey = (at: RenderLocation) => `${at.tenant}/${at.sha}/${at.configHash}`;

async function pageIndex(env: Env, at: RenderLocation): Promise<PageLocations | null> {
  const known = indexes.get(indexKey(at));
  if (known) return known;
  const manifest = await readManifest(env, at);
  if (!manifest) return null;
  // Only what locating a page needs: n and the hash of each.
  const index: PageLocations = {
    ...(manifest.pageStore ? { pageStore: manifest.pageStore } : {}),
    pages: manifest.pages.map((p) => ({ n: p.n, sha256: p.sha256 })),
  };
  if (index.pages.length <= MAX_PAGES_INDEXED) indexes.set(indexKey(at), index);
  return index;
}

function located(at: RenderLocation, index: PageLocations, n: number): CommittedPage | null {
  const key = storedPageKey(at, index, n);
  return key ? { key, sha256: index.pages[n - 1]!.sha256 } : null;
}

/** Page `n` of the committed render at `at`, or null (not committed, or past its last page). */
export async function committedPage(env: Env, at: RenderLocation, n: number): Promise<CommittedPage | null> {
  const index = await pageIndex(env, at);
  return index ? located(at, index, n) : null;
}

/** Pages `numbers` of the committed render at `at` (one manifest read), or null when it is not committed. */
export async function committedPages(
  env: Env,
  at: RenderLocation,
  numbers: readonly number[],
): Promise<Map<number, CommittedPage | null> | null> {
  const index = await pageIndex(env, at);
  if (!index) return null;
  return new Map(numbers.map((n) => [n, located(at, index, n)]));
}
