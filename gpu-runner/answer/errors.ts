/** The one error type answer backends throw on purpose; the service maps it to an HTTP error. */

/** Error codes of {@link UpstreamError}. */
export type UpstreamErrorCode = 'vlm_unavailable' | 'vlm_bad_response' | 'vlm_rejected' | 'vlm_timeout';

/**
 * The upstream model failed: the service answers `status` with `{error:{code, message}}`.
 * 502 when the VLM is unreachable, broken or refused the request; 504 when it took too long.
 * Messages never hold the API key or the document's text: they go to clients and logs.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';

  constructor(
    readonly status: 502 | 504,
    readonly code: UpstreamErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
