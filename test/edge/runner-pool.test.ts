/**
 * RunnerPool against real HTTP runners on 127.0.0.1 that verify every request's signature with
 * protocol/signing.ts (so an unsigned or replayed request would get 401, which the pool would
 * hand back as a 4xx and the test would see).
 */
import { createServer as createNetServer } from 'node:net';
import type { Server } from 'node:http';
import { serve, type HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { NONCE_HEADER, NonceStore, pathAndQueryOf, sha256Hex, verifySignature } from '../../protocol/signing.ts';
import { CircuitBreaker } from '../../edge/runners/circuit-breaker.ts';
import { rendezvousOrder } from '../../edge/runners/rendezvous.ts';
import {
  AllRunnersBusyError,
  RunnerPool,
  RunnersUnavailableError,
  type RunnerPoolOptions,
} from '../../edge/runners/pool.ts';

const KEY_ID = 'edge-1';
const SECRET = 'runner-pool-test-secret-0123456789';
const KEYS = new Map([[KEY_ID, SECRET]]);

/** One request a test runner received (after its signature was checked). */
interface Seen {
  method: string;
  path: string;
  body: Uint8Array;
  nonce: string;
  status: 'verified' | 'rejected';
}

type Handler = (c: Context, seen: Seen) => Response | Promise<Response>;

interface TestRunner {
  url: string;
  seen: Seen[];
  /** Requests whose signature verified. */
  readonly verified: number;
  /** Replaces the behaviour (e.g. a dead runner comes back). */
  setHandler(handler: Handler): void;
  close(): Promise<void>;
}

const open: TestRunner[] = [];
/** Resolved when the test ends, so handlers that hang can finish. */
let releaseHangs: () => void = () => {};
let hang = new Promise<void>((resolve) => (releaseHangs = resolve));

afterEach(async () => {
  releaseHangs();
  hang = new Promise<void>((resolve) => (releaseHangs = resolve));
  await Promise.all(open.splice(0).map((r) => r.close()));
});

/**
 * Starts a runner that verifies signatures against `nonces` (share one store between runners to
 * catch a nonce reused across failover) and then calls `handler`.
 */
async function startRunner(handler: Handler, nonces: NonceStore = new NonceStore()): Promise<TestRunner> {
  let current = handler;
  const seen: Seen[] = [];
  const app = new Hono();
  app.all('*', async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    const result = await verifySignature({
      method: c.req.method,
      pathAndQuery: pathAndQueryOf(c.req.url),
      headers: c.req.raw.headers,
      body,
      keys: KEYS,
      nonces,
    });
    const entry: Seen = {
      method: c.req.method,
      path: pathAndQueryOf(c.req.url),
      body,
      nonce: c.req.header(NONCE_HEADER) ?? '',
      status: result.ok ? 'verified' : 'rejected',
    };
    seen.push(entry);
    if (!result.ok) return c.json({ error: { code: result.code, message: result.message } }, 401);
    return current(c, entry);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const runner: TestRunner = {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    get verified() {
      return seen.filter((s) => s.status === 'verified').length;
    },
    setHandler(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  open.push(runner);
  return runner;
}

const ok: Handler = (c) => c.json({ ok: true, runner: new URL(c.req.url).port });
const fail500: Handler = (c) => c.json({ error: { code: 'internal', message: 'boom' } }, 500);
const busy =
  (retryAfter?: string): Handler =>
  (c) => {
    if (retryAfter !== undefined) c.header('retry-after', retryAfter);
    return c.json({ error: { code: 'busy', message: 'queue full' } }, 429);
  };
const hangs: Handler = async (c) => {
  await hang;
  return c.json({ late: true });
};

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
async function refusedUrl(): Promise<string> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${address.port}`;
}

function pool(runners: string[], options: Partial<RunnerPoolOptions> = {}): RunnerPool {
  return new RunnerPool({
    runners,
    keyId: KEY_ID,
    secret: SECRET,
    breaker: new CircuitBreaker(),
    ...options,
  });
}

/** A document key whose rendezvous order over `runners` starts with `runners[0]`, then `runners[1]`... */
async function docRankedAs(runners: string[]): Promise<string> {
  for (let i = 0; i < 10_000; i++) {
    const doc = await sha256Hex(`doc-${i}`);
    const order = await rendezvousOrder(doc, runners);
    if (order.every((r, j) => r === runners[j])) return doc;
  }
  throw new Error('no document with that ranking');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('test runners', () => {
  it('reject unsigned requests (so every passing test below went through signing)', async () => {
    const runner = await startRunner(ok);
    const response = await fetch(`${runner.url}/v1/render`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('missing_signature_headers');
  });
});

describe('RunnerPool routing', () => {
  it('sends the same document to the same first runner, every time and from every pool', async () => {
    const runners = await Promise.all([startRunner(ok), startRunner(ok), startRunner(ok)]);
    const urls = runners.map((r) => r.url);
    const firstUsed = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const doc = await sha256Hex(`document ${i}`);
      const expected = (await rendezvousOrder(doc, urls))[0];
      for (const p of [pool(urls), pool([...urls].reverse())]) {
        expect((await p.order(doc))[0]).toBe(expected);
        const { response, runner, attempts } = await p.request(doc, { path: '/v1/render', body: '{}' });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
        expect(runner).toBe(expected);
        expect(attempts).toHaveLength(1);
      }
      firstUsed.add(expected);
    }
    // Different documents spread over the runners.
    expect(firstUsed.size).toBeGreaterThan(1);
  });

  it('fails over on a refused connection', async () => {
    const dead = await refusedUrl();
    const healthy = await startRunner(ok);
    const doc = await docRankedAs([dead, healthy.url]);
    const { response, runner, attempts } = await pool([dead, healthy.url]).request(doc, {
      path: '/v1/render',
      body: '{"text":"x"}',
    });
    expect(response.status).toBe(200);
    expect(runner).toBe(healthy.url);
    expect(attempts.map((a) => a.outcome)).toEqual(['connect-error', 'answered']);
    expect(attempts[0].message).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('fails over on a 5xx and counts it as a failure', async () => {
    const broken = await startRunner(fail500);
    const healthy = await startRunner(ok);
    const breaker = new CircuitBreaker();
    const doc = await docRankedAs([broken.url, healthy.url]);
    const { runner, attempts } = await pool([broken.url, healthy.url], { breaker }).request(doc, {
      path: '/v1/render',
      body: '{}',
    });
    expect(runner).toBe(healthy.url);
    expect(attempts.map((a) => [a.outcome, a.status])).toEqual([
      ['server-error', 500],
      ['answered', 200],
    ]);
    expect(broken.verified).toBe(1);
    expect(breaker.snapshot(broken.url).consecutiveFailures).toBe(1);
  });

  it('fails over when a runner sends no headers within timeoutMs', async () => {
    const slow = await startRunner(hangs);
    const healthy = await startRunner(ok);
    const doc = await docRankedAs([slow.url, healthy.url]);
    const started = Date.now();
    const { runner, attempts } = await pool([slow.url, healthy.url], { timeoutMs: 300 }).request(doc, {
      path: '/v1/render',
      body: '{}',
    });
    expect(runner).toBe(healthy.url);
    expect(attempts[0].outcome).toBe('timeout');
    expect(attempts[0].durationMs).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(slow.verified).toBe(1);
  });

  it('does not apply the timeout to the body once headers have arrived', async () => {
    const chunks = 6;
    const streaming = await startRunner(() => {
      let sent = 0;
      const encoder = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent > 0) await new Promise((resolve) => setTimeout(resolve, 100));
          controller.enqueue(encoder.encode(`chunk ${sent}\n`));
          if (++sent === chunks) controller.close();
        },
      });
      return new Response(stream, { headers: { 'content-type': 'text/plain' } });
    });
    const { response } = await pool([streaming.url], { timeoutMs: 200 }).request('doc', {
      path: '/v1/render',
      body: '{}',
    });
    // ~500 ms of body after a 200 ms header budget: still complete.
    const text = await response.text();
    expect(text.trim().split('\n')).toHaveLength(chunks);
  });

  it('stops, without blaming the runner, when the caller aborts', async () => {
    const slow = await startRunner(hangs);
    const healthy = await startRunner(ok);
    const breaker = new CircuitBreaker();
    const doc = await docRankedAs([slow.url, healthy.url]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('client went away')), 100);
    const error = await rejection(
      pool([slow.url, healthy.url], { breaker, timeoutMs: 5_000 }).request(doc, {
        path: '/v1/render',
        body: '{}',
        signal: controller.signal,
      }),
    );
    expect((error as Error).message).toBe('client went away');
    expect(healthy.seen).toHaveLength(0);
    expect(breaker.snapshot(slow.url).consecutiveFailures).toBe(0);
  });

  it('retries a 429 elsewhere without counting a failure', async () => {
    const full = await startRunner(busy('4'));
    const healthy = await startRunner(ok);
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const doc = await docRankedAs([full.url, healthy.url]);
    const { runner, attempts } = await pool([full.url, healthy.url], { breaker }).request(doc, {
      path: '/v1/answer',
      body: '{}',
    });
    expect(runner).toBe(healthy.url);
    expect(attempts[0]).toMatchObject({ outcome: 'busy', status: 429, retryAfterSeconds: 4 });
    expect(breaker.state(full.url)).toBe('closed');
  });

  it('throws AllRunnersBusyError with the longest Retry-After when every runner says 429', async () => {
    const runners = await Promise.all([startRunner(busy('3')), startRunner(busy('7')), startRunner(busy())]);
    const urls = runners.map((r) => r.url);
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const error = await rejection(pool(urls, { breaker }).request('doc', { path: '/v1/render', body: '{}' }));
    expect(error).toBeInstanceOf(AllRunnersBusyError);
    const busyError = error as AllRunnersBusyError;
    expect(busyError.retryAfterSeconds).toBe(7);
    expect(busyError.attempts.map((a) => a.outcome)).toEqual(['busy', 'busy', 'busy']);
    for (const url of urls) expect(breaker.state(url)).toBe('closed');
  });

  it('throws RunnersUnavailableError when runners fail (mixed with busy ones too)', async () => {
    const full = await startRunner(busy('9'));
    const broken = await startRunner(fail500);
    const dead = await refusedUrl();
    const error = await rejection(
      pool([full.url, broken.url, dead]).request('doc', { path: '/v1/render', body: '{}' }),
    );
    expect(error).toBeInstanceOf(RunnersUnavailableError);
    const unavailable = error as RunnersUnavailableError;
    expect(unavailable.attempts.map((a) => a.outcome).sort()).toEqual(['busy', 'connect-error', 'server-error']);
    // The busy runner's wait is longer than the default 5 s, so it is the one advertised.
    expect(unavailable.retryAfterSeconds).toBe(9);
  });

  it('returns a 4xx as is, without failover', async () => {
    const picky = await startRunner((c) => c.json({ error: { code: 'bad_config', message: 'dpi' } }, 400));
    const other = await startRunner(ok);
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const doc = await docRankedAs([picky.url, other.url]);
    const { response, runner, attempts } = await pool([picky.url, other.url], { breaker }).request(doc, {
      path: '/v1/render',
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('bad_config');
    expect(runner).toBe(picky.url);
    expect(attempts).toHaveLength(1);
    expect(other.seen).toHaveLength(0);
    expect(breaker.state(picky.url)).toBe('closed');
  });

  it('signs each attempt afresh: a nonce store shared by the runners sees no replay', async () => {
    const nonces = new NonceStore();
    const a = await startRunner(fail500, nonces);
    const b = await startRunner(busy('1'), nonces);
    const c = await startRunner(ok, nonces);
    const doc = await docRankedAs([a.url, b.url, c.url]);
    const p = pool([a.url, b.url, c.url]);
    for (let i = 0; i < 3; i++) {
      const { response, runner } = await p.request(doc, { path: '/v1/render?x=1', body: 'same body' });
      // A reused nonce would have been a 401 (returned, not failed over).
      expect(response.status).toBe(200);
      expect(runner).toBe(c.url);
    }
    const all = [...a.seen, ...b.seen, ...c.seen];
    expect(all).toHaveLength(9);
    expect(all.every((s) => s.status === 'verified')).toBe(true);
    expect(new Set(all.map((s) => s.nonce)).size).toBe(9);
    expect(all.every((s) => s.path === '/v1/render?x=1' && s.method === 'POST')).toBe(true);
  });

  it('delivers the body bytes intact, to every runner it tries', async () => {
    const echo: Handler = async (c, seen) => c.json({ sha256: await sha256Hex(seen.body), bytes: seen.body.length });
    const broken = await startRunner(fail500);
    const healthy = await startRunner(echo);
    const doc = await docRankedAs([broken.url, healthy.url]);
    const body = new Uint8Array(1 << 20);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7919 + (i >> 8)) & 0xff;
    const { response } = await pool([broken.url, healthy.url]).request(doc, {
      path: '/v1/render',
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(await response.json()).toEqual({ sha256: await sha256Hex(body), bytes: body.length });
    expect(await sha256Hex(broken.seen[0].body)).toBe(await sha256Hex(body));

    const text = 'Glyph 字形 — «ünïcödé» 🙂\n'.repeat(1000);
    const second = await pool([healthy.url]).request(doc, { path: '/v1/render', body: text });
    const bytes = new TextEncoder().encode(text);
    expect(await second.response.json()).toEqual({ sha256: await sha256Hex(bytes), bytes: bytes.length });
  });

  it('sends GET without a body when none is given', async () => {
    const runner = await startRunner(ok);
    const { response } = await pool([runner.url]).request('doc', { path: '/v1/status', method: 'get' });
    expect(response.status).toBe(200);
    expect(runner.seen[0]).toMatchObject({ method: 'GET', status: 'verified' });
    expect(runner.seen[0].body.length).toBe(0);
  });

  it('honours exclude, and reportFailure counts a runner that died mid-stream', async () => {
    let cut = true;
    const flaky = await startRunner((c) => {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('--part\r\n'));
          // Like a runner process killed mid-render: the connection drops after the first part.
          if (cut) setTimeout(() => (c.env as HttpBindings).outgoing.destroy(), 50);
          else controller.close();
        },
      });
      return new Response(stream, { headers: { 'content-type': 'multipart/mixed; boundary=part' } });
    });
    const healthy = await startRunner(ok);
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const p = pool([flaky.url, healthy.url], { breaker });
    const doc = await docRankedAs([flaky.url, healthy.url]);

    const first = await p.request(doc, { path: '/v1/render', body: '{}' });
    expect(first.runner).toBe(flaky.url);
    await expect(first.response.arrayBuffer()).rejects.toThrow();
    p.reportFailure(first.runner);
    expect(breaker.state(flaky.url)).toBe('open');

    const retry = await p.request(doc, { path: '/v1/render', body: '{}', exclude: [first.runner] });
    expect(retry.runner).toBe(healthy.url);
    expect(retry.attempts).toHaveLength(1);
    expect(flaky.seen).toHaveLength(1);

    // exclude applies even to a healthy runner, and excluding all leaves nothing to try.
    cut = false;
    breaker.reset();
    const onlyFlaky = await p.request(doc, { path: '/v1/render', body: '{}', exclude: [`${healthy.url}/`] });
    expect(onlyFlaky.runner).toBe(flaky.url);
    await onlyFlaky.response.arrayBuffer();
    const none = await rejection(p.request(doc, { path: '/v1/render', body: '{}', exclude: [flaky.url, healthy.url] }));
    expect(none).toBeInstanceOf(RunnersUnavailableError);
    expect((none as RunnersUnavailableError).attempts).toEqual([]);
  });

  it('rejects a path that is not a single-slash absolute path, before contacting anyone', async () => {
    const runner = await startRunner(ok);
    const p = pool([runner.url]);
    await expect(p.request('doc', { path: 'v1/render', body: '{}' })).rejects.toThrow(TypeError);
    await expect(p.request('doc', { path: '//evil.example/x', body: '{}' })).rejects.toThrow(TypeError);
    expect(runner.seen).toHaveLength(0);
  });
});

describe('RunnerPool with a circuit breaker', () => {
  it('opens after N failures, skips the dead runner during the cool-down, then runs one trial', async () => {
    let t = 1_000_000;
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 30_000, now: () => t });
    const dead = await startRunner(fail500);
    const healthy = await startRunner(ok);
    const urls = [dead.url, healthy.url];
    const p = pool(urls, { breaker });
    const doc = await docRankedAs(urls);
    const send = () => p.request(doc, { path: '/v1/render', body: '{}' });

    for (let i = 0; i < 3; i++) {
      const { runner, attempts } = await send();
      expect(runner).toBe(healthy.url);
      expect(attempts.map((a) => a.runner)).toEqual(urls);
    }
    expect(breaker.state(dead.url)).toBe('open');
    expect(dead.verified).toBe(3);
    expect(await p.order(doc)).toEqual([healthy.url, dead.url]);

    // During the cool-down requests go straight to the next runner: the dead one sees nothing.
    for (let i = 0; i < 5; i++) {
      t += 5_000;
      const { runner, attempts } = await send();
      expect(runner).toBe(healthy.url);
      expect(attempts).toHaveLength(1);
    }
    expect(dead.verified).toBe(3);

    // Cool-down over: half-open, one trial; it fails, so the circuit re-opens for another cool-down.
    t += 5_000;
    expect(breaker.state(dead.url)).toBe('half-open');
    expect(await p.order(doc)).toEqual(urls);
    const trial = await send();
    expect(trial.attempts.map((a) => a.outcome)).toEqual(['server-error', 'answered']);
    expect(dead.verified).toBe(4);
    expect(breaker.state(dead.url)).toBe('open');
    await send();
    expect(dead.verified).toBe(4);

    // Next trial succeeds: closed again, and the document is back on its own runner.
    dead.setHandler(ok);
    t += 30_000;
    const recovered = await send();
    expect(recovered.runner).toBe(dead.url);
    expect(breaker.state(dead.url)).toBe('closed');
    expect((await send()).runner).toBe(dead.url);
  });

  it('hands the half-open trial to one request only', async () => {
    let t = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, now: () => t });
    let releaseTrial: () => void = () => {};
    const trialGate = new Promise<void>((resolve) => (releaseTrial = resolve));
    const recovering = await startRunner(async (c) => {
      await trialGate;
      return c.json({ ok: true });
    });
    const healthy = await startRunner(ok);
    const urls = [recovering.url, healthy.url];
    const p = pool(urls, { breaker });
    const doc = await docRankedAs(urls);
    breaker.recordFailure(recovering.url);
    t += 1_000;

    const first = p.request(doc, { path: '/v1/render', body: '{}' });
    // Wait until the trial request reached the runner.
    while (recovering.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await p.order(doc)).toEqual([healthy.url, recovering.url]);
    const second = await p.request(doc, { path: '/v1/render', body: '{}' });
    expect(second.runner).toBe(healthy.url);
    expect(recovering.seen).toHaveLength(1);

    releaseTrial();
    expect((await first).runner).toBe(recovering.url);
    expect(breaker.state(recovering.url)).toBe('closed');
  });

  it('still tries runners whose circuit is open when every circuit is open', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 });
    const a = await startRunner(fail500);
    const b = await startRunner(fail500);
    const p = pool([a.url, b.url], { breaker });
    await expect(p.request('doc', { path: '/v1/render', body: '{}' })).rejects.toBeInstanceOf(RunnersUnavailableError);
    expect(breaker.state(a.url)).toBe('open');
    expect(breaker.state(b.url)).toBe('open');

    const error = await rejection(p.request('doc', { path: '/v1/render', body: '{}' }));
    expect(error).toBeInstanceOf(RunnersUnavailableError);
    const attempts = (error as RunnersUnavailableError).attempts;
    expect(attempts).toHaveLength(2);
    expect(attempts.every((x) => x.lastResort)).toBe(true);
    expect((error as RunnersUnavailableError).retryAfterSeconds).toBe(5);

    // One comes back: the last-resort attempt succeeds and closes its circuit.
    a.setHandler(ok);
    b.setHandler(ok);
    const { runner, attempts: last } = await p.request('doc', { path: '/v1/render', body: '{}' });
    expect(last).toHaveLength(1);
    expect(last[0].lastResort).toBe(true);
    expect(breaker.state(runner)).toBe('closed');
  });
});
