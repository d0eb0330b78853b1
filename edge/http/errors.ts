/**
 * Every edge error leaves as `{ "error": { "code", "message" } }`. Handlers throw {@link ApiError},
 * which carries its own response (as Hono's `HTTPException` does, which it extends); the app's
 * onError answers with it, and turns anything else into one first.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiErrorBody } from '../../protocol/runner-api.ts';

/** Statuses the edge answers errors with. */
export type ApiErrorStatus = 400 | 401 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503 | 504;

/** An error with its HTTP status, machine-readable code and extra response headers. */
export class ApiError extends HTTPException {
  override readonly name = 'ApiError';
  override readonly status: ApiErrorStatus;

  /** Builds the error; `headers` go on its response (e.g. `retry-after`). */
  constructor(
    status: ApiErrorStatus,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status as ContentfulStatusCode, { message });
    this.status = status;
  }

  /** The JSON error body. */
  toJSON(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }

  /** The response this error answers with. */
  override getResponse(): Response {
    return Response.json(this.toJSON(), { status: this.status, headers: this.headers });
  }
}

/**
 * 404 that reads the same whether the thing does not exist or belongs to another tenant:
 * the message names only what the caller sent.
 */
export function notFound(what: string): ApiError {
  return new ApiError(404, 'not_found', `${what} not found`);
}

/** 400 for a malformed request. */
export function badRequest(code: string, message: string): ApiError {
  return new ApiError(400, code, message);
}

/** 503 when no runner can take the work now; `Retry-After` tells the client when to come back. */
export function unavailable(message: string, retryAfterSeconds: number, code = 'runners_unavailable'): ApiError {
  return new ApiError(503, code, message, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
}
