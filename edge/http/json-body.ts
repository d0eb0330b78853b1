/**
 * Small JSON request bodies (render, query, decode options): size-capped and parsed with our error
 * codes. The route's zod schema checks the value afterwards (edge/http/body-middleware.ts).
 */
import { badRequest } from './errors.ts';
import { decodeUtf8, readLimited } from './read-text.ts';

/** Options bodies are tiny; anything near this is not an options object. */
export const MAX_OPTIONS_BYTES = 64 * 1024;

/**
 * The parsed JSON of `request`'s body, or `undefined` when it has none: an absent body means "all
 * defaults", so, e.g., a render with all defaults needs no body at all.
 */
export async function readJsonOptions(request: Request): Promise<unknown> {
  const bytes = await readLimited(request, MAX_OPTIONS_BYTES);
  if (bytes.byteLength === 0) return undefined;
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw badRequest('invalid_content_type', 'send options as application/json');
  try {
    return JSON.parse(decodeUtf8(bytes)) as unknown;
  } catch {
    throw badRequest('invalid_json', 'request body is not valid JSON');
  }
}
