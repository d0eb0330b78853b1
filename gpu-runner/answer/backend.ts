/**
 * What the runner's `/v1/answer` route calls: an answer backend, and the choice of one from the
 * environment (`openai` when a VLM is configured, else `extractive`).
 */
import type { AnswerResponse, ManifestLine } from '../../protocol/runner-api.ts';
import { ExtractiveBackend } from './extractive.ts';
import { OpenAIBackend, type OpenAIBackendOptions } from './openai.ts';

export { UpstreamError, type UpstreamErrorCode } from '../errors.ts';

/** One question about one rendered document. */
export interface AnswerInput {
  /** The question, already validated (trimmed, non-empty, bounded). */
  question: string;
  /** The document's text. */
  text: string;
  /** The document's layout map (1-based pages), in reading order. */
  layout: ManifestLine[];
  /**
   * The page images, in page order, rendered on demand: backends that read text never call it,
   * so the extractive answerer costs no painting.
   */
  pages: () => AsyncIterable<{ n: number; png: Uint8Array }>;
  /** Aborts the work when the client goes away or the request's deadline passes. */
  signal?: AbortSignal;
}

/** A streamed answer: text deltas, then exactly one `done` with the whole response. */
export type AnswerEvent = { type: 'delta'; text: string } | { type: 'done'; response: AnswerResponse };

/** Answers questions about a document; throws {@link UpstreamError} when its model fails. */
export interface AnswerBackend {
  /** `extractive` or `openai`: for `/readyz` and logs. */
  readonly name: string;
  /** The whole answer at once. */
  answer(input: AnswerInput): Promise<AnswerResponse>;
  /** The answer as it is produced (`delta`s), then `done`. */
  stream(input: AnswerInput): AsyncIterable<AnswerEvent>;
}

/** Which backend answers (read from `GLYPH_ANSWER_BACKEND` and `GLYPH_VLM_*` by gpu-runner/server/settings.ts). */
export type AnswerSettings = { backend: 'extractive' } | { backend: 'openai'; vlm: OpenAIBackendOptions };

/**
 * The configured backend. Throws on a bad setting (an invalid VLM URL), so the runner fails at
 * start-up instead of on the first question.
 */
export function createAnswerBackend(settings: AnswerSettings): AnswerBackend {
  return settings.backend === 'openai' ? new OpenAIBackend(settings.vlm) : new ExtractiveBackend();
}
