/**
 * `GET /readyz` on the edge, in workerd, over two real runner processes that come up one after the
 * other: 503 with no runner, 200 naming the one that is down while one of two is, 200 with both.
 * A runner that accepts connections but never answers (SIGSTOPped) is down after the probe's
 * timeout, not after the 30 s a work request would wait. The probe is signed: the runner's
 * `/readyz` refuses an unsigned request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

interface RunnerEntry {
  url: string;
  ok: boolean;
  status?: string;
  executionProvider?: string;
  error?: string;
  ms: number;
}
interface Readiness {
  ready: boolean;
  runners: RunnerEntry[];
}

// edge/system/readyz.ts: READY_PROBE_TIMEOUT_MS and READY_REUSE_MS.
const PROBE_TIMEOUT_MS = 2000;
const REUSE_MS = 1000;

let edge: EdgeHandle;
let urls: [string, string];
const runners: RunnerHandle[] = [];

async function readyz(): Promise<{ status: number; body: Readiness; ms: number }> {
  const started = performance.now();
  const res = await edge.call(null, '/readyz');
  const body = (await res.json()) as Readiness;
  expect(res.headers.get('cache-control')).toBe('no-store');
  return { status: res.status, body, ms: performance.now() - started };
}

/** Polls /readyz until `done` holds (runners take a while to load their models), for up to 90 s. */
async function readyzUntil(
  done: (r: { status: number; body: Readiness }) => boolean,
): Promise<{ status: number; body: Readiness; ms: number }> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const result = await readyz();
    if (done(result)) return result;
    if (Date.now() > deadline)
      throw new Error(`readyz never reached the expected state; last: ${result.status} ${JSON.stringify(result.body)}`);
    await new Promise((resolve) => setTimeout(resolve, REUSE_MS + 100));
  }
}

const entry = (body: Readiness, url: string): RunnerEntry => {
  const found = body.runners.find((r) => r.url === url);
  if (!found) throw new Error(`${url} is not listed: ${JSON.stringify(body)}`);
  return found;
};

beforeAll(async () => {
  const ports = [await freePort(), await freePort()];
  urls = [`http://127.0.0.1:${ports[0]}`, `http://127.0.0.1:${ports[1]}`];
  // Nothing listens on either port yet.
  edge = await startEdge({ runners: urls });
}, 180_000);

afterAll(async () => {
  for (const runner of runners) {
    try {
      process.kill(runner.pid, 'SIGCONT');
    } catch {
      // already gone
    }
    await runner.stop();
  }
  await edge?.stop();
});

describe('GET /readyz on the edge', () => {
  it('is 503 with every runner listed as down while none runs', async () => {
    const { status, body } = await readyz();
    expect(status).toBe(503);
    expect(body.ready).toBe(false);
    expect(body.runners.map((r) => r.url).sort()).toEqual([...urls].sort());
    for (const url of urls) expect(entry(body, url)).toMatchObject({ ok: false, error: 'unreachable' });
  });

  it('is 200 once one of two runners is ready, and names the one that is down', async () => {
    runners.push(await startRunner({ GLYPH_RUNNER_PORT: new URL(urls[0]).port }));
    const { body } = await readyzUntil((r) => r.status === 200);
    expect(body.ready).toBe(true);
    expect(entry(body, urls[0])).toMatchObject({ ok: true, status: 'ready', executionProvider: 'cpu' });
    expect(entry(body, urls[1])).toMatchObject({ ok: false, error: 'unreachable' });
  }, 120_000);

  it('is 200 with both listed as ok when both are ready', async () => {
    runners.push(await startRunner({ GLYPH_RUNNER_PORT: new URL(urls[1]).port }));
    const { status, body } = await readyzUntil((r) => r.body.runners.every((x) => x.ok));
    expect(status).toBe(200);
    expect(body.ready).toBe(true);
    for (const url of urls) expect(entry(body, url)).toMatchObject({ ok: true, status: 'ready' });
  }, 120_000);

  it('counts a runner that never answers as down after the probe timeout, the others probed meanwhile', async () => {
    const frozen = runners[1]!;
    process.kill(frozen.pid, 'SIGSTOP');
    try {
      await new Promise((resolve) => setTimeout(resolve, REUSE_MS + 100));
      const { status, body, ms } = await readyz();
      expect(status).toBe(200);
      expect(entry(body, urls[0])).toMatchObject({ ok: true });
      expect(entry(body, urls[1])).toMatchObject({ ok: false, error: `timeout (${PROBE_TIMEOUT_MS} ms)` });
      // Bounded by one probe timeout (in parallel), far from the 30 s runner timeout of work requests.
      expect(ms).toBeLessThan(2 * PROBE_TIMEOUT_MS + 1000);
      // All down (the other one gone too): 503 again.
      await runners[0]!.stop();
      await new Promise((resolve) => setTimeout(resolve, REUSE_MS + 100));
      const down = await readyz();
      expect(down.status).toBe(503);
      expect(down.body.ready).toBe(false);
      expect(down.body.runners.every((r) => !r.ok)).toBe(true);
    } finally {
      process.kill(frozen.pid, 'SIGCONT');
    }
  }, 60_000);

  it('probes with a signature: the runner refuses an unsigned /readyz', async () => {
    const res = await fetch(`${urls[1]}/readyz`);
    expect(res.status).toBe(401);
  });

  it('is in the OpenAPI document, without security, with its 200 and 503', async () => {
    const doc = (await (await edge.call(null, '/openapi.json')).json()) as {
      paths: Record<string, { get?: { security?: unknown[]; responses: Record<string, unknown> } }>;
    };
    const op = doc.paths['/readyz']?.get;
    expect(op?.security).toEqual([]);
    expect(Object.keys(op?.responses ?? {}).sort()).toEqual(['200', '503']);
  });
});
