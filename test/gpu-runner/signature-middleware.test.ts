import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  verifyRunnerSignature,
  type RunnerSignatureEnv,
  type VerifyRunnerSignatureOptions,
} from '../../gpu-runner/server/signature-middleware.ts';
import { NonceStore, parseRunnerKeys, signRequest, signedFetch } from '../../protocol/signing.ts';

const NOW = 1_700_000_000;
const KEYS = parseRunnerKeys('old:old-secret-0123456789,new:new-secret-9876543210');

type ErrorBody = { error: { code: string; message: string } };

function makeApp(options: Partial<VerifyRunnerSignatureOptions> = {}) {
  const app = new Hono<RunnerSignatureEnv>();
  app.use('*', verifyRunnerSignature({ keys: KEYS, now: () => NOW, ...options }));
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/metrics', (c) => c.text('glyph_up 1\n'));
  app.on(['POST', 'PUT'], '/v1/echo', async (c) => {
    // The middleware already consumed the stream; Hono's body cache must still serve JSON.
    const json = await c.req.json<unknown>();
    return c.json({ json, rawBytes: c.get('rawBody').byteLength, keyId: c.get('runnerKeyId') });
  });
  app.get('/v1/ping', (c) => c.json({ keyId: c.get('runnerKeyId') }));
  return app;
}

interface SignedInit {
  method?: string;
  path?: string;
  body?: string | null;
  keyId?: string;
  secret?: string;
  now?: number;
}

async function signed(init: SignedInit = {}) {
  const method = init.method ?? 'POST';
  const path = init.path ?? '/v1/echo?tenant=t1';
  const body = init.body === undefined ? JSON.stringify({ text: 'Hello, Glyph' }) : init.body;
  const headers = await signRequest({
    keyId: init.keyId ?? 'new',
    secret: init.secret ?? 'new-secret-9876543210',
    method,
    url: path,
    body,
    now: init.now ?? NOW,
  });
  return { method, path, body, headers };
}

type Signed = Awaited<ReturnType<typeof signed>>;

function send(app: Hono<RunnerSignatureEnv>, s: Signed, over: Partial<Signed> = {}) {
  const r = { ...s, ...over };
  return app.request(r.path, {
    method: r.method,
    headers: { 'content-type': 'application/json', ...r.headers },
    body: r.body ?? undefined,
  });
}

async function expect401(response: Response, code: string): Promise<ErrorBody> {
  expect(response.status).toBe(401);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body;
}

