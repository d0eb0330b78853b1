/**
 * Every error the edge answers, in workerd, is `{ error: { code, message } }` with the right
 * status: 400, 401, 404, 413, 415, 429 (rate limit and quota, naming the limit) and 503 (runners
 * busy, with Retry-After). The runner here is a stand-in that answers 429 to every render, query
 * and decode; it counts an upload's tokens (`POST /v1/tokens`) so that uploads can succeed.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, type EdgeHandle } from './worker-stack.ts';

let busyRunner: Server;
let edge: EdgeHandle;
let key: string;
let doc: string;

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const text = (body: BodyInit, type = 'text/plain'): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': type },
  body,
});

/** Asserts status and the JSON error shape; returns the error. */
async function expectError(res: Response, status: number, code?: string): Promise<{ code: string; message: string }> {
  const raw = await res.text();
  expect(res.status, raw).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body = JSON.parse(raw) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

beforeAll(async () => {
  busyRunner = createServer((req, res) => {
    if (req.url === '/v1/tokens') {
      // A count (any number: these tests check errors, not counts) for the upload to store.
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"textTokens":5,"tokenizer":"qwen3"}');
      return;
    }
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
    res.end('{"error":{"code":"queue_full","message":"busy"}}');
  });
  await new Promise<void>((resolve) => busyRunner.listen(0, '127.0.0.1', resolve));
  const { port } = busyRunner.address() as { port: number };
  // AUTH_CACHE_TTL_MS: how long an isolate trusts a key row it read (the revocation test below).
  edge = await startEdge({
    runners: [`http://127.0.0.1:${port}`],
    vars: { MAX_UPLOAD_BYTES: '100000', AUTH_CACHE_TTL_MS: '1000' },
  });
  key = edge.createKey('errors').key;
  doc = ((await (await edge.call(key, '/v1/documents', text('Some text to render.'))).json()) as { id: string }).id;
}, 180_000);

afterAll(async () => {
  await edge?.stop();
  await new Promise((resolve) => busyRunner?.close(resolve));
});

