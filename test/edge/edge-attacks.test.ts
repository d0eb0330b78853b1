/**
 * Attacks on the edge (issue 6, item 2), edge side:
 * - the edge never sends an unsigned request, and every 401 case of the signed API — missing
 *   headers, unknown key id, bad timestamp, skew, bad nonce, replayed nonce, wrong secret, altered
 *   body — reaching it from a runner becomes a 502 `runner_auth_failed` that echoes nothing of the
 *   runner's answer, with nothing cached and nothing billed (a tampering proxy between the edge
 *   and a real runner makes each case);
 * - API key guessing is limited per client address (CF-Connecting-IP; IPv6 per /64);
 * - CORS is a configured allow-list (CORS_ORIGINS), and sends nothing by default;
 * - API keys are stored only as HMAC-SHA256(pepper, key);
 * - no secret, API key, pepper or document text appears in the Worker's logs, errors included;
 * - R2 keys cannot escape the tenant prefix, whatever the segments (edge/storage/keys.ts);
 * - API key hashes are compared in constant time (edge/tenancy/constant-time.ts).
 *
 * Not here: the runner's side (test/gpu-runner/runner-attacks.test.ts: its logs, SSRF, cache paths,
 * linear-time regular expressions) and the signing primitives (test/protocol/signing.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, ipv6Prefix64 } from '../../edge/tenancy/client-address.ts';
import { AuthFailureLimiter } from '../../edge/tenancy/auth-failures.ts';
import { app } from '../../edge/app.ts';
import { timingSafeEqual } from '../../edge/tenancy/constant-time.ts';
import { parseCorsOrigins } from '../../edge/config.ts';
import {
  answerKey,
  decodeKey,
  documentKey,
  layoutKey,
  manifestKey,
  pageKey,
  partKey,
  partsPrefix,
} from '../../edge/storage/keys.ts';
import { NonceStore, signRequest, verifySignature } from '../../protocol/signing.ts';
import {
  RUNNER_KEY_ID,
  RUNNER_SECRET,
  startEdge,
  startRunner,
  type EdgeHandle,
  type RunnerHandle,
} from './worker-stack.ts';

const ROOT = join(import.meta.dirname, '..', '..');

const HEX = 'a'.repeat(64);
const HEX2 = 'b'.repeat(64);

describe('R2 keys cannot escape the tenant prefix (edge/storage/keys.ts)', () => {
  const hostile = [
    '',
    '..',
    '../other',
    'other/..',
    't/other',
    'a/b',
    'a\\b',
    '%2e%2e',
    '%2F',
    'a\u0000',
    '\u0000',
    ' a',
    'a ',
    'A',
    'tenant\n',
    '\u2215',
    '\uff0e\uff0e',
    'x'.repeat(64),
    '-leading',
    '_leading',
    'a.b',
    `${HEX}/..`,
    HEX.toUpperCase(),
    `${HEX.slice(1)}g`,
    `${HEX}0`,
    `${HEX.slice(1)}/`,
    '__proto__',
    'constructor',
  ];

  it('refuses every hostile tenant, document id, config hash and backend segment', () => {
    for (const bad of hostile) {
      // A tenant may be a plain slug ("constructor" is one); everything else here is refused.
      if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(bad)) {
        expect(() => documentKey(bad, HEX), JSON.stringify(bad)).toThrow(/storage key/);
        expect(() => pageKey(bad, HEX, HEX2, 1), JSON.stringify(bad)).toThrow(/storage key/);
      }
      expect(() => documentKey('acme', bad), JSON.stringify(bad)).toThrow(/storage key/);
      expect(() => manifestKey('acme', bad, HEX2), JSON.stringify(bad)).toThrow(/storage key/);
      expect(() => layoutKey('acme', HEX, bad), JSON.stringify(bad)).toThrow(/storage key/);
      expect(() => decodeKey('acme', HEX, bad, 'all'), JSON.stringify(bad)).toThrow(/storage key/);
      expect(() => partsPrefix('acme', bad, HEX2), JSON.stringify(bad)).toThrow(/storage key/);
      expect(() => answerKey('acme', HEX, HEX2, 'extractive', bad), JSON.stringify(bad)).toThrow(/storage key/);
      if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(bad))
        expect(() => answerKey('acme', HEX, HEX2, bad, HEX), JSON.stringify(bad)).toThrow(/storage key/);
    }
    for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => pageKey('acme', HEX, HEX2, n), String(n)).toThrow(/storage key/);
    }
  });

  it('property: any key it does build lies under t/<tenant>/ with no empty, "." or ".." segment', () => {
    const segment = fc.oneof(
      fc.string(),
      fc.constantFrom(...hostile),
      fc.stringMatching(/^[0-9a-f]{64}$/),
      fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/),
    );
    fc.assert(
      fc.property(
        segment,
        segment,
        segment,
        segment,
        fc.integer({ min: -3, max: 1_000_000 }),
        (tenant, sha, config, extra, n) => {
          const builders = [
            () => documentKey(tenant, sha),
            () => pageKey(tenant, sha, config, n),
            () => manifestKey(tenant, sha, config),
            () => layoutKey(tenant, sha, config),
            () => partKey(tenant, sha, config, Math.abs(n), Math.abs(n) + 1),
            () => decodeKey(tenant, sha, config, n > 0 ? n : 'all'),
            () => answerKey(tenant, sha, config, extra, sha),
          ];
          for (const build of builders) {
            let key: string;
            try {
              key = build();
            } catch {
              continue;
            }
            expect(key.startsWith(`t/${tenant}/`)).toBe(true);
            const segments = key.split('/');
            expect(segments.every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
            expect(key).toMatch(/^[a-z0-9_./-]+$/);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('API key hashes are compared in constant time (edge/tenancy/constant-time.ts)', () => {
  it('is equality, with no early exit on the first differing byte or on a length mismatch', () => {
    expect(timingSafeEqual(HEX, HEX)).toBe(true);
    expect(timingSafeEqual(HEX, HEX2)).toBe(false);
    expect(timingSafeEqual(HEX, `${HEX.slice(0, 63)}b`)).toBe(false);
    expect(timingSafeEqual(HEX, HEX.slice(0, 63))).toBe(false);
    expect(timingSafeEqual('', '')).toBe(true);
    expect(timingSafeEqual('', 'a')).toBe(false);
    // The loop runs over every byte: the function body has no return inside it (checked as text,
    // since timing itself is too noisy to assert on a shared machine).
    const body = timingSafeEqual.toString();
    expect(body).toMatch(/for \(/);
    expect(body.slice(body.indexOf('for ('), body.lastIndexOf('return'))).not.toMatch(/return|break/);
  });
});

describe('per-address limit on refused API keys, CORS allow-list (the app in Node)', () => {
  const withIp = (ip: string | null, headers: Record<string, string> = {}): RequestInit => ({
    headers: { ...(ip ? { 'cf-connecting-ip': ip } : {}), ...headers },
  });

  it('reads the address from CF-Connecting-IP only; IPv6 by /64', () => {
    const address = (headers: Record<string, string>) => clientAddress(new Request('http://x/', { headers }));
    expect(address({ 'cf-connecting-ip': '203.0.113.5' })).toBe('203.0.113.5');
    expect(address({ 'x-forwarded-for': '203.0.113.5' })).toBe('unknown');
    expect(address({ 'cf-connecting-ip': 'not an address' })).toBe('unknown');
    expect(address({ 'cf-connecting-ip': '2001:db8:1:2::1' })).toBe('2001:db8:1:2::/64');
    expect(address({ 'cf-connecting-ip': '2001:0db8:0001:0002:ffff:ffff:ffff:ffff' })).toBe('2001:db8:1:2::/64');
    expect(address({ 'cf-connecting-ip': '2001:db8:1:3::1' })).toBe('2001:db8:1:3::/64');
    expect(ipv6Prefix64('::ffff:192.0.2.1')).toBe('0:0:0:0::/64');
    expect(ipv6Prefix64('1::2::3')).toBeUndefined();
    expect(ipv6Prefix64('1:2:3:4:5:6:7:8:9')).toBeUndefined();
  });

  it('blocks an address for a sliding minute once it reached the limit, and forgets the oldest address first', () => {
    const limiter = new AuthFailureLimiter({ limit: 3, maxAddresses: 2 });
    for (const t of [0, 10_000, 20_000]) {
      expect(limiter.blockedFor('a', t)).toBe(0);
      limiter.recordFailure('a', t);
    }
    expect(limiter.blockedFor('a', 20_001)).toBe(39_999);
    expect(limiter.blockedFor('b', 20_001)).toBe(0);
    // Sliding: at 60 s the first failure has aged out.
    expect(limiter.blockedFor('a', 60_000)).toBe(0);
    limiter.recordFailure('b', 1);
    limiter.recordFailure('c', 2);
    expect(limiter.size).toBe(2);
    expect(limiter.blockedFor('a', 20_001)).toBe(0);
  });

  it('gives 429 too_many_auth_failures after AUTH_FAILURES_PER_MINUTE refused keys from one address', async () => {
    const env = { AUTH_FAILURES_PER_MINUTE: '3' };
    // "short" is refused before any D1 lookup (keys are ≥ 8 characters), so no bindings are needed.
    const guess = (ip: string) => app.request('/v1/usage', withIp(ip, { authorization: 'Bearer short' }), env);
    for (let i = 0; i < 3; i++) expect((await guess('192.0.2.10')).status).toBe(401);
    const blocked = await guess('192.0.2.10');
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe('too_many_auth_failures');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(50);
    expect((await guess('192.0.2.11')).status).toBe(401);
    // No Authorization header guesses nothing, and is not counted.
    for (let i = 0; i < 5; i++) expect((await app.request('/v1/usage', withIp('192.0.2.12'), env)).status).toBe(401);
    // 0 turns it off.
    for (let i = 0; i < 5; i++)
      expect(
        (
          await app.request('/v1/usage', withIp('192.0.2.10', { authorization: 'Bearer short' }), {
            AUTH_FAILURES_PER_MINUTE: '0',
          })
        ).status,
      ).toBe(401);
  });

  it('sends no CORS headers without CORS_ORIGINS, and answers only listed origins with one', async () => {
    const origin = 'https://app.example.com';
    const preflight = (o: string) => ({
      method: 'OPTIONS',
      headers: {
        origin: o,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    const none = await app.request('/v1/documents', preflight(origin), {});
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
    expect([...none.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const plain = await app.request('/v1/usage', { headers: { origin } }, {});
    expect([...plain.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);

    const env = { CORS_ORIGINS: `${origin}, https://admin.example.com` };
    const allowed = await app.request('/v1/documents', preflight(origin), env);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await app.request('/v1/documents', preflight('https://evil.example'), env);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    expect(parseCorsOrigins(' https://a.example.com ,http://localhost:8080 ')).toEqual([
      'https://a.example.com',
      'http://localhost:8080',
    ]);
    for (const bad of [
      '*',
      'https://a.example.com/',
      'a.example.com',
      'https://a.example.com/path',
      'null',
      'ftp://a.example.com',
    ]) {
      expect(() => parseCorsOrigins(bad), bad).toThrow(/CORS_ORIGINS/);
    }
  });
});

// ——— Through the Worker in workerd ———

/** Distinctive values: any of them in a log line is a leak. */
const PHRASE = `Quixotic-Zebra-${randomBytes(6).toString('hex')}`;
const QUESTION_PHRASE = `Marmalade-Heron-${randomBytes(6).toString('hex')}`;
const PEPPER = `pepper-${randomBytes(12).toString('hex')}`;
const API_KEY = `gg_live_${randomBytes(16).toString('hex')}`;
const WRONG_KEYS = Array.from({ length: 4 }, () => `gg_guess_${randomBytes(16).toString('hex')}`);
const ORIGIN = 'https://app.example.com';
const AUTH_FAILURE_LIMIT = 5;

