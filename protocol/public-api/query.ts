/** `POST /v1/documents/{id}/query`: a question about a document, as JSON or as Server-Sent Events. */
import { z } from '@hono/zod-openapi';
import { MAX_QUESTION_CHARS } from '../runner-api.ts';
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
  .object({
    page: z.number().int(),
    line: z.number().int(),
    text: z.string(),
    sourceLine: z.number().int().optional().openapi({
      description:
        "The cited line's own line number in the source (code, logs, Markdown; for a PDF, the line on `pdfPage`).",
    }),
    pdfPage: z.number().int().optional().openapi({ description: 'The PDF page the cited line is on (PDF documents).' }),
  })
  .openapi('Citation', {
    description: 'A line the answer rests on: page (from 1), line on that page (from 1), its text.',
  });

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
