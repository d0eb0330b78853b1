/**
 * Reads an uploaded document: `text/plain`, `text/markdown`, a kind's own type (`text/html`,
 * `text/x-<language>`, `text/x-log`; `application/pdf` as bytes), or JSON `{ "text": … }`, with the
 * byte limit enforced twice — on `Content-Length` up front, and on the bytes actually streamed
 * (a chunked body has no length, and a lying one must not get past the limit).
 */
import { kindFromContentType } from '../../protocol/document-kinds.ts';
import { hasVisibleText } from '../../protocol/visible-text.ts';
import { ApiError, badRequest } from './errors.ts';

/** What an upload body carried. */
export interface UploadBody {
  /** The document text (a leading BOM removed). */
  text: string;
  /** The UTF-8 bytes of `text`: what is hashed and stored. */
  bytes: Uint8Array;
  /** Other fields of a JSON body (render options of `/v1/compress`); empty for plain text. */
  fields: Record<string, unknown>;
  /** The body was JSON `{ "text": … }` rather than the text itself. */
  json: boolean;
  /**
   * Set for an `application/pdf` body: the PDF's bytes, not yet text (`text` is empty until the
   * upload extracts it; documents/extract-pdf.ts).
   */
  pdf?: Uint8Array;
  /** The body's media type, lower case, no parameters (what the document's kind is chosen by). */
  mediaType?: string;
}

const TEXT_TYPES = new Set(['text/plain', 'text/markdown']);
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function tooLarge(maxBytes: number, limitName: string): ApiError {
  return new ApiError(413, 'payload_too_large', `request body is over the ${maxBytes}-byte limit (${limitName})`);
}

/**
 * Reads and discards what is left of a request body, a chunk at a time (nothing is kept), until it
 * ends or more than `budget` bytes went by; resolves `true` when the body was read to its end.
 *
 * Why at all: an answer sent while the client is still sending leaves a half-read request behind.
 * Cloudflare's front line copes, but the local stack's proxy (wrangler dev) then stalls the *next*
 * request, on any connection, for as long as the abandoned body stays unread. So every early
 * answer (401, 413, 415, 400, 429, 404) waits for the body to be discarded (edge/http/body-middleware.ts,
 * `discardUnreadBody`), and only a body past `budget` is given up on, with `Connection: close`.
 */
export async function discardBody(body: ReadableStream<Uint8Array>, budget: number): Promise<boolean> {
  if (body.locked) return false;
  const reader = body.getReader();
  let left = budget;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      left -= value.byteLength;
      if (left < 0) break;
    }
    await reader.cancel();
  } catch {
    // The client went away: there is nothing left to read.
  }
  return false;
}

/**
 * Reads the body stream into one buffer, failing with 413 as soon as it passes `maxBytes`;
 * `limitName` is what the 413 names as the limit (the var or constant that sets it). The rest of a
 * refused body is left unread (the stream unlocked) for `discardUnreadBody` to throw away.
 */
export async function readLimited(
  request: Request,
  maxBytes: number,
  limitName = 'MAX_UPLOAD_BYTES',
): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw tooLarge(maxBytes, limitName);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      reader.releaseLock();
      throw tooLarge(maxBytes, limitName);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Strict UTF-8: malformed bytes are a 400, never silently replaced by U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('invalid_utf8', 'document is not valid UTF-8');
  }
}

function mediaType(request: Request): { type: string; charset?: string } {
  const header = request.headers.get('content-type') ?? '';
  const [type = '', ...params] = header.split(';').map((s) => s.trim());
  const charset = params
    .find((p) => p.toLowerCase().startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '')
    .toLowerCase();
  return { type: type.toLowerCase(), charset };
}

/** Reads and validates an upload body; see {@link UploadBody}. */
export async function readUploadBody(request: Request, maxBytes: number): Promise<UploadBody> {
  const { type, charset } = mediaType(request);
  const isJson = type === 'application/json';
  // Only text types and PDF name a kind here (the upload route's OpenAPI body lists `text/*` and
  // `application/pdf`): `application/x-www-form-urlencoded` is a form, not a language.
  const kindOfType =
    type.startsWith('text/') || type === 'application/pdf' ? kindFromContentType(type)?.kind : undefined;
  // Text kinds by their own types (text/html, text/x-python, text/x-log, …) are read as text; a
  // PDF is bytes. A code type that is JSON's own (application/json) stays the JSON body.
  if (!isJson && !TEXT_TYPES.has(type) && kindOfType === undefined) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      'send text/plain, text/markdown, text/html, text/x-<language>, text/x-log, application/pdf or application/json {"text": …}',
    );
  }
  if (kindOfType === 'pdf') {
    const pdf = await readLimited(request, maxBytes);
    return { text: '', bytes: pdf, fields: {}, json: false, pdf, mediaType: type };
  }
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ApiError(415, 'unsupported_charset', `charset ${charset} is not supported: send UTF-8`);
  }
  const raw = await readLimited(request, maxBytes);
  let text: string;
  let fields: Record<string, unknown> = {};
  if (isJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decodeUtf8(raw));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw badRequest('invalid_json', 'request body is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw badRequest('invalid_body', 'JSON body must be an object {"text": "…"}');
    }
    const { text: value, ...rest } = parsed as Record<string, unknown>;
    if (typeof value !== 'string') throw badRequest('invalid_body', 'JSON body needs "text" as a string');
    // JSON strings can hold lone surrogates (\ud800), which have no UTF-8 form.
    if (LONE_SURROGATE.test(value)) throw badRequest('invalid_utf8', 'text contains unpaired surrogates');
    text = value.charCodeAt(0) === 0xfeff ? value.slice(1) : value;
    fields = rest;
  } else {
    text = decodeUtf8(raw);
  }
  // The runner's rule (protocol/visible-text.ts): a text of only whitespace, zero-width and other
  // invisible characters has nothing to draw, so it is refused here, before it is stored and billed,
  // rather than stored as a document no render could ever succeed on.
  if (!hasVisibleText(text)) {
    throw badRequest(
      'empty_document',
      text === '' ? 'document is empty' : 'document has only whitespace and invisible characters: nothing to render',
    );
  }
  // Re-encode unless the bytes already are exactly the text (no BOM stripped, not JSON).
  const bytes = !isJson && raw[0] !== 0xef ? raw : new TextEncoder().encode(text);
  return { text, bytes, fields, json: isJson, mediaType: type };
}

/** Number of Unicode code points in `text` (what `chars` reports). */
export function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/**
 * Source lines of `text` as the renderer splits them: "\r\n", "\r" and "\n" each end one, so
 * this is line ends + 1. A linear scan with indexOf: fast on a 20 MiB upload.
 */
export function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  // A "\r" ends a line of its own only when no "\n" follows it.
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) lines++;
  return lines;
}
