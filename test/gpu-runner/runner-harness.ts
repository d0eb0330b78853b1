/**
 * Test harness for the runner as a real process over HTTP (started by infra/stack/runner-process.ts):
 * sign requests like the edge, read multipart responses and Prometheus counters.
 */
import { fileURLToPath } from 'node:url';
import { parseMultipartStream, getMultipartBoundary } from '@remix-run/multipart-parser';
import { signedFetch } from '../../protocol/signing.ts';
import { startRunnerProcess, type RunnerProcess } from '../../infra/stack/runner-process.ts';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The key the harness starts runners with and signs with. */
export const KEY = { keyId: 'test', secret: 'test-secret-0123456789abcdef' } as const;

export type { RunnerProcess } from '../../infra/stack/runner-process.ts';

/** Starts a runner signed with {@link KEY}; `env` overrides the defaults (port 0, a temp cache dir, CPU device). */
export function startRunner(env: Record<string, string> = {}, startTimeoutMs = 60_000): Promise<RunnerProcess> {
  return startRunnerProcess({ keys: `${KEY.keyId}:${KEY.secret}`, env, startTimeoutMs });
}

/** Options of {@link signed}. */
export interface SignedOptions {
  method?: string;
  contentType?: string;
  signal?: AbortSignal;
}

/** A request signed with the harness key; strings and bytes are sent as they are, other `body` values as JSON. */
export function signed(base: string, route: string, body?: unknown, options: SignedOptions = {}): Promise<Response> {
  const raw =
    body === undefined ? null : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  return signedFetch(
    {
      url: `${base}${route}`,
      method: options.method ?? (raw === null ? 'GET' : 'POST'),
      body: raw,
      headers: raw === null ? undefined : { 'content-type': options.contentType ?? 'application/json' },
      signal: options.signal,
    },
    KEY,
  );
}

/** One part of a multipart response. */
export interface ReadPart {
  name: string | undefined;
  mediaType: string | undefined;
  bytes: Uint8Array;
}

/** Reads every part of a multipart response, in order; `maxParts` beyond the parser's default 1000 for long renders. */
export async function readMultipart(response: Response, maxParts = 1000): Promise<ReadPart[]> {
  const boundary = getMultipartBoundary(response.headers.get('content-type') ?? '');
  if (!boundary || !response.body) throw new Error('not a multipart response');
  const parts: ReadPart[] = [];
  for await (const part of parseMultipartStream(response.body, {
    boundary,
    maxParts,
    maxFileSize: 64 * 1024 * 1024,
    maxTotalSize: 2 ** 31,
  })) {
    parts.push({ name: part.name, mediaType: part.mediaType, bytes: part.bytes });
  }
  return parts;
}

/**
 * `fetch` for idempotent requests, tried a second time when the connection was reset: on a busy
 * 2-core machine the client can reuse a pooled keep-alive connection just as the server closes it
 * for being idle (undici: "other side closed"), which says nothing about the runner.
 */
export async function fetchIdempotent(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    const code = (e as { cause?: { code?: unknown } }).cause?.code;
    if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw e;
    return fetch(url, init);
  }
}

/** Value of one Prometheus sample (0 when absent): `name{labels}` matched exactly on the given labels. */
export async function metric(base: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetchIdempotent(`${base}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
