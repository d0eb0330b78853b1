/**
 * One authenticated request to the API with Web-standard fetch only (Node 20+, browsers, Workers):
 * URL joining, the Bearer key, and every non-2xx turned into a {@link GlyphgateError}.
 */
import { errorFromResponse, GlyphgateError } from './errors.ts';
import type { GlyphgateClientOptions } from './options.ts';

/** What one request sends. */
export interface SendInit {
  method: 'GET' | 'POST';
  /** Path and query, from the API root (e.g. `/v1/usage?limit=5`). */
  path: string;
  headers?: Record<string, string | undefined>;
  /** A JSON body (sent as `application/json`), or text with its media type. */
  json?: unknown;
  text?: { body: string; contentType: string };
  /** Bytes with their media type (a PDF upload). */
  bytes?: { body: Blob | Uint8Array<ArrayBuffer>; contentType: string };
  signal?: AbortSignal | undefined;
  /** Non-2xx statuses that are answers rather than errors (304 for a page). */
  accept?: number[];
}

/** Sends requests for a client. */
export class Transport {
  readonly #base: string;
  readonly #authorization: string;
  readonly #fetch: (input: string, init: RequestInit) => Promise<Response>;

  constructor(options: GlyphgateClientOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#authorization = `Bearer ${options.apiKey}`;
    // Called as a plain function: a Worker's global fetch refuses any other `this`.
    const f = options.fetch ?? globalThis.fetch;
    this.#fetch = (input, init) => f(input, init);
  }

  /** Sends `init`; resolves with the response, or rejects with a GlyphgateError. */
  async send(init: SendInit): Promise<Response> {
    const headers: Record<string, string> = { authorization: this.#authorization };
    for (const [name, value] of Object.entries(init.headers ?? {})) if (value !== undefined) headers[name] = value;
    let body: BodyInit | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.text) {
      headers['content-type'] = init.text.contentType;
      body = init.text.body;
    } else if (init.bytes) {
      headers['content-type'] = init.bytes.contentType;
      body = init.bytes.body;
    }
    let response: Response;
    try {
      response = await this.#fetch(this.#base + init.path, {
        method: init.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (error) {
      // An abort is the caller's doing: it stays what it is.
      if (init.signal?.aborted) throw error;
      throw new GlyphgateError({
        status: 0,
        code: 'network_error',
        message: `could not reach the API: ${String(error)}`,
        cause: error,
      });
    }
    if (!response.ok && !init.accept?.includes(response.status)) throw await errorFromResponse(response);
    return response;
  }
}

/** `/v1/documents/{id}` with the id escaped. */
export function documentPath(id: string): string {
  return `/v1/documents/${encodeURIComponent(id)}`;
}

/** `?a=1&b=2` of the defined entries, or `''`. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