/** What the tampering proxy does to the next requests, and the 401 code the runner must answer. */
const TAMPERINGS = {
  strip: 'missing_signature_headers',
  'unknown-key': 'unknown_key_id',
  'bad-timestamp': 'bad_timestamp',
  skew: 'timestamp_skew',
  'bad-nonce': 'bad_nonce',
  replay: 'replayed_nonce',
  'wrong-secret': 'bad_signature',
  'tamper-body': 'bad_signature',
} as const;
type Mode = keyof typeof TAMPERINGS | 'pass' | 'garbage';

/** A proxy between the edge and the runner that records what the edge sent and tampers on demand. */
interface Proxy {
  url: string;
  server: Server;
  mode: Mode;
  /** Every request as the edge sent it (before tampering). */
  received: Array<{ method: string; path: string; headers: Headers; body: Uint8Array }>;
  /** The runner's 401 error codes, in order. */
  runnerErrors: string[];
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

async function startProxy(target: () => string): Promise<Proxy> {
  const proxy: Proxy = { url: '', server: createServer(), mode: 'pass', received: [], runnerErrors: [] };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = req.url ?? '/';
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string' && !HOP_BY_HOP.has(name) && name !== 'host') headers.set(name, value);
    proxy.received.push({ method: req.method ?? 'GET', path, headers: new Headers(headers), body });
    if (proxy.mode === 'garbage') {
      // A runner gone wrong: 200, "JSON" that is not, quoting the request (with the text) back.
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(`{"answer": oops ${new TextDecoder().decode(body)}`);
      return;
    }
    let sent = body;
    const resign = async (secret: string, now?: number) => {
      const signature = await signRequest({
        keyId: RUNNER_KEY_ID,
        secret,
        method: req.method ?? 'GET',
        url: path,
        body: sent,
        ...(now ? { now } : {}),
      });
      for (const [name, value] of Object.entries(signature)) headers.set(name, value);
    };
    switch (proxy.mode) {
      case 'strip':
        for (const name of ['x-glyph-key-id', 'x-glyph-timestamp', 'x-glyph-nonce', 'x-glyph-signature'])
          headers.delete(name);
        break;
      case 'unknown-key':
        headers.set('x-glyph-key-id', 'intruder');
        break;
      case 'bad-timestamp':
        headers.set('x-glyph-timestamp', 'yesterday');
        break;
      case 'skew':
        await resign(RUNNER_SECRET, Math.floor(Date.now() / 1000) - 600);
        break;
      case 'bad-nonce':
        headers.set('x-glyph-nonce', 'not-a-nonce');
        break;
      case 'wrong-secret':
        await resign('not-the-runner-secret');
        break;
      case 'tamper-body':
        sent = Uint8Array.from(body);
        sent[sent.length - 2] ^= 0x01;
        break;
      default:
        break;
    }
    const forward = () =>
      fetch(target() + path, {
        method: req.method,
        headers,
        body: sent.byteLength > 0 ? (sent as Uint8Array<ArrayBuffer>) : undefined,
      });
    let upstream = await forward();
    if (proxy.mode === 'replay') {
      await upstream.arrayBuffer();
      upstream = await forward();
    }
    if (upstream.status === 401) {
      const text = await upstream.text();
      proxy.runnerErrors.push((JSON.parse(text) as { error: { code: string } }).error.code);
      upstream = new Response(text, { status: 401, headers: upstream.headers });
    }
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) out[name] = value;
    });
    res.writeHead(upstream.status, out);
    if (upstream.body) Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream).pipe(res);
    else res.end();
  };
  proxy.server.on('request', (req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.destroy(error as Error);
    });
  });
  await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
  return proxy;
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** Asserts a JSON error with `status` and `code`; returns the raw body. */
async function expectError(res: Response, status: number, code: string): Promise<string> {
  const raw = await res.text();
  expect(res.status, raw).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  expect((JSON.parse(raw) as { error: { code: string } }).error.code).toBe(code);
  return raw;
}

