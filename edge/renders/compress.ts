/**
 * `POST /v1/compress`: upload and render in one call: the upload as `POST /v1/documents` stores
 * and bills it, then the render as `POST /v1/documents/:id/render` makes it (or hands it to a job).
 */
import { createRoute } from '@hono/zod-openapi';
import { documentView, ingest } from '../documents/upload.ts';
import { textTokensOf } from '../documents/text-tokens.ts';
import { apiRoutes } from '../http/api-routes.ts';
import { uploadBody } from '../http/body-middleware.ts';
import { gate } from '../tenancy/gate.ts';
import { compressRoute } from './compress-route.ts';
import { resolveRender, type RenderFields } from './render-options.ts';
import { renderFor } from './render.ts';
import { withDelivery } from '../page-urls/deliver.ts';

/** `POST /v1/compress`: upload + render in one call. */
export const compressRoutes = apiRoutes();

compressRoutes.openapi(createRoute({ ...compressRoute, middleware: [gate({ quota: true }), uploadBody()] as const }), async (c) => {
  const upload = c.get('upload');
  // JSON bodies carry the render fields next to "text"; a text body's come from the query (the
  // JSON validator had nothing to check, so its value is `{}`).
  const json = c.req.valid('json');
  const { text: _text, ...bodyFields } = typeof json === 'string' ? { text: json } : json;
  const fields: RenderFields = Object.keys(bodyFields).length > 0 ? bodyFields : c.req.valid('query');
  // Resolved before the upload is stored: a bad config refuses the whole call, storing and billing nothing.
  const resolved = await resolveRender(fields);
  const { record } = await ingest(c, upload);
  const outcome = await renderFor(c, record, resolved);
  // A render reports the text tokens; a job (202) has not rendered yet, so a runner counts them.
  if (outcome.status === 202) return c.json({ document: documentView(record, await textTokensOf(c, record, upload.text)), ...outcome.body }, 202);
  const delivered = await withDelivery(c, outcome.body, Object.keys(bodyFields).length > 0 ? bodyFields : c.req.valid('query'));
  return c.json({ document: documentView(record, outcome.body.totals.textTokens), ...delivered }, 200);
});
