/**
 * The answer of `POST /v1/answer`: JSON, or with `stream: true` Server-Sent Events — `event: delta`
 * (`{ text }`) as the answer grows, one `event: done` carrying the whole response, or `event: error`
 * (`{ error: { code, message } }`) when the backend fails after the stream started.
 */
import { z } from 'zod';
import { errorBodySchema } from './error-body.ts';

/** A cited line of the document. */
export const citationSchema = z.object({
  page: z.number().int(),
  line: z.number().int(),
  text: z.string(),
  /** The cited line's own 1-based line number in the source (code, logs, Markdown; for a PDF, the line on `pdfPage`). */
  sourceLine: z.number().int().optional(),
  /** The PDF page the cited line is on (PDF documents). */
  pdfPage: z.number().int().optional(),
});
/** A cited line of the document. */
export type Citation = z.infer<typeof citationSchema>;

/** Response of `POST /v1/answer` (and `data` of the final `done` event when streaming). */
export const answerResponseSchema = z.object({
  answer: z.string(),
  answerer: z.string(),
  citations: z.array(citationSchema),
});
/** Response of `POST /v1/answer`. */
export type AnswerResponse = z.infer<typeof answerResponseSchema>;

/** `data` of an `event: delta`: the next piece of the answer. */
export const answerDeltaSchema = z.object({ text: z.string() });
/** `data` of an `event: delta`. */
export type AnswerDelta = z.infer<typeof answerDeltaSchema>;

/** The `event:` names of a streamed answer. */
export const ANSWER_EVENTS = { delta: 'delta', done: 'done', error: 'error' } as const;

/** `data` schema of each streamed answer event, by its `event:` name. */
export const answerEventSchemas = {
  delta: answerDeltaSchema,
  done: answerResponseSchema,
  error: errorBodySchema,
} as const;
