/** `POST /v1/documents/{id}/render`: the route definition. */
import { createRoute } from '@hono/zod-openapi';
import { documentParams } from '../../protocol/public-api/params.ts';
import { jobAcceptedSchema, renderOptionsSchema, renderViewSchema } from '../../protocol/public-api/render.ts';
import { errorResponses, GATE_ERRORS, RUNNER_ERRORS } from '../http/error-responses.ts';
import { billableHeaders, cacheHeader, locationHeader } from '../http/header-docs.ts';

/** `POST /v1/documents/{id}/render`. */
export const renderRoute = createRoute({
  method: 'post',
  path: '/{id}/render',
  operationId: 'render',
  tags: ['documents'],
  summary: 'Render a document into page images',
  description:
    'The render manifest: committed renders come from R2 (`x-glyph-cache: hit`); otherwise one runner call ' +
    'however many ask at once. A document over the page threshold gets 202 and a job. No body means all defaults.',
  request: {
    params: documentParams,
    headers: billableHeaders,
    body: { content: { 'application/json': { schema: renderOptionsSchema } } },
  },
  responses: {
    200: {
      description: 'The render.',
      headers: cacheHeader,
      content: { 'application/json': { schema: renderViewSchema } },
    },
    202: {
      description: 'Handed to a job: poll `statusUrl`.',
      headers: { ...cacheHeader, ...locationHeader },
      content: { 'application/json': { schema: jobAcceptedSchema } },
    },
    ...errorResponses(400, 404, 413, 415, ...GATE_ERRORS, ...RUNNER_ERRORS),
  },
});