describe('edge worker errors', () => {
  it('400 for malformed ids, paths, bodies, configs and documents', async () => {
    const hex = 'a'.repeat(64);
    for (const path of [
      '/v1/documents/xyz/render',
      `/v1/documents/${hex.toUpperCase()}/render`,
      '/v1/documents/..%2F..%2Ft%2Fother%2Fdocs/render',
      `/v1/documents/${'a'.repeat(63)}%00/render`,
      `/v1/documents/${'a'.repeat(63)}%2F/render`,
    ]) {
      await expectError(await edge.call(key, path, json({})), 400, 'invalid_document_id');
    }
    for (const n of ['0', '-1', '1e3', '1%2F2', '1%00']) {
      await expectError(await edge.call(key, `/v1/documents/${hex}/renders/${hex}/pages/${n}`), 400, 'invalid_page');
    }
    // URL parsing turns an encoded dot-segment into a real one: it climbs out of the route (404),
    // never into another R2 prefix.
    await expectError(await edge.call(key, `/v1/documents/${hex}/renders/${hex}/pages/%2E%2E`), 404, 'not_found');
    await expectError(
      await edge.call(key, `/v1/documents/${hex}/renders/..%2F${hex}/pages/1`),
      400,
      'invalid_render_id',
    );
    await expectError(await edge.call(key, '/v1/jobs/job_..%2Fx'), 400, 'invalid_job_id');

    const config = await expectError(
      await edge.call(key, `/v1/documents/${doc}/render`, json({ config: { 'font-sise': 9 } })),
      400,
      'invalid_config',
    );
    expect(config.message).toContain('font-sise');
    const range = await expectError(
      await edge.call(key, `/v1/documents/${doc}/render`, json({ config: { dpi: 5000 } })),
      400,
      'invalid_config',
    );
    expect(range.message).toContain('dpi');
    await expectError(
      await edge.call(key, `/v1/documents/${doc}/render`, json({ profile: 'gpt-9' })),
      400,
      'invalid_profile',
    );
    await expectError(await edge.call(key, `/v1/documents/${doc}/render`, json({ pages: 3 })), 400, 'invalid_request');
    await expectError(
      await edge.call(key, `/v1/documents/${doc}/render`, text('{"preset":', 'application/json')),
      400,
      'invalid_json',
    );
    await expectError(
      await edge.call(key, `/v1/documents/${doc}/query`, json({ question: '   ' })),
      400,
      'invalid_request',
    );

    await expectError(await edge.call(key, '/v1/documents', text('')), 400, 'empty_document');
    await expectError(await edge.call(key, '/v1/documents', text(' \n\t ')), 400, 'empty_document');
    await expectError(
      await edge.call(key, '/v1/documents', text(new Uint8Array([0x68, 0xff, 0xfe, 0x69]))),
      400,
      'invalid_utf8',
    );
    await expectError(await edge.call(key, '/v1/documents', json({ txt: 'x' })), 400, 'invalid_body');
    await expectError(await edge.call(key, '/v1/documents', json({ text: 'x\ud800y' })), 400, 'invalid_utf8');
    await expectError(await edge.call(key, '/v1/usage?from=yesterday'), 400, 'invalid_request');
  });

  it('401 without a valid, unrevoked key', async () => {
    const noHeader = await edge.call(null, '/v1/usage');
    expect(noHeader.headers.get('www-authenticate')).toContain('Bearer');
    await expectError(noHeader, 401, 'unauthorized');
    await expectError(
      await edge.call(null, '/v1/usage', { headers: { authorization: `Basic ${btoa('a:b')}` } }),
      401,
      'unauthorized',
    );
    await expectError(await edge.call('gg_not-a-key-we-issued', '/v1/usage'), 401, 'unauthorized');
    await expectError(await edge.call(null, `/v1/documents/${doc}/render`, json({})), 401, 'unauthorized');
    const revoked = edge.createKey('errors');
    expect((await edge.call(revoked.key, '/v1/usage')).status).toBe(200);
    edge.revokeKey(revoked.keyId);
    // The key row was just read and is trusted for AUTH_CACHE_TTL_MS (1 s here): the revocation
    // shows within that, and stays.
    await expect
      .poll(async () => (await edge.call(revoked.key, '/v1/usage')).status, { timeout: 1000 + 2000 })
      .toBe(401);
    await expectError(await edge.call(revoked.key, '/v1/usage'), 401, 'unauthorized');
  });

  it('404 for what does not exist (or is not the caller’s)', async () => {
    const hex = 'b'.repeat(64);
    await expectError(await edge.call(key, `/v1/documents/${hex}/render`, json({})), 404, 'not_found');
    await expectError(await edge.call(key, `/v1/documents/${hex}/query`, json({ question: 'why?' })), 404, 'not_found');
    await expectError(await edge.call(key, `/v1/documents/${hex}/decode`, json({})), 404, 'not_found');
    await expectError(await edge.call(key, `/v1/documents/${doc}/renders/${hex}/pages/1`), 404, 'not_found');
    await expectError(await edge.call(key, `/v1/jobs/job_${'0'.repeat(32)}`), 404, 'not_found');
    await expectError(await edge.call(key, '/v1/nothing-here'), 404, 'not_found');
  });

  it('413 over MAX_UPLOAD_BYTES, by Content-Length and by the bytes actually streamed', async () => {
    const big = 'x'.repeat(100_001);
    await expectError(await edge.call(key, '/v1/documents', text(big)), 413, 'payload_too_large');
    await expectError(await edge.call(key, '/v1/compress', json({ text: big })), 413, 'payload_too_large');
    // Chunked: no Content-Length, so only counting the streamed bytes catches it.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 30; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(5000)));
        controller.close();
      },
    });
    const init = { ...text(chunks), duplex: 'half' } as RequestInit;
    await expectError(await edge.call(key, '/v1/documents', init), 413, 'payload_too_large');
    await expectError(await edge.call(key, '/v1/documents', text('hi', 'image/png')), 415, 'unsupported_media_type');
  });

  it('429 past the per-key rate limit and the monthly quota, naming the limit', async () => {
    const limited = edge.createKey('limited', ['--rate-limit', '5']).key;
    // 12 calls: however the minute boundary splits them, one window gets at least six.
    const statuses: Response[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await edge.call(limited, '/v1/usage'));
    const rejected = statuses.filter((r) => r.status === 429);
    expect(rejected.length).toBeGreaterThan(0);
    expect(Number(rejected[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    const rate = await expectError(rejected[0]!, 429, 'rate_limited');
    expect(rate.message).toContain('5 requests per minute');

    const small = edge.createKey('small-quota', ['--quota', '3']).key;
    for (let i = 0; i < 3; i++) expect((await edge.call(small, '/v1/documents', text(`doc ${i}`))).status).toBe(201);
    // Usage rows are written just after each response (waitUntil): wait until all three are in.
    const units = async () =>
      ((await (await edge.call(small, '/v1/usage')).json()) as { totals: { units: number } }).totals.units;
    await expect.poll(units).toBe(3);
    const quota = await expectError(await edge.call(small, '/v1/documents', text('doc 4')), 429, 'quota_exceeded');
    expect(quota.message).toContain('3 of 3 units');
  });

  it('503 with Retry-After when every runner is busy', async () => {
    const res = await edge.call(key, `/v1/documents/${doc}/render`, json({}));
    expect(res.headers.get('retry-after')).toBe('7');
    await expectError(res, 503, 'runners_busy');
    const query = await edge.call(key, `/v1/documents/${doc}/query`, json({ question: 'what?' }));
    expect(query.headers.get('retry-after')).toBe('7');
    await expectError(query, 503, 'runners_busy');
  });
});
