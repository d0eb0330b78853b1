/** The one error type the client throws for anything the API (or the way to it) refused. */

/** What a {@link GlyphgateError} is made of. */
export interface GlyphgateErrorInit {
  status: number;
  code: string;
  message: string;
  /** Seconds to wait before retrying, from `Retry-After`. */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * An API error: the HTTP status, the `{ error: { code, message } }` of the body, and
 * `retryAfter` (seconds) when the API said when to come back (429, 503).
 * `status` is 0 when the API could not be reached, and 502 for a failure reported inside a
 * successful response (a streamed `event: error`, a failed job).
 */
export class GlyphgateError extends Error {
  override readonly name = 'GlyphgateError';
  readonly status: number;
  readonly code: string;
  readonly retryAfter?: number;

  constructor(init: GlyphgateErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
  }
}

/** Seconds from a `Retry-After` value: delta-seconds or an HTTP date. */
export function retryAfterSeconds(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : undefined;
}

/** The error a non-2xx response stands for; its body is read (and so consumed). */
export async function errorFromResponse(response: Response): Promise<GlyphgateError> {
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  let code = `http_${response.status}`;
  let message = response.statusText || `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not our JSON (a proxy's error page): the status line is all there is.
  }
  return new GlyphgateError({
    status: response.status,
    code,
    message,
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  });
}
