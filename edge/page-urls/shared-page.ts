/**
 * Serves key-free page URLs (edge/page-urls/capability.ts). The capability is checked before
 * anything is looked up, and every refusal is the same 403 body in the same way, so a URL that was
 * never valid, one that expired, and one pointed at another page, render or tenant cannot be told
 * apart — nor whether the page behind them exists.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { apiRoutes } from '../http/api-routes.ts';
import { ifNoneMatchHits } from '../http/conditional.ts';
import { isTenantId } from '../storage/keys.ts';
import { verifyGrant, type PageGrant } from './capability.ts';
import { readCommittedPage } from './page-source.ts';
import { sharedPageRoute } from './shared-page-route.ts';

const HEX64 = /^[0-9a-f]{64}$/;
const PAGE = /^[1-9][0-9]{0,5}$/;
const EXPIRES = /^[0-9]{1,12}$/;

/** The one refusal, whatever was wrong. */
export function refusedPageUrl(): Response {
  return Response.json(
    { error: { code: 'invalid_page_url', message: 'this page URL is not valid, or has expired' } },
    {
      status: 403,
      headers: { 'cache-control': 'no-store' },
    },
  );
}

/** The grant a request presents, or null when any part of it is malformed. */
function presentedGrant(c: Context<AppEnv>): { grant: PageGrant; signature: string } | null {
  const { tenant, id, renderId, n } = c.req.param() as Record<string, string>;
  const expires = c.req.query('expires') ?? '';
  const signature = c.req.query('signature') ?? '';
  if (!tenant || !id || !renderId || !n) return null;
  if (!isTenantId(tenant) || !HEX64.test(id) || !HEX64.test(renderId) || !PAGE.test(n) || !EXPIRES.test(expires))
    return null;
  return { grant: { tenant, documentId: id, renderId, n: Number(n), expires: Number(expires) }, signature };
}

/** `GET /v1/shared/…` routes (mount at `/v1/shared`). */
export const sharedPageRoutes = apiRoutes();

sharedPageRoutes.openapi(sharedPageRoute, async (c) => {
  const secret = c.env.PAGE_URL_SECRET;
  const presented = presentedGrant(c);
  // No secret configured: no URL can be valid (and none was issued).
  if (!secret || !presented) return refusedPageUrl() as never;
  const verdict = await verifyGrant(secret, presented.grant, presented.signature);
  if (!verdict.ok) return refusedPageUrl() as never;

  const { tenant, documentId: sha, renderId: configHash, n, expires } = presented.grant;
  const source = await readCommittedPage(c.env, c.executionCtx, { tenant, sha, configHash, n });
  // Only a URL this edge signed gets here, so this tells nothing to someone without one.
  if (!source) return c.json({ error: { code: 'not_found', message: 'page not found' } }, 404);

  const remaining = Math.max(0, expires - Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    etag: source.etag,
    'cache-control': `private, max-age=${remaining}`,
    'x-glyph-cache': source.cached ? 'hit' : 'miss',
  };
  if (ifNoneMatchHits(c.req.header('if-none-match'), source.etag)) {
    await source.response.body?.cancel();
    return c.body(null, 304, headers);
  }
  headers['content-type'] = 'image/png';
  const length = source.response.headers.get('content-length');
  if (length) headers['content-length'] = length;
  return c.body(source.response.body as ReadableStream, 200, headers);
});
