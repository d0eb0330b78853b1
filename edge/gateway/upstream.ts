/**
 * Forwarding a chat request to the upstream OpenAI-compatible API. The provider key comes from
 * the request's `x-upstream-authorization` header, else the `UPSTREAM_API_KEY` secret; it goes into
 * the upstream request's `Authorization` and nowhere else (no log line, no stored object, no
 * error message names it). The caller's glyphgate key is never sent: the upstream request is built
 * from scratch with only the headers listed here.
 */
import { GatewayError } from './openai-error.ts';

/** Header that carries the provider key for the upstream. */
export const UPSTREAM_AUTH_HEADER = 'x-upstream-authorization';

/** The `Authorization` value for the upstream: `Bearer <key>` unless the header already names a scheme. */
export function upstreamAuthorization(headerValue: string | undefined, fallbackKey: string | undefined): string | null {
  const sent = headerValue?.trim();
  if (sent) return /^[A-Za-z][A-Za-z0-9-]*\s+\S/.test(sent) ? sent : `Bearer ${sent}`;
  const key = fallbackKey?.trim();
  return key ? `Bearer ${key}` : null;
}

// Response headers not relayed: hop-by-hop ones, and the body framing workerd redoes itself
// (fetch already decoded any content-encoding, so the upstream's length and encoding are stale).
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-encoding',
  'content-length',
  'upgrade',
  'proxy-authenticate',
  'trailer',
]);

/** Options of {@link forwardChat}. */
export interface ForwardOptions {
  /** Base URL; `/chat/completions` is appended. */
  baseUrl: string;
  /** The JSON body to send. */
  body: string;
  /** `Authorization` for the upstream, or null to send none (a local vLLM without a key). */
  authorization: string | null;
  /** The client's `Accept` (SSE for streams). */
  accept: string | undefined;
  /** Wait this long for the upstream's response headers. */
  timeoutMs: number;
  /** Extra response headers (the `x-glyph-*` counts). */
  extraHeaders: Record<string, string>;
  /** A fetch to use (tests); default the global one. */
  fetch?: typeof fetch;
}

/**
 * Sends the request and relays the upstream's response: status and body unchanged (an SSE stream
 * is passed on chunk by chunk as it arrives, never buffered), headers minus hop-by-hop ones, plus
 * `extraHeaders`.
 * @throws GatewayError 504 `upstream_timeout` when no response headers came in time, 502
 *   `upstream_unreachable` when the upstream could not be reached.
 */
export async function forwardChat(options: ForwardOptions): Promise<Response> {
  const headers = new Headers({ 'content-type': 'application/json', accept: options.accept ?? 'application/json' });
  if (options.authorization) headers.set('authorization', options.authorization);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  let upstream: Response;
  try {
    upstream = await (options.fetch ?? fetch)(`${options.baseUrl}/chat/completions`, {
      method: 'POST',
      headers,
      body: options.body,
      signal: controller.signal,
    });
  } catch {
    // Not the error's text: a client library could have echoed request headers into it.
    if (controller.signal.aborted) {
      throw new GatewayError(504, 'upstream_timeout', `the upstream sent no response within ${options.timeoutMs} ms`);
    }
    throw new GatewayError(502, 'upstream_unreachable', 'the upstream could not be reached');
  } finally {
    clearTimeout(timer);
  }
  const out = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name.toLowerCase())) out.append(name, value);
  });
  for (const [name, value] of Object.entries(options.extraHeaders)) out.set(name, value);
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: out });
}
