/**
 * Every edge error leaves as `{ "error": { "code", "message" } }` (DESIGN.md, "Public API").
 * Handlers throw {@link ApiError}; the app's onError turns it (and anything else) into JSON.
 */
import type { ApiErrorBody } from '../../protocol/runner-api.ts';

/** Statuses the edge answers errors with. */
export type ApiErrorStatus = 400 | 401 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 502 | 503 | 504;

/** An error with its HTTP status, machine-readable code and extra response headers. */
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

/** The JSON error body for `code` and `message`. */
export function errorBody(code: string, message: string): ApiErrorBody {
  return { error: { code, message } };
}

/** A JSON error response. */
export function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json(errorBody(code, message), { status, headers });
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
