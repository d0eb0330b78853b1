/** `GET /v1/documents/{id}/renders/{renderId}/pages/{n}`: one page PNG. */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, GATE_ERRORS } from '../http/error-responses.ts';
import { cacheHeader, pageHeaders, type HeaderDoc } from '../http/header-docs.ts';
import { pageParams } from '../../protocol/public-api/params.ts';

const etagHeader: Record<string, HeaderDoc> = {
  ETag: { description: 'Strong ETag: `"<SHA-256 of the PNG>"`.', schema: { type: 'string' } },
  'Cache-Control': {
    description: '`private, max-age=31536000, immutable`: a page URL never changes.',
    schema: { type: 'string' },
  },
};

/** `GET /v1/documents/{id}/renders/{renderId}/pages/{n}`. */
export const pageRoute = createRoute({
  method: 'get',
  path: '/{id}/renders/{renderId}/pages/{n}',
  operationId: 'page',
  tags: ['documents'],
  summary: 'One page image of a committed render',
  description: 'Page URLs come from a render result. Send the ETag back in `If-None-Match` to get 304 when unchanged.',
  request: { params: pageParams, headers: pageHeaders },
  responses: {
    200: {
      description: 'The page.',
      headers: { ...etagHeader, ...cacheHeader },
      content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    304: { description: '`If-None-Match` matched: the copy the client has is current.', headers: etagHeader },
    ...errorResponses(400, 404, ...GATE_ERRORS),
  },
});
