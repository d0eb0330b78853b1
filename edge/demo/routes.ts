/**
 * The demo page, served by the Worker itself (no CDN): `GET /` and its assets `GET /demo/<file>`.
 * Public (no key): the page holds no data; it calls the `/v1` API with the key the user enters.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { ApiError } from '../http/errors.ts';
import { DEMO_ASSETS } from './assets.ts';
import { demoHeaders } from './headers.ts';
import { demoPageHtml } from './page.ts';

// The HTML is revalidated each time so a deploy shows at once; the assets it names may be cached
// briefly (they change only with a deploy, and a stale minute is harmless).
const PAGE_CACHE = 'no-cache';
const ASSET_CACHE = 'public, max-age=300';

const html = demoPageHtml();

/** The demo routes (mount at `/`). */
export const demoRoutes = new Hono<AppEnv>();

demoRoutes.get('/', (c) => c.body(html, 200, demoHeaders('text/html; charset=utf-8', PAGE_CACHE)));

demoRoutes.get('/demo/:file', (c) => {
  const file = c.req.param('file');
  // Own-property lookup only: "constructor" or "__proto__" are not assets.
  const asset = Object.hasOwn(DEMO_ASSETS, file) ? DEMO_ASSETS[file] : undefined;
  if (!asset) return new ApiError(404, 'not_found', 'no such demo asset').getResponse();
  return c.body(asset.body, 200, demoHeaders(asset.contentType, ASSET_CACHE));
});
