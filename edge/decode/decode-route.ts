/** `POST /v1/documents/{id}/decode`: the route definition. */
import { createRoute } from '@hono/zod-openapi';
import { decodeOptionsSchema, decodeViewSchema } from '../../protocol/public-api/decode.ts';
import { documentParams } from '../../protocol/public-api/params.ts';
import { errorResponses, GATE_ERRORS, RUNNER_ERRORS } from '../http/error-responses.ts';
import { cacheHeader, cachedCallHeaders } from '../http/header-docs.ts';

/** `POST /v1/documents/{id}/decode`. */
export const decodeRoute = createRoute({
  method: 'post',
  path: '/{id}/decode',
  operationId: 'decode',
  tags: ['documents'],
  summary: "OCR read-back of a document's pages",
  description:
    'Deterministic, so cached next to the render (`x-glyph-cache: hit` on a repeat). No body means all defaults.',
  request: {
    params: documentParams,
    headers: cachedCallHeaders,
    body: { content: { 'application/json': { schema: decodeOptionsSchema } } },
  },
  responses: {
    200: {
      description: 'The read-back.',
      headers: cacheHeader,
      content: { 'application/json': { schema: decodeViewSchema } },
    },
    ...errorResponses(400, 404, 413, 415, ...GATE_ERRORS, ...RUNNER_ERRORS),
  },
});
