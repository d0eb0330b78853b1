/**
 * Small JSON request bodies (render, query, decode options): size-capped and parsed with our error
 * codes. The route's zod schema checks the value afterwards (edge/http/body-middleware.ts).
 */
import { ApiError, badRequest } from './errors.ts';
import { decodeUtf8, readLimited } from './read-text.ts';

/** Options bodies are tiny; anything near this is not an options object. */
export const MAX_OPTIONS_BYTES = 64 * 1024;

/**
 * The parsed JSON of `request`'s body, or `undefined` when it has none: an absent body means "all
 * defaults", so, e.g., a render with all defaults needs no body at all.
 */
export async function readJsonOptions(request: Request): Promise<unknown> {
  const bytes = await readLimited(request, MAX_OPTIONS_BYTES, 'options bodies');
  if (bytes.byteLength === 0) return undefined;
  const [type, ...params] = (request.headers.get('content-type') ?? '').split(';').map((s) => s.trim().toLowerCase());
  // 415 as for uploads (and at the runner): the body may be fine, its label is not one we read.
  if (type !== 'application/json')
    throw new ApiError(415, 'unsupported_media_type', 'send options as application/json');
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ApiError(415, 'unsupported_charset', `charset ${charset} is not supported: send UTF-8`);
  }
  // Decoded outside the try: malformed UTF-8 is its own 400 (invalid_utf8), as for uploads.
  const text = decodeUtf8(bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('invalid_json', 'request body is not valid JSON');
  }
}
