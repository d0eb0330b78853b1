/**
 * Every runner error leaves as JSON `{error:{code,message}}` (DESIGN.md) with a fitting status.
 * Handlers throw; {@link toApiError} maps what the libraries throw to one of these.
 */
import type { ApiErrorBody } from '../../protocol/runner-api.ts';
import { RenderConfigError } from '../../protocol/render-config.ts';
import { UpstreamError } from '../answer/errors.ts';
import { QueueFullError } from '../ocr/batcher.ts';

/** HTTP statuses the runner answers errors with. */
export type ApiErrorStatus = 400 | 401 | 404 | 405 | 413 | 415 | 429 | 500 | 502 | 503 | 504;

/** An error with its HTTP status, machine-readable code and optional response headers. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: ApiErrorStatus,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The work queue (or the OCR batcher) is full: 429 with `Retry-After` seconds. */
export class QueueBusyError extends ApiError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'queue_full', message, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

/**
 * 400 `no_visible_text`: the text is only whitespace and invisible characters, so it would render
 * to no page. Said before any work is queued, rather than answering an empty multipart.
 */
export class NoVisibleTextError extends ApiError {
  constructor() {
    super(400, 'no_visible_text', 'text: has only whitespace and invisible characters; there is nothing to render');
  }
}

/** The request ran past its deadline: 504; the work is dropped. */
export class DeadlineExceededError extends ApiError {
  constructor(timeoutMs: number) {
    super(504, 'deadline_exceeded', `the request did not finish within ${timeoutMs} ms; the work was dropped`);
  }
}

/**
 * Maps anything thrown while serving a request to an {@link ApiError}. Unknown errors become a
 * 500 whose message says nothing of the request (it could echo document text into logs/clients).
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof RenderConfigError) {
    return new ApiError(400, 'invalid_config', e.key && !e.message.startsWith(e.key) ? `${e.key}: ${e.message}` : e.message);
  }
  if (e instanceof QueueFullError) {
    // The batcher's queue drains at model speed; one second is the right order of magnitude.
    return new QueueBusyError(e.message, 1);
  }
  if (e instanceof UpstreamError) return new ApiError(e.status, e.code, e.message);
  return new ApiError(500, 'internal_error', 'internal error');
}

/** A JSON error response (Web `Response`, usable outside a Hono context too). */
export function errorResponse(error: ApiError): Response {
  const body: ApiErrorBody = { error: { code: error.code, message: error.message } };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...error.headers },
  });
}
