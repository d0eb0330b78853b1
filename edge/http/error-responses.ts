/**
 * The one error shape of the API, `{ "error": { "code", "message" } }`, and the documented error
 * responses each route lists (with the codes that status carries and its headers).
 */
import { errorBodySchema } from '../../protocol/public-api/error-body.ts';
import type { HeaderDoc } from './header-docs.ts';

/** Statuses the public routes answer errors with. */
export type ErrorStatus = 400 | 401 | 404 | 413 | 415 | 422 | 429 | 500 | 502 | 503;

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400:
    'Malformed request. `invalid_request` names the field; also `invalid_json`, ' +
    '`invalid_body`, `invalid_utf8`, `empty_document`, `invalid_config`, `invalid_profile`, ' +
    '`invalid_document_id`, `invalid_render_id`, `invalid_page`, `invalid_job_id`, `invalid_pdf`.',
  401: 'Missing, malformed, unknown or revoked API key (`unauthorized`).',
  404: "Not found, or not the caller's tenant's: both read the same (`not_found`).",
  413:
    'Body over the size limit (`payload_too_large`), or a PDF with more than MAX_PDF_PAGES pages (`too_many_pages`) ' +
    'or whose text passes the upload limit while it is extracted (`payload_too_large`).',
  422: 'A PDF that has no text to extract: encrypted with a password (`encrypted_pdf`) or images only (`no_text_layer`).',
  415: 'Content-Type or charset not accepted (`unsupported_media_type`, `unsupported_charset`).',
  429:
    'Per-key rate limit (`rate_limited`) or the monthly quota (`quota_exceeded`) reached, or too many failed ' +
    "API keys from the client's address (`too_many_auth_failures`).",
  500: 'Unexpected failure (`internal_error`).',
  502: 'A runner failed or answered wrongly (`runner_error`, `runner_mismatch`, `runner_auth_failed`).',
  503: 'No runner can take the work now (`runners_busy`, `runners_unavailable`), or storage failed a write (`storage_unavailable`).',
};

const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' as const } },
};

const HEADERS: Partial<Record<ErrorStatus, Record<string, HeaderDoc>>> = {
  401: { 'WWW-Authenticate': { description: '`Bearer realm="glyphgate"`', schema: { type: 'string' } } },
  429: retryAfter,
  503: retryAfter,
};

/** A documented error response. */
export type ErrorResponse = {
  description: string;
  content: { 'application/json': { schema: typeof errorBodySchema } };
  headers?: Record<string, HeaderDoc>;
};

/** The error responses for `statuses`, ready to spread into a route's `responses`. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): Record<S, ErrorResponse> {
  const out = {} as Record<S, ErrorResponse>;
  for (const status of statuses) {
    const headers = HEADERS[status];
    out[status] = {
      description: DESCRIPTIONS[status],
      content: { 'application/json': { schema: errorBodySchema } },
      ...(headers ? { headers } : {}),
    };
  }
  return out;
}

/** Errors of every route behind the API key gate. */
export const GATE_ERRORS = [401, 429, 500] as const;
/** Errors of routes that ask a runner. */
export const RUNNER_ERRORS = [502, 503] as const;
