/**
 * One page PNG of a committed render, from the Cache API or else R2, with its strong ETag
 * (`"<SHA-256 of the PNG>"`). The keyed page route and key-free page URLs serve the same bytes and
 * ETag because both read them here.
 */
import type { ExecutionContext } from '../bindings.ts';
import { webStream, type Env } from '../bindings.ts';
import { matchPage, pageCacheKey, putPage } from '../storage/page-cache.ts';
import { committedPage } from '../storage/page-index.ts';
import { readPageObject } from '../storage/renders.ts';

/** Which page. */
export interface PageAt {
  tenant: string;
  sha: string;
  configHash: string;
  n: number;
}

/** A page ready to send: body plus its `etag`, `content-type` and `content-length` headers. */
export interface PageSource {
  response: Response;
  etag: string;
  /** Came from the Cache API rather than R2. */
  cached: boolean;
}

/**
 * The page, or null when it is not part of a committed render (never rendered, a render that
 * broke off, or past the last page). A page read from R2 is put into the Cache API after the
 * response (`waitUntil`).
 */
export async function readCommittedPage(
  env: Env,
  ctx: Pick<ExecutionContext, 'waitUntil'>,
  at: PageAt,
): Promise<PageSource | null> {
  const key = pageCacheKey(at.tenant, at.sha, at.configHash, at.n);
  const hit = await matchPage(key);
  if (hit) return { response: hit, etag: hit.headers.get('etag')!, cached: true };
  // Only pages of a committed render are served: a page left by a render that broke off is not
  // part of any manifest a client could have seen. The manifest says which object holds it.
  const page = await committedPage(env, at, at.n);
  if (!page) return null;
  const object = await readPageObject(env, page.key);
  if (!object) return null;
  const etag = `"${page.sha256}"`;
  const response = new Response(webStream(object.body), {
    headers: { 'content-type': 'image/png', 'content-length': String(object.size), etag },
  });
  ctx.waitUntil(putPage(key, response.clone()));
  return { response, etag, cached: false };
}

/** The PNG bytes of a committed page, or null (see {@link readCommittedPage}). */
export async function readCommittedPageBytes(
  env: Env,
  ctx: Pick<ExecutionContext, 'waitUntil'>,
  at: PageAt,
): Promise<Uint8Array | null> {
  const source = await readCommittedPage(env, ctx, at);
  return source ? new Uint8Array(await source.response.arrayBuffer()) : null;
}
