/**
 * `GET /v1/documents/{id}/renders/{renderId}/layout`: the route definition.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { layoutViewSchema } from '../../protocol/public-api/layout.ts';
import { documentIdSchema, pageNumberSchema, renderIdSchema } from '../../protocol/public-api/params.ts';
import { errorResponses, GATE_ERRORS } from '../http/error-responses.ts';

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
