/**
 * A runner dying in the middle of a render, with two real runner processes behind the edge:
 * the render is retried once on the other runner; when that cannot finish either, nothing is
 * committed (pages may be in R2, the manifest is not), and the next request succeeds elsewhere.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRenderConfig } from '../../protocol/render-config.ts';
import { fixedRenderId } from '../../edge/renders/render-id.ts';
import { rendezvousOrder } from '../../edge/runners/rendezvous.ts';
import { freePort, startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

const novel = readFileSync(new URL('../fixtures/texts/pride_and_prejudice.txt', import.meta.url), 'utf8');
const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const ports: number[] = [];
const runners = new Map<string, RunnerHandle>();
let edge: EdgeHandle;
let key: string;
let stopped: RunnerHandle | undefined;

async function start(port: number): Promise<RunnerHandle> {
  const runner = await startRunner({ GLYPH_RUNNER_PORT: String(port) });
  runners.set(runner.url, runner);
  return runner;
}

beforeAll(async () => {
  ports.push(await freePort(), await freePort());
  await Promise.all(ports.map(start));
  // A short header timeout, so a frozen runner turns into a failover quickly.
  edge = await startEdge({ runners: [...runners.keys()], vars: { RUNNER_TIMEOUT_MS: '5000' } });
  key = edge.createKey('failover').key;
}, 180_000);

afterAll(async () => {
  if (stopped) process.kill(stopped.pid, 'SIGCONT');
  await edge?.stop();
  await Promise.all([...runners.values()].map((r) => r.stop()));
});

async function upload(text: string): Promise<string> {
  const res = await edge.call(key, '/v1/documents', {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: text,
  });
  return ((await res.json()) as { id: string }).id;
}

/** The runners in the order the edge tries them for `sha` (rendezvous hashing). */
async function order(sha: string): Promise<[RunnerHandle, RunnerHandle]> {
  const [first, second] = await rendezvousOrder(sha, [...runners.keys()]);
  return [runners.get(first!)!, runners.get(second!)!];
}

/**
 * SIGKILLs `runner` (by pid) in the middle of the render in flight: once the edge has stored
 * five more pages in R2. With at most four page writes in flight, page 1 is then stored for sure,
 * and the novel (~90 pages) is far from done.
 */
async function killMidStream(runner: RunnerHandle, pagesBefore: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (edge.r2BlobCount('glyphgate-renders') < pagesBefore + 5) {
    if (Date.now() > deadline) throw new Error('no page reached R2 within 60 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  const exited = new Promise((resolve) => runner.process.once('exit', resolve));
  process.kill(runner.pid, 'SIGKILL');
  await exited;
}

describe('edge worker: runner failure mid-render', () => {
  it('retries once on the other runner when the first dies mid-stream', async () => {
    const sha = await upload(novel);
    const [first, second] = await order(sha);
    const secondBefore = await second.requests('/v1/render');
    const stored = edge.r2BlobCount('glyphgate-renders');
    const pending = edge.call(key, `/v1/documents/${sha}/render`, json({}));
    await killMidStream(first, stored);
    const res = await pending;
    expect(res.status).toBe(200);
    const view = (await res.json()) as { pages: { n: number; url: string }[]; totals: { pages: number } };
    expect(view.pages.length).toBe(view.totals.pages);
    expect(view.totals.pages).toBeGreaterThan(50);
    // The second runner made the render that was committed.
    expect(await second.requests('/v1/render')).toBe(secondBefore + 1);
    for (const page of [view.pages[0]!, view.pages.at(-1)!])
      expect((await edge.call(key, new URL(page.url).pathname)).status).toBe(200);
    // Bring the killed runner back on its port for the next test.
    runners.delete(first.url);
    await first.stop();
    await start(Number(new URL(first.url).port));
  }, 120_000);

  it('commits no manifest when the render breaks off, and the next request succeeds on another runner', async () => {
    const sha = await upload(`A second copy, so that no cache helps.\n\n${novel}`);
    const [first, second] = await order(sha);
    // The render id of a default request (glyph-en, reflow auto): edge/renders/render-id.ts.
    const configHash = await fixedRenderId({ config: resolveRenderConfig({}), reflow: 'auto' });
    const prefix = `t/failover/renders/${sha}/${configHash}`;

    // The second runner is frozen: the retry after the kill reaches it but never gets an answer.
    process.kill(second.pid, 'SIGSTOP');
    stopped = second;
    const stored = edge.r2BlobCount('glyphgate-renders');
    const pending = edge.call(key, `/v1/documents/${sha}/render`, json({}));
    await killMidStream(first, stored);
    const failed = await pending;
    expect(failed.status).toBe(503);
    expect(Number(failed.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('runners_unavailable');

    // Pages streamed in before the kill are in R2 (by content, under t/<tenant>/pages/), but the
    // manifest (the commit point) is not, so nothing serves them.
    expect(edge.r2BlobCount('glyphgate-renders')).toBeGreaterThanOrEqual(stored + 5);
    expect(edge.r2Has('glyphgate-renders', `${prefix}/manifest.json`)).toBe(false);
    expect((await edge.call(key, `/v1/documents/${sha}/renders/${configHash}/pages/1`)).status).toBe(404);

    process.kill(second.pid, 'SIGCONT');
    stopped = undefined;
    // Thawed, it first works off the request it got while frozen; "next" means after that.
    await expect.poll(() => second.metric('glyph_queue_depth'), { timeout: 60_000, interval: 100 }).toBe(0);
    const before = await second.requests('/v1/render');
    const next = await edge.call(key, `/v1/documents/${sha}/render`, json({}));
    expect(next.status).toBe(200);
    expect(next.headers.get('x-glyph-cache')).toBe('miss');
    expect(await second.requests('/v1/render')).toBeGreaterThan(before);
    expect(edge.r2Has('glyphgate-renders', `${prefix}/manifest.json`)).toBe(true);
    expect((await edge.call(key, `/v1/documents/${sha}/renders/${configHash}/pages/1`)).status).toBe(200);
  }, 120_000);
});
