/**
 * `GET /v1/documents/:id/renders/:renderId/pages/:n`: one page PNG of a committed render, with a
 * strong ETag (the SHA-256 of the PNG), `If-None-Match` → 304, and immutable caching — the bytes
 * behind a page URL never change, because the URL names the text and config by their hashes.
 */
import { createRoute } from '@hono/zod-openapi';
import { etag, RETAINED_304_HEADERS } from 'hono/etag';
import { pageRoute } from './page-route.ts';
import { apiRoutes } from '../http/api-routes.ts';
import { notFound } from '../http/errors.ts';
import { gate } from '../tenancy/gate.ts';
import { readCommittedPage } from '../page-urls/page-source.ts';

// `private`: another tenant must never be served this from a shared cache.
const CLIENT_CACHE_CONTROL = 'private, max-age=31536000, immutable';

/** The page route. */
export const pageRoutes = apiRoutes();

// A 304 keeps what a 200 would say about caching, and whether the page came from the cache.
const notModified = etag({ retainedHeaders: [...RETAINED_304_HEADERS, 'x-glyph-cache'] });

pageRoutes.openapi(
  createRoute({ ...pageRoute, middleware: [gate({ quota: false }), notModified] as const }),
  async (c) => {
    const { tenant } = c.get('caller');
    const { id: sha, renderId: configHash, n } = c.req.valid('param');
    // Only pages of a committed render, from the Cache API or the object its manifest names.
    const source = await readCommittedPage(c.env, c.executionCtx, { tenant, sha, configHash, n });
    if (!source) throw notFound('page');

    // `If-None-Match` → 304 is hono/etag's, below: the ETag is the stored one, never recomputed.
    const headers: Record<string, string> = {
      etag: source.etag,
      'cache-control': CLIENT_CACHE_CONTROL,
      'x-glyph-cache': source.cached ? 'hit' : 'miss',
      'content-type': 'image/png',
    };
    const length = source.response.headers.get('content-length');
    if (length) headers['content-length'] = length;
    return c.body(source.response.body as ReadableStream, 200, headers);
  },
);
