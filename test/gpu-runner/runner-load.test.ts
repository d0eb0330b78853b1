/**
 * Backpressure and shutdown on real runner processes: a full queue answers 429 with Retry-After,
 * a request past its deadline answers 504 and leaves nothing running, and SIGTERM lets the
 * request in flight finish before the process exits 0.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ROOT, readMultipart, signed, startRunner, type RunnerProcess } from './runner-harness.ts';

const novel = readFileSync(path.join(ROOT, 'test/fixtures/texts/pride_and_prejudice.txt'), 'utf8');
const runners: RunnerProcess[] = [];

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

async function start(env: Record<string, string>): Promise<RunnerProcess> {
  const runner = await startRunner(env);
  runners.push(runner);
  return runner;
}

async function readyz(runner: RunnerProcess): Promise<{ queue: { running: number; queued: number } }> {
  return (await (await signed(runner.url, '/readyz')).json()) as { queue: { running: number; queued: number } };
}

it('answers 429 with Retry-After once the running slot and the queue place are taken', async () => {
  const runner = await start({ GLYPH_RENDER_CONCURRENCY: '1', GLYPH_QUEUE_MAX: '1' });
  // Distinct texts (no single flight), each ~40 pages: long enough to hold the slot.
  const texts = Array.from({ length: 6 }, (_, i) => `Request ${i}.\n${novel.slice(i * 1000, i * 1000 + 150_000)}`);
  const responses = await Promise.all(texts.map((text) => signed(runner.url, '/v1/render', { text })));
  const statuses = responses.map((r) => r.status);
  expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
  for (const response of responses) {
    if (response.status === 429) {
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('queue_full');
    } else {
      const parts = await readMultipart(response);
      expect(parts[0]!.name).toBe('manifest');
      expect(parts.length).toBeGreaterThan(30);
    }
  }
  expect((await readyz(runner)).queue).toMatchObject({ running: 0, queued: 0 });
}, 120_000);

it('answers 504 past GLYPH_REQUEST_TIMEOUT_MS and drops the work', async () => {
  // Laying out the novel alone takes longer than 20 ms, so the deadline passes before any byte.
  const runner = await start({ GLYPH_REQUEST_TIMEOUT_MS: '20' });
  const requests = [
    ['/v1/render', { text: novel }],
    ['/v1/decode', { text: novel }],
    ['/v1/answer', { text: novel, question: 'Who is Mr. Darcy?' }],
  ] as const;
  for (const [route, body] of requests) {
    const response = await signed(runner.url, route, body);
    expect(response.status, route).toBe(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('deadline_exceeded');
  }
  expect((await readyz(runner)).queue).toMatchObject({ running: 0, queued: 0 });
}, 120_000);

it('drains on SIGTERM: the request in flight completes, then the process exits 0', async () => {
  const runner = await start({ GLYPH_DRAIN_MS: '60000' });
  const response = await signed(runner.url, '/v1/render', { text: novel });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let seen = '';
  // Wait for the first page, so the signal lands mid-render.
  while (!seen.includes('name="page-1"')) {
    const { value } = await reader.read();
    chunks.push(value!);
    seen += Buffer.from(value!).toString('latin1');
  }
  process.kill(runner.pid, 'SIGTERM');
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  const body = new Response(Buffer.concat(chunks), { headers: response.headers });
  const parts = await readMultipart(body);
  expect(parts.length).toBe(1 + 185);
  expect(parts.at(-1)!.name).toBe('page-185');
  expect(await runner.exited).toEqual({ code: 0, signal: null });
  expect(runner.output()).toMatch(/SIGTERM: draining/);
  // Nothing listens any more.
  await expect(fetch(`${runner.url}/healthz`)).rejects.toThrow();
}, 120_000);

it('lays documents out off the event loop: /readyz answers while a 2 MB render is being laid out', async () => {
  const runner = await start({});
  // ~2.3 MB: its layout and token count take seconds. On the event loop they would hold /readyz
  // until the manifest had gone out; in the planner's threads, /readyz answers meanwhile.
  const text = `${novel}\n${novel}\n${novel}`;
  const order: string[] = [];
  const render = signed(runner.url, '/v1/render', { text }).then((response) => {
    order.push('manifest');
    return response;
  });
  while (order.length === 0) {
    const body = (await readyz(runner)) as { rendersInFlight?: number };
    if (body.rendersInFlight === 1 && order.length === 0) order.push('readyz with the render in flight');
  }
  const response = await render;
  expect(response.status).toBe(200);
  await response.body?.cancel();
  expect(order[0]).toBe('readyz with the render in flight');
}, 120_000);
