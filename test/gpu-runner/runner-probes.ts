/**
 * What a test looks at from outside a runner process (runner-harness.ts starts it): the files of
 * its disk cache, its health and in-flight renders, JSON error bodies, and requests sent as raw
 * bytes (paths that `fetch` would normalise, bytes Node's client refuses to send).
 */
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { expect } from 'vitest';
import { signRequest } from '../../protocol/signing.ts';
import { KEY, fetchIdempotent, metric, signed } from './runner-harness.ts';

/** Body of every runner error. */
export type ErrorBody = { error: { code: string; message: string } };

/** Asserts a JSON error with `status` and `code`, whose message mentions `mentions` when given. */
export async function expectError(
  response: Response,
  status: number,
  code: string,
  mentions?: string,
): Promise<ErrorBody> {
  const body = (await response.text()) || '(empty)';
  expect(response.status, body).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const parsed = JSON.parse(body) as ErrorBody;
  expect(parsed.error.code).toBe(code);
  if (mentions) expect(parsed.error.message).toContain(mentions);
  return parsed;
}

/** Every file under `dir`, relative and sorted ([] when it does not exist). */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Renders in progress on the runner (signed `/readyz`). */
export async function rendersInFlight(base: string): Promise<number> {
  const body = (await (await signed(base, '/readyz')).json()) as { rendersInFlight: number };
  return body.rendersInFlight;
}

/**
 * The cache directory's files once the runner is idle: no render in flight and the listing
 * unchanged over 100 ms (a finished render commits to disk just after its last part is sent).
 */
export async function settledCacheFiles(base: string, cacheDir: string, timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last = await filesUnder(cacheDir);
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await filesUnder(cacheDir);
    if ((await rendersInFlight(base)) === 0 && now.join('\n') === last.join('\n')) return now;
    if (Date.now() > deadline) throw new Error('the runner did not settle');
    last = now;
  }
}

/** The disk-cache entry of a render: `<sha[0:2]>/<sha>/<configHash>/meta.json` (disk-tier.ts). */
export function cacheMetaPath(textSha256: string, configHash: string): string {
  return path.join(textSha256.slice(0, 2), textSha256, configHash, 'meta.json');
}

/** Asserts the runner is alive: `/healthz` 200 and `{ok:true}`. */
export async function expectHealthy(base: string): Promise<void> {
  const response = await fetchIdempotent(`${base}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ ok: true });
}

/** Counter of pages the runner has painted: unchanged across a refused request. */
export function pagesRendered(base: string): Promise<number> {
  return metric(base, 'glyph_pages_rendered_total');
}

/** A raw HTTP exchange's status line code and body. */
export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/**
 * Sends `request` byte for byte on a fresh connection and reads until the server closes it
 * (send `connection: close`). For request targets `fetch` would rewrite or refuse.
 */
export function rawHttp(base: string, request: string | Uint8Array): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw request timed out')));
    // write, not end: a half-closed connection may be dropped before an async handler answers.
    socket.on('connect', () => socket.write(typeof request === 'string' ? Buffer.from(request, 'latin1') : request));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      resolve({ status: m ? Number(m[1]) : 0, head, body: split < 0 ? '' : text.slice(split + 4) });
    });
  });
}

/**
 * A signed GET with the request target `target` sent exactly as written. It is signed over
 * `target` as the runner will see it (WHATWG URL parsing resolves `..` the same on both sides).
 */
export async function rawSignedGet(base: string, target: string): Promise<RawResponse> {
  const headers = await signRequest({ ...KEY, method: 'GET', url: target, body: null });
  const lines = [`GET ${target} HTTP/1.1`, `host: ${new URL(base).host}`, 'connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return rawHttp(base, `${lines.join('\r\n')}\r\n\r\n`);
}
