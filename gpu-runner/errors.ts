/**
 * The runner's one error type: {@link RunnerError} carries its HTTP status, machine-readable code,
 * message and headers, and turns itself into the JSON response `{error:{code,message}}` (the way
 * Hono's `HTTPException.getResponse()` does). Handlers, services and answer backends throw it;
 * {@link toRunnerError} maps what libraries throw.
 */
import type { ApiErrorBody } from '../protocol/runner-api.ts';
import { RenderConfigError } from '../protocol/render-config.ts';
import { QueueFullError } from './ocr/batcher.ts';

/** HTTP statuses the runner answers errors with. */
export type RunnerErrorStatus = 400 | 401 | 404 | 405 | 413 | 415 | 422 | 429 | 500 | 502 | 503 | 504;

/** Options of {@link RunnerError}. */
export interface RunnerErrorOptions {
  /** Response headers (`retry-after`, `connection: close`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An error with the response it becomes; see the module comment. */
export class RunnerError extends Error {
  override name = 'RunnerError';
  readonly headers: Record<string, string>;

  constructor(
    readonly status: RunnerErrorStatus,
    readonly code: string,
    message: string,
    options: RunnerErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.headers = options.headers ?? {};
  }

  /** The JSON error body. */
  toJSON(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }

  /** The error as a Web `Response` (usable outside a Hono context too). */
  getResponse(): Response {
    return new Response(JSON.stringify(this.toJSON()), {
      status: this.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...this.headers },
    });
  }
}

/** The work queue (or the OCR batcher) is full: 429 with `Retry-After` seconds. */
export class QueueBusyError extends RunnerError {
  override name = 'QueueBusyError';
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'queue_full', message, {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}

/**
 * 400 `no_visible_text`: the text is only whitespace and invisible characters, so it would render
 * to no page. Said before any work is queued, rather than answering an empty multipart.
 */
export class NoVisibleTextError extends RunnerError {
  override name = 'NoVisibleTextError';
  constructor() {
    super(400, 'no_visible_text', 'text: has only whitespace and invisible characters; there is nothing to render');
  }
}

/** The request ran past its deadline: 504; the work is dropped. */
export class DeadlineExceededError extends RunnerError {
  override name = 'DeadlineExceededError';
  constructor(timeoutMs: number) {
    super(504, 'deadline_exceeded', `the request did not finish within ${timeoutMs} ms; the work was dropped`);
  }
}

/** Error codes of {@link UpstreamError}. */
export type UpstreamErrorCode = 'vlm_unavailable' | 'vlm_bad_response' | 'vlm_rejected' | 'vlm_timeout';

/**
 * The upstream model failed: 502 when the VLM is unreachable, broken or refused the request; 504
 * when it took too long. Messages never hold the API key or the document's text: they go to
 * clients (and the app does not log them: a VLM may quote the question back).
 */
export class UpstreamError extends RunnerError {
  override name = 'UpstreamError';
  declare readonly status: 502 | 504;
  declare readonly code: UpstreamErrorCode;
  constructor(status: 502 | 504, code: UpstreamErrorCode, message: string, options?: { cause?: unknown }) {
    super(status, code, message, options);
  }
}

/**
 * Maps anything thrown while serving a request to a {@link RunnerError}. Unknown errors become a
 * 500 whose message says nothing of the request (it could echo document text into logs/clients).
 */
export function toRunnerError(e: unknown): RunnerError {
  if (e instanceof RunnerError) return e;
  if (e instanceof RenderConfigError) {
    return new RunnerError(
      400,
      'invalid_config',
      e.key && !e.message.startsWith(e.key) ? `${e.key}: ${e.message}` : e.message,
    );
  }
  if (e instanceof QueueFullError) {
    // The batcher's queue drains at model speed; one second is the right order of magnitude.
    return new QueueBusyError(e.message, 1);
  }
  return new RunnerError(500, 'internal_error', 'internal error');
}
