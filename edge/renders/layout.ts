/**
 * `GET /v1/documents/:id/renders/:renderId/layout[?page=n]`: the line boxes of a committed render
 * (`{ lines: [{ page, line, box }] }`), so a client can outline the lines a query cited — the
 * public query response names a cited line by `{ page, line }` only. Read-only, tenant-scoped and
 * committed-only exactly like the page route (page.ts).
 */
import { createRoute, type z } from '@hono/zod-openapi';
import type { layoutViewSchema } from '../../protocol/public-api/layout.ts';
import { apiRoutes } from '../http/api-routes.ts';
import { notFound } from '../http/errors.ts';
import { committedPageCount, readLayout } from '../storage/renders.ts';
import { gate } from '../tenancy/gate.ts';
import { layoutRoute } from './layout-route.ts';

/** Body of a layout response. */
export type LayoutView = z.infer<typeof layoutViewSchema>;

// Same caching as a page: the URL names the text and config by their hashes, so it never changes.
const CLIENT_CACHE_CONTROL = 'private, max-age=31536000, immutable';

/** The layout route (mount under `/v1/documents`). */
export const layoutRoutes = apiRoutes();

layoutRoutes.openapi(createRoute({ ...layoutRoute, middleware: [gate({ quota: false })] as const }), async (c) => {
  const { tenant } = c.get('caller');
  const { id: sha, renderId: configHash } = c.req.valid('param');
  const page = c.req.valid('query').page ?? null;
  const at = { tenant, sha, configHash };

  // Only a committed render's layout: one that broke off left no manifest a client could have seen.
  const pages = await committedPageCount(c.env, at);
  if (pages === null || (page !== null && page > pages)) throw notFound(page === null ? 'render' : 'page');
  const layout = await readLayout(c.env, at);
  if (!layout) throw notFound('render');

  // Source offsets (start/end) stay private: the box is all a client needs to draw an outline.
  const lines = layout
    .filter((l) => page === null || l.page === page)
    .map(({ page, line, box, source }) => ({ page, line, box, ...(source ? { source } : {}) }));
  const body: LayoutView = { documentId: sha, renderId: configHash, lines };
  return c.json(body, 200, { 'cache-control': CLIENT_CACHE_CONTROL });
});