describe('edge attacks, in workerd', () => {
  let runner: RunnerHandle;
  let proxy: Proxy;
  let edge: EdgeHandle;
  let doc: string;
  const savedPepper = process.env.API_KEY_PEPPER;

  beforeAll(async () => {
    runner = await startRunner();
    proxy = await startProxy(() => runner.url);
    // keys.ts hashes with the pepper of its environment, as the Worker does with its secret.
    process.env.API_KEY_PEPPER = PEPPER;
    edge = await startEdge({
      runners: [proxy.url],
      vars: { API_KEY_PEPPER: PEPPER, CORS_ORIGINS: ORIGIN, AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURE_LIMIT) },
      logLevel: 'log',
    });
    edge.createKey('attacks', ['--key', API_KEY]);
    const upload = await edge.call(API_KEY, '/v1/documents', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: `The ${PHRASE} crossed the river at dawn.\n\nNobody saw it again.`,
    });
    expect(upload.status).toBe(201);
    doc = ((await upload.json()) as { id: string }).id;
  }, 180_000);

  afterAll(async () => {
    if (savedPepper === undefined) delete process.env.API_KEY_PEPPER;
    else process.env.API_KEY_PEPPER = savedPepper;
    await edge?.stop();
    await new Promise((resolve) => proxy?.server.close(resolve));
    await runner?.stop();
  });

  it('signs every runner request, and turns each 401 case of the signed API into a 502 that echoes nothing, caching and billing nothing', async () => {
    for (const [mode, runnerCode] of Object.entries(TAMPERINGS) as Array<[keyof typeof TAMPERINGS, string]>) {
      proxy.mode = mode;
      const before = proxy.runnerErrors.length;
      const render = await expectError(
        await edge.call(API_KEY, `/v1/documents/${doc}/render`, json({})),
        502,
        'runner_auth_failed',
      );
      const query = await expectError(
        await edge.call(API_KEY, `/v1/documents/${doc}/query`, json({ question: 'Who crossed?' })),
        502,
        'runner_auth_failed',
      );
      // The runner said why (each case its own code); the client learns none of it.
      expect(proxy.runnerErrors.slice(before), mode).toEqual([runnerCode, runnerCode]);
      for (const body of [render, query]) expect(body).not.toContain(runnerCode);
    }
    expect(edge.r2BlobCount('glyphgate-renders')).toBe(0);
    expect(edge.r2BlobCount('glyphgate-answers')).toBe(0);
    const usage = (await (await edge.call(API_KEY, '/v1/usage')).json()) as {
      totals: { byOperation: Record<string, unknown> };
    };
    expect(Object.keys(usage.totals.byOperation)).toEqual(['upload']);

    // Every request the edge sent was signed with its key and verifies.
    expect(proxy.received.length).toBeGreaterThanOrEqual(16);
    const nonces = new NonceStore({ skewSeconds: 600 });
    for (const request of proxy.received) {
      const verdict = await verifySignature({
        method: request.method,
        pathAndQuery: request.path,
        headers: request.headers,
        body: request.body,
        keys: new Map([[RUNNER_KEY_ID, RUNNER_SECRET]]),
        nonces,
        // The skew and replay cases above happened after the edge signed; judge what it sent.
        skewSeconds: 600,
      });
      expect(verdict, request.path).toEqual({ ok: true, keyId: RUNNER_KEY_ID });
    }

    // Nothing of the failures stuck: with an honest path, the same calls succeed and are cached.
    proxy.mode = 'pass';
    expect((await edge.call(API_KEY, `/v1/documents/${doc}/render`, json({}))).status).toBe(200);
    const answer = await edge.call(
      API_KEY,
      `/v1/documents/${doc}/query`,
      json({ question: `Who crossed? ${QUESTION_PHRASE}` }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-glyph-cache')).toBe('miss');
  }, 120_000);

  it('stores API keys only as HMAC-SHA256(pepper, key)', async () => {
    const result = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'wrangler'),
      [
        'd1',
        'execute',
        'DB',
        '--local',
        '--persist-to',
        edge.persistDir,
        '--json',
        '--command',
        'SELECT * FROM api_keys',
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' } },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(API_KEY);
    const rows = (JSON.parse(result.stdout) as Array<{ results: Array<{ hash: string; tenant: string }> }>)[0]!.results;
    expect(rows.map((r) => r.tenant)).toEqual(['attacks']);
    expect(rows[0]!.hash).toBe(createHmac('sha256', PEPPER).update(API_KEY).digest('hex'));
  });

  it('limits API key guessing per client address (CF-Connecting-IP; IPv6 per /64)', async () => {
    const from = (ip: string, key: string | null) =>
      edge.call(key, '/v1/usage', { headers: { 'cf-connecting-ip': ip } });
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++)
      await expectError(await from('198.51.100.7', WRONG_KEYS[i % WRONG_KEYS.length]!), 401, 'unauthorized');
    const blocked = await from('198.51.100.7', WRONG_KEYS[0]!);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    await expectError(blocked, 429, 'too_many_auth_failures');
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Blocked means blocked: a right key from there is not even looked at (a guess learns nothing).
    await expectError(await from('198.51.100.7', API_KEY), 429, 'too_many_auth_failures');
    // Other addresses are not affected.
    expect((await from('198.51.100.8', API_KEY)).status).toBe(200);
    await expectError(await from('198.51.100.8', WRONG_KEYS[1]!), 401, 'unauthorized');
    // Requests without a key guess nothing and are not counted.
    for (let i = 0; i < AUTH_FAILURE_LIMIT + 2; i++)
      await expectError(await from('198.51.100.9', null), 401, 'unauthorized');

    // IPv6: one /64 is one client, however many addresses it rotates through.
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++)
      await expectError(await from(`2001:db8:1:2::${i + 1}`, WRONG_KEYS[2]!), 401, 'unauthorized');
    await expectError(await from('2001:db8:1:2:ffff:ffff:ffff:fff0', WRONG_KEYS[2]!), 429, 'too_many_auth_failures');
    await expectError(await from('2001:db8:1:3::1', WRONG_KEYS[2]!), 401, 'unauthorized');
  });

  it('answers CORS only for the listed origins', async () => {
    const preflight = (origin: string) =>
      edge.call(null, '/v1/documents', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, idempotency-key',
        },
      });
    const ok = await preflight(ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    for (const header of ['authorization', 'content-type', 'idempotency-key'])
      expect(ok.headers.get('access-control-allow-headers')).toContain(header);
    expect(ok.headers.get('vary')).toContain('Origin');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();

    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();

    // Real requests: the listed origin can read answers (errors too) and the headers clients need.
    const usage = await edge.call(API_KEY, '/v1/usage', {
      headers: { origin: ORIGIN, 'cf-connecting-ip': '198.51.100.20' },
    });
    expect(usage.status).toBe(200);
    expect(usage.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(usage.headers.get('access-control-expose-headers')).toContain('x-glyph-cache');
    const denied = await edge.call(null, '/v1/usage', {
      headers: { origin: ORIGIN, 'cf-connecting-ip': '198.51.100.20' },
    });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const elsewhere = await edge.call(API_KEY, '/v1/usage', {
      headers: { origin: 'https://evil.example', 'cf-connecting-ip': '198.51.100.20' },
    });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps secrets, keys, the pepper and document text out of the Worker logs, errors included', async () => {
    // A runner answering garbage that quotes the document back: the parse error must not be logged as is.
    proxy.mode = 'garbage';
    const garbled = await edge.call(
      API_KEY,
      `/v1/documents/${doc}/query`,
      json({ question: `Where? ${QUESTION_PHRASE}` }, { 'cache-control': 'no-cache' }),
    );
    await expectError(garbled, 502, 'runner_error');
    const render = await edge.call(API_KEY, `/v1/documents/${doc}/render`, json({ config: { 'font-size': 10 } }));
    expect(render.status).toBeGreaterThanOrEqual(500);
    expect(await render.text()).not.toContain(PHRASE);
    proxy.mode = 'unknown-key';
    await expectError(
      await edge.call(API_KEY, `/v1/documents/${doc}/decode`, json({ sample: 2 })),
      502,
      'runner_auth_failed',
    );
    proxy.mode = 'pass';
    // A key in a malformed header, and one in a body the edge refuses. (Not in a URL: wrangler, like
    // Cloudflare's request logs, records every URL, so a key belongs in the Authorization header.)
    await expectError(
      await edge.call(null, '/v1/usage', {
        headers: { authorization: `Basic ${WRONG_KEYS[3]}`, 'cf-connecting-ip': '198.51.100.30' },
      }),
      401,
      'unauthorized',
    );
    await expectError(
      await edge.call(
        API_KEY,
        '/v1/documents',
        json({ text: PHRASE, key: WRONG_KEYS[3] }, { 'cf-connecting-ip': '198.51.100.30' }),
      ),
      400,
      'invalid_request',
    );

    // Let waitUntil work and log lines land.
    await new Promise((r) => setTimeout(r, 1000));
    const log = edge.log();
    // The capture works: the edge did log the failures above.
    expect(log).toMatch(/runner rejected our signature/);
    expect(log).toMatch(/retrying on another runner/);
    for (const secret of [RUNNER_SECRET, PEPPER, API_KEY, ...WRONG_KEYS, PHRASE, QUESTION_PHRASE]) {
      expect(log.includes(secret), `log contains ${secret.slice(0, 12)}…`).toBe(false);
    }
  }, 120_000);
});
