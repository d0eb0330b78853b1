/** `POST /v1/documents/{id}/query`: the route definition. */
import { createRoute, z } from '@hono/zod-openapi';
import { documentParams } from '../../protocol/public-api/params.ts';
import { answerSchema, queryOptionsSchema } from '../../protocol/public-api/query.ts';
import { errorResponses, GATE_ERRORS, RUNNER_ERRORS } from '../http/error-responses.ts';
import { cacheHeader, cachedCallHeaders } from '../http/header-docs.ts';

const SSE_DESCRIPTION =
  'Server-Sent Events: `event: delta` (data: AnswerDelta) as the answer grows, then one `event: done` ' +
  '(data: AnswerDone). A failure after the stream started ends it with `event: error` (data: ErrorBody).';

/** `POST /v1/documents/{id}/query`. */
export const queryRoute = createRoute({
  method: 'post',
  path: '/{id}/query',
  operationId: 'query',
  tags: ['documents'],
  summary: 'Ask a question about a document',
  description:
    'Answered by a runner and cached: the same question (compared after NFKC, lowercase and collapsed spaces) is ' +
    'answered from cache (`x-glyph-cache: hit`) without a runner call.',
  request: {
    params: documentParams,
    headers: cachedCallHeaders,
    body: { required: true, content: { 'application/json': { schema: queryOptionsSchema } } },
  },
  responses: {
    200: {
      description: 'The answer; with `stream: true`, the same as Server-Sent Events.',
      headers: cacheHeader,
      content: {
        'application/json': { schema: answerSchema },
        'text/event-stream': {
          schema: z.string().openapi({
            description: SSE_DESCRIPTION,
            example:
              'event: delta\ndata: {"text":"Mr. Bingley"}\n\nevent: done\ndata: {"answer":"Mr. Bingley","answerer":"extractive","citations":[]}\n\n',
          }),
        },
      },
    },
    ...errorResponses(400, 404, 413, 415, ...GATE_ERRORS, ...RUNNER_ERRORS),
  },
});
