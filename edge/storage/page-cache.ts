/**
 * The Cache API in front of R2 for page images. Pages are tenant-private, so the cache key is an
 * internal URL that contains the tenant (never the public URL, which is the same for every
 * tenant), and it is only consulted after the caller was authenticated for that tenant.
 *
 * The key names the page as its URL does — tenant, document, render id, page number — not the
 * object it is stored in: a cached page is served without reading the manifest that says which
 * object that is (with pages stored by content, storage/page-index.ts). The bytes behind such a
 * name never change, so the entry never goes stale. (The name is the per-render R2 key of renders
 * committed before content-addressed pages, keys.ts `pageKey`: one well-checked shape.)
 */
import { pageKey } from './keys.ts';

const CACHE_NAME = 'glyph-pages';
// Never resolvable, never served: only a key for cache.match / cache.put.
const CACHE_ORIGIN = 'https://pages.glyphgate.internal/';

/** The tenant-namespaced cache key of a page. */
export function pageCacheKey(tenant: string, sha: string, configHash: string, n: number): Request {
  return new Request(CACHE_ORIGIN + pageKey(tenant, sha, configHash, n));
}

/** The cached page, or undefined. */
export async function matchPage(key: Request): Promise<Response | undefined> {
  return (await caches.open(CACHE_NAME)).match(key);
}

/**
 * Stores a page response. The cache refuses `private` responses, so the stored copy says
 * `public` — safe because its key is tenant-scoped and it is only read behind auth; what the
 * client receives is rewritten to `private`.
 */
export async function putPage(key: Request, response: Response): Promise<void> {
  const headers = new Headers(response.headers);
  headers.set('cache-control', 'public, max-age=31536000, immutable');
  await (await caches.open(CACHE_NAME)).put(key, new Response(response.body, { status: 200, headers }));
}
