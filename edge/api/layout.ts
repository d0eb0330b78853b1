/**
 * `GET /v1/documents/{id}/renders/{renderId}/layout`: line boxes of a committed render. The route
 * itself is a plain Hono route (edge/demo/layout-route.ts) that checks its ids with the same rules
 * (edge/http/ids.ts); this is its documentation, registered by the app where it is mounted.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, GATE_ERRORS } from './errors.ts';
import { documentIdSchema, pageNumberSchema, renderIdSchema } from './params.ts';

/** A pixel box on a page. */
export const boxSchema = z
  .object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() })
  .openapi('Box');

/** Line boxes of a render, to outline the lines a query cited. */
export const layoutViewSchema = z
  .object({
    documentId: z.string(),
    renderId: z.string(),
    lines: z.array(z.object({ page: z.number().int(), line: z.number().int(), box: boxSchema })),
  })
  .openapi('Layout');

/** `GET /{id}/renders/{renderId}/layout` (mounted under `/v1/documents`). */
export const layoutRoute = createRoute({
  method: 'get',
  path: '/{id}/renders/{renderId}/layout',
  operationId: 'layout',
  tags: ['documents'],
  summary: 'Line boxes of a committed render',
  description: 'Each line as `{ page, line, box }`: the pair a citation names, and where it sits on the page image.',
  request: {
    params: z.object({ id: documentIdSchema, renderId: renderIdSchema }),
    query: z.object({ page: pageNumberSchema.optional().openapi({ description: 'Only this page.' }) }),
  },
  responses: {
    200: { description: 'The line boxes.', content: { 'application/json': { schema: layoutViewSchema } } },
    ...errorResponses(400, 404, ...GATE_ERRORS),
  },
});
