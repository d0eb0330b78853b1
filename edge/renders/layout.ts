/**
 * `GET /v1/documents/:id/renders/:renderId/layout[?page=n]`: the line boxes of a committed render
 * (`{ lines: [{ page, line, box }] }`), so a client can outline the lines a query cited — the
 * public query response names a cited line by `{ page, line }` only. Read-only, tenant-scoped and
 * committed-only exactly like the page route (edge/renders/page.ts).
 */
import { Hono } from 'hono';
import type { ManifestBox, ManifestLine } from '../../protocol/runner-api.ts';
import type { AppEnv } from '../app-env.ts';
import { gate } from '../tenancy/gate.ts';
import { notFound } from '../http/errors.ts';
import { documentId, pageNumber, renderId } from '../http/ids.ts';
import { layoutKey } from '../storage/keys.ts';
import { committedPageCount } from '../storage/renders.ts';

/** One line of the public layout view. */
export interface LayoutLineView {
  page: number;
  line: number;
  box: ManifestBox;
}

/** Body of a layout response. */
export interface LayoutView {
  documentId: string;
  renderId: string;
  lines: LayoutLineView[];
}

// Same caching as a page: the URL names the text and config by their hashes, so it never changes.
const CLIENT_CACHE_CONTROL = 'private, max-age=31536000, immutable';

/** The layout route (mount under `/v1/documents`). */
export const layoutRoutes = new Hono<AppEnv>();

layoutRoutes.get('/:id/renders/:renderId/layout', gate({ quota: false }), async (c) => {
  const { tenant } = c.get('caller');
  const sha = documentId(c.req.param('id'));
  const configHash = renderId(c.req.param('renderId'));
  const pageParam = c.req.query('page');
  const page = pageParam === undefined ? null : pageNumber(pageParam);

  // Only a committed render's layout: one that broke off left no manifest a client could have seen.
  const pages = await committedPageCount(c.env, { tenant, sha, configHash });
  if (pages === null || (page !== null && page > pages)) throw notFound(page === null ? 'render' : 'page');
  const object = await c.env.RENDERS.get(layoutKey(tenant, sha, configHash));
  if (!object) throw notFound('render');
  const layout = (await object.json()) as ManifestLine[];

  // Source offsets (start/end) stay private: the box is all a client needs to draw an outline.
  const lines = layout.filter((l) => page === null || l.page === page).map(({ page, line, box }) => ({ page, line, box }));
  const body: LayoutView = { documentId: sha, renderId: configHash, lines };
  return c.json(body, 200, { 'cache-control': CLIENT_CACHE_CONTROL });
});
