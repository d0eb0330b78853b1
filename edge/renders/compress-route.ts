/** `POST /v1/compress`: upload and render in one call. */
import { createRoute } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import {
  compressedSchema,
  compressJobSchema,
  compressJsonSchema,
  compressPassthroughSchema,
  compressQuerySchema,
} from '../../protocol/public-api/compress.ts';
import { textBodies } from '../../protocol/public-api/documents.ts';
import { errorResponses, GATE_ERRORS, RUNNER_ERRORS } from '../http/error-responses.ts';
import { billableHeaders, cacheHeader, locationHeader } from '../http/header-docs.ts';

/** `POST /v1/compress`. */
export const compressRoute = createRoute({
  method: 'post',
  path: '/',
  operationId: 'compress',
  tags: ['documents'],
  summary: 'Upload a text and render it in one call',
  description:
    'JSON bodies carry the render fields beside `text`; text bodies take them from the query (`preset`, `profile`, `reflow`, ' +
    '`readbackFloor`, `passthrough`, `config` as JSON). Billed as an upload plus a render (a passthrough answered before any ' +
    'page was drawn bills the upload only).',
  request: {
    query: compressQuerySchema,
    headers: billableHeaders,
    body: {
      description: 'The document (required).',
      content: { 'application/json': { schema: compressJsonSchema }, ...textBodies },
    },
  },
  responses: {
    200: {
      description: 'The document and its render; with `passthrough: true` and pages that do not pay, the text instead.',
      headers: cacheHeader,
      content: { 'application/json': { schema: z.union([compressedSchema, compressPassthroughSchema]) } },
    },
    202: {
      description: 'Over the page threshold: a job renders it.',
      headers: { ...cacheHeader, ...locationHeader },
      content: { 'application/json': { schema: compressJobSchema } },
    },
    ...errorResponses(400, 413, 415, ...GATE_ERRORS, ...RUNNER_ERRORS),
  },
});