describe('verifyRunnerSignature', () => {
  it('lets a valid request through; the handler reads the JSON body and the key id', async () => {
    const s = await signed();
    const response = await send(makeApp(), s);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      json: { text: 'Hello, Glyph' },
      rawBytes: new TextEncoder().encode(s.body!).byteLength,
      keyId: 'new',
    });
  });

  it('accepts a signed GET without a body', async () => {
    const s = await signed({ method: 'GET', path: '/v1/ping', body: null });
    const response = await send(makeApp(), s);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ keyId: 'new' });
  });

  it('rejects an unsigned request', async () => {
    const s = await signed();
    const body = await expect401(await send(makeApp(), s, { headers: {} }), 'missing_signature_headers');
    expect(body.error.message).toContain('x-glyph-signature');
  });

  it.each(['x-glyph-key-id', 'x-glyph-timestamp', 'x-glyph-nonce', 'x-glyph-signature'])(
    'rejects a request missing %s and names it',
    async (name) => {
      const s = await signed();
      const headers = { ...s.headers };
      delete headers[name];
      const body = await expect401(await send(makeApp(), s, { headers }), 'missing_signature_headers');
      expect(body.error.message).toContain(name);
      for (const other of Object.keys(headers)) expect(body.error.message).not.toContain(other);
    },
  );

  it('rejects a tampered body', async () => {
    const s = await signed();
    await expect401(await send(makeApp(), s, { body: JSON.stringify({ text: 'Hello, Glyph!' }) }), 'bad_signature');
  });

  it('rejects a tampered path (query changed)', async () => {
    const s = await signed();
    await expect401(await send(makeApp(), s, { path: '/v1/echo?tenant=t2' }), 'bad_signature');
  });

  it('rejects a tampered method', async () => {
    const s = await signed();
    await expect401(await send(makeApp(), s, { method: 'PUT' }), 'bad_signature');
  });

  it('rejects a timestamp 61 s ahead', async () => {
    await expect401(await send(makeApp(), await signed({ now: NOW + 61 })), 'timestamp_skew');
  });

  it('rejects a timestamp 61 s behind', async () => {
    await expect401(await send(makeApp(), await signed({ now: NOW - 61 })), 'timestamp_skew');
  });

  it('accepts a timestamp exactly 60 s off', async () => {
    expect((await send(makeApp(), await signed({ now: NOW + 60 }))).status).toBe(200);
    expect((await send(makeApp(), await signed({ now: NOW - 60 }))).status).toBe(200);
  });

  it('rejects a replayed nonce', async () => {
    const app = makeApp();
    const s = await signed();
    expect((await send(app, s)).status).toBe(200);
    await expect401(await send(app, s), 'replayed_nonce');
  });

  it('admits only one of two concurrent copies of a request', async () => {
    const app = makeApp();
    const s = await signed();
    const statuses = (await Promise.all([send(app, s), send(app, s)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
  });

  it('shares a nonce store passed in (one per process, not per route)', async () => {
    const nonces = new NonceStore();
    const s = await signed();
    expect((await send(makeApp({ nonces }), s)).status).toBe(200);
    await expect401(await send(makeApp({ nonces }), s), 'replayed_nonce');
  });

  it('rejects an unknown key id', async () => {
    await expect401(await send(makeApp(), await signed({ keyId: 'retired', secret: 'whatever' })), 'unknown_key_id');
  });

  it('rejects a known key id signed with the wrong secret', async () => {
    await expect401(
      await send(makeApp(), await signed({ keyId: 'old', secret: 'new-secret-9876543210' })),
      'bad_signature',
    );
  });

  it('accepts both keys during a rotation', async () => {
    const app = makeApp();
    const fromOld = await send(app, await signed({ keyId: 'old', secret: 'old-secret-0123456789' }));
    const fromNew = await send(app, await signed({ keyId: 'new', secret: 'new-secret-9876543210' }));
    expect(fromOld.status).toBe(200);
    expect(fromNew.status).toBe(200);
    expect(((await fromOld.json()) as { keyId: string }).keyId).toBe('old');
    expect(((await fromNew.json()) as { keyId: string }).keyId).toBe('new');
  });

  it('serves /healthz and /metrics without a signature', async () => {
    const app = makeApp();
    const health = await app.request('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const metrics = await app.request('/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toBe('glyph_up 1\n');
  });

  it('guards every other path, including unknown ones, with JSON 401s', async () => {
    const app = makeApp();
    await expect401(await app.request('/healthz/'), 'missing_signature_headers');
    await expect401(await app.request('/readyz'), 'missing_signature_headers');
    await expect401(await app.request('/nope', { method: 'POST', body: 'x' }), 'missing_signature_headers');
  });

  it('honours custom unsignedPaths', async () => {
    const app = makeApp({ unsignedPaths: ['/metrics'] });
    expect((await app.request('/metrics')).status).toBe(200);
    await expect401(await app.request('/healthz'), 'missing_signature_headers');
  });

  it('refuses to start without keys or with a too-short nonce memory', () => {
    expect(() => verifyRunnerSignature({ keys: new Map() })).toThrow(/no runner keys/);
    expect(() =>
      verifyRunnerSignature({ keys: KEYS, skewSeconds: 300, nonces: new NonceStore({ skewSeconds: 60 }) }),
    ).toThrow(/2 × 300s/);
  });

  it('accepts what the edge sends through signedFetch (edge helper → runner middleware)', async () => {
    const app = makeApp({ now: () => Math.floor(Date.now() / 1000) });
    const response = await signedFetch(
      {
        url: 'http://runner.local:8788/v1/echo?tenant=t1',
        method: 'POST',
        body: JSON.stringify({ text: '你好, Glyph' }),
        headers: { 'content-type': 'application/json' },
      },
      { keyId: 'old', secret: 'old-secret-0123456789' },
      ((input: RequestInfo | URL, init?: RequestInit) => app.request(input, init)) as typeof fetch,
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { json: unknown }).json).toEqual({ text: '你好, Glyph' });
  });
});
