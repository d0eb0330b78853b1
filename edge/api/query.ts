/** `POST /v1/documents/{id}/query`: a question about a document, as JSON or as Server-Sent Events. */
import { createRoute, z } from '@hono/zod-openapi';
import { MAX_QUESTION_CHARS } from '../../protocol/runner-api.ts';
import { errorResponses, GATE_ERRORS, RUNNER_ERRORS } from './errors.ts';
import { cacheHeader, cachedCallHeaders } from './headers.ts';
import { documentParams } from './params.ts';
import { renderFieldsSchema } from './render.ts';

/** Body of a query. */
export const queryOptionsSchema = renderFieldsSchema
  .extend({
    question: z
      .string({ error: 'question must be a string' })
      .trim()
      .min(1, 'question must not be empty')
      .max(MAX_QUESTION_CHARS, `question must be at most ${MAX_QUESTION_CHARS} characters`),
    stream: z.boolean().optional().openapi({ description: 'Answer as Server-Sent Events (`text/event-stream`).' }),
  })
  .strict()
  .openapi('QueryOptions');

/** A cited line of the document. */
export const citationSchema = z
  .object({ page: z.number().int(), line: z.number().int(), text: z.string() })
  .openapi('Citation', { description: 'A line the answer rests on: page (from 1), line on that page (from 1), its text.' });

/** The answer to a query. */
export const answerSchema = z
  .object({
    answer: z.string(),
    answerer: z.string().openapi({ description: 'The backend that answered (e.g. `extractive`).' }),
    citations: z.array(citationSchema),
    cached: z.boolean(),
    usage: z.object({ units: z.number() }),
  })
  .openapi('Answer');

/** `data` of an `event: delta`: the next piece of the answer. */
export const answerDeltaSchema = z.object({ text: z.string() }).openapi('AnswerDelta');

/**
 * `data` of an `event: done`: the whole answer. A fresh answer is the runner's event passed on
 * unchanged (no `cached`, `usage`); a cached one carries them.
 */
export const answerDoneSchema = answerSchema.partial({ cached: true, usage: true }).openapi('AnswerDone');

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
            example: 'event: delta\ndata: {"text":"Mr. Bingley"}\n\nevent: done\ndata: {"answer":"Mr. Bingley","answerer":"extractive","citations":[]}\n\n',
          }),
        },
      },
    },
    ...errorResponses(400, 404, 413, 415, ...GATE_ERRORS, ...RUNNER_ERRORS),
  },
});
