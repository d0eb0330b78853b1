/**
 * Errors of `POST /v1/chat/completions` in OpenAI's shape, `{ error: { message, type, param, code } }`,
 * so OpenAI SDKs surface them as they would the provider's own.
 */

/** Statuses the gateway itself answers errors with (upstream errors keep theirs). */
export type GatewayErrorStatus = 400 | 401 | 404 | 413 | 415 | 429 | 500 | 502 | 503 | 504;

/** OpenAI's error body. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

// OpenAI's `type` for each status, as its API uses them.
const TYPES: Record<GatewayErrorStatus, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'server_error',
  502: 'server_error',
  503: 'server_error',
  504: 'server_error',
};

/** An error that carries its response. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly status: GatewayErrorStatus,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The OpenAI-shaped body. */
  body(): OpenAIErrorBody {
    return { error: { message: this.message, type: TYPES[this.status], param: this.param, code: this.code } };
  }

  /** The JSON response. */
  toResponse(): Response {
    return Response.json(this.body(), { status: this.status, headers: this.headers });
  }
}

/** Whether `status` is one the gateway answers with itself. */
export function isGatewayErrorStatus(status: number): status is GatewayErrorStatus {
  return Object.hasOwn(TYPES, status);
}

/** The gateway's form of any error with a status, code and message (the edge's own `ApiError`s). */
export function asGatewayError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): GatewayError {
  return new GatewayError(
    isGatewayErrorStatus(status) ? status : status >= 500 ? 500 : 400,
    code,
    message,
    null,
    headers,
  );
}
