/**
 * `npm run bench:gateway` — what `POST /v1/chat/completions` adds on top of the upstream's own
 * time: the real Worker in workerd (wrangler dev --local) with a real runner process, in front of
 * the contract-test stand-in upstream (test/edge/gateway-stand-in.ts), which reports how long it
 * spent on each request (first byte in → response end). Added latency = the client's round trip
 * through the gateway − the stand-in's own time, per request; medians over the runs.
 *
 * Two cases, each with a ~100 kB context (Pride and Prejudice) and a short question:
 * - cached: the same context every time (after one warm-up): its document and render are in R2
 *   and the isolate, its inline parts serialized in the isolate's parts cache, so the gateway only
 *   parses, hashes, splices and forwards. Target ≤ 30 ms.
 * Contexts are rendered with preset `auto` for gpt-4o; the warm-up includes the runner's fit search.
 * - uncached: a different 100 kB context each time: upload + runner render + pages into R2.
 * Both for inline pages (the default delivery) and for key-free URLs (`UPSTREAM_IMAGE_DELIVERY=url`;
 * the stand-in does not fetch them here, so its time stays its own).
 *
 * BENCH_CACHED_RUNS (default 30), BENCH_UNCACHED_RUNS (default 5). Exits 1 when the cached inline
 * median is over 30 ms.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startStandIn, type StandIn } from '../test/edge/gateway-stand-in.ts';
import { startEdge, startRunner, type EdgeHandle } from '../test/edge/worker-stack.ts';
import { median } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const novel = readFileSync(`${root}test/fixtures/texts/pride_and_prejudice.txt`, 'utf8');
const CONTEXT_CHARS = 100_000;
const CACHED_RUNS = Number(process.env.BENCH_CACHED_RUNS ?? 30);
const UNCACHED_RUNS = Number(process.env.BENCH_UNCACHED_RUNS ?? 5);
const TARGET_MS = 30;

const ms = (x: number): string => `${x.toFixed(1)} ms`;

interface Sample {
  totalMs: number;
  upstreamMs: number;
  pages: number;
}

async function ask(edge: EdgeHandle, key: string, standIn: StandIn, context: string): Promise<Sample> {
  const body = JSON.stringify({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: `${context}\n\nWho is Mr. Darcy?` }],
  });
  const seen = standIn.requests.length;
  const started = performance.now();
  const res = await fetch(`${edge.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'x-upstream-authorization': 'sk-bench',
    },
    body,
  });
  const answer = await res.text();
  const totalMs = performance.now() - started;
  if (res.status !== 200) throw new Error(`gateway answered ${res.status}: ${answer.slice(0, 500)}`);
  await new Promise((r) => setImmediate(r));
  const record = standIn.requests[seen];
  if (!record || record.ownMs === undefined) throw new Error('the stand-in did not record the request');
  return { totalMs, upstreamMs: record.ownMs, pages: Number(res.headers.get('x-glyph-pages')) };
}

function contextAt(i: number): string {
  const start = (i * 37_000) % (novel.length - CONTEXT_CHARS);
  return novel.slice(start, start + CONTEXT_CHARS);
}

async function run(
  delivery: 'inline' | 'url',
  runnerUrl: string,
  offset: number,
): Promise<{ cached: number; uncached: number; pages: number }> {
  const standIn = await startStandIn({ fetchImages: false });
  const edge = await startEdge({
    runners: [runnerUrl],
    vars: {
      UPSTREAM_BASE_URL: standIn.baseUrl,
      UPSTREAM_IMAGE_DELIVERY: delivery,
      PAGE_URL_SECRET: 'bench-page-url-secret',
      // The warm-up is gpt-4o's first auto render on this runner: it waits for the fit search.
      RUNNER_TIMEOUT_MS: '240000',
    },
  });
  try {
    const { key } = edge.createKey('bench', ['--rate-limit', '1000000']);
    const cachedContext = contextAt(offset);
    const warm = await ask(edge, key, standIn, cachedContext);
    await ask(edge, key, standIn, cachedContext);
    const cached: Sample[] = [];
    for (let i = 0; i < CACHED_RUNS; i++) cached.push(await ask(edge, key, standIn, cachedContext));
    const uncached: Sample[] = [];
    for (let i = 1; i <= UNCACHED_RUNS; i++) uncached.push(await ask(edge, key, standIn, contextAt(offset + i)));
    const added = (xs: Sample[]) => median(xs.map((s) => s.totalMs - s.upstreamMs));
    console.log(`\n${delivery} pages (${warm.pages} pages for a ${CONTEXT_CHARS / 1000} kB context, gpt-4o profile)`);
    console.log(
      `  cached   (${CACHED_RUNS} runs): round trip ${ms(median(cached.map((s) => s.totalMs)))}, stand-in ${ms(median(cached.map((s) => s.upstreamMs)))}, added ${ms(added(cached))}`,
    );
    console.log(
      `  uncached (${UNCACHED_RUNS} runs): round trip ${ms(median(uncached.map((s) => s.totalMs)))}, stand-in ${ms(median(uncached.map((s) => s.upstreamMs)))}, added ${ms(added(uncached))}`,
    );
    return { cached: added(cached), uncached: added(uncached), pages: warm.pages };
  } finally {
    await edge.stop();
    await standIn.stop();
  }
}

const runner = await startRunner();
let inline: { cached: number };
try {
  inline = await run('inline', runner.url, 0);
  await run('url', runner.url, 10);
} finally {
  await runner.stop();
}
console.log(`\nadded latency, cached context, inline pages: median ${ms(inline.cached)} (target ≤ ${TARGET_MS} ms)`);
if (inline.cached > TARGET_MS) process.exit(1);
