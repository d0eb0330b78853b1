/**
 * `npm run bench:edge` — what the edge's answer cache saves: latency of a document's first query
 * (a runner call) against the cached re-query (R2, no runner call), through the real Worker in
 * workerd (wrangler dev --local) and a real runner process. Medians over several documents and
 * questions; the runner's own request counter (/metrics) is the evidence that re-queries never
 * reach it. Ends with an autocannon burst of cached re-queries. Exits 1 if the ratio is under 20×.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startEdge, startRunner } from '../test/edge/worker-stack.ts';
import { median } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const novel = readFileSync(`${root}test/fixtures/texts/pride_and_prejudice.txt`, 'utf8');
const DOCS = Number(process.env.BENCH_DOCS ?? 5);
const REQUERIES = Number(process.env.BENCH_REQUERIES ?? 20);
const QUESTIONS = [
  'Who is the single man in possession of a good fortune?',
  'Where is Netherfield Park?',
  'What did Mr. Darcy say at the ball?',
  'How many daughters do the Bennets have?',
  'Who is Mr. Collins?',
  'What happened at Pemberley?',
];

const ms = (x: number): string => `${x.toFixed(1)} ms`;

const runner = await startRunner();
const edge = await startEdge({ runners: [runner.url] });
try {
  const { key } = edge.createKey('bench', ['--rate-limit', '1000000']);
  const post = async (path: string, body: unknown): Promise<{ ms: number; cache: string | null; status: number }> => {
    const started = performance.now();
    const res = await edge.call(key, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return { ms: performance.now() - started, cache: res.headers.get('x-glyph-cache'), status: res.status };
  };
  const check = (r: { cache: string | null; status: number }, cache: string) => {
    if (r.status !== 200 || r.cache !== cache) throw new Error(`expected 200 ${cache}, got ${r.status} ${r.cache}`);
  };

  // 1. A document's first query: the runner lays out the text and answers. Each document is a
  //    new text (a numbered copy of the novel), so no runner cache helps either.
  const first: number[] = [];
  const cached: number[] = [];
  const docs: string[] = [];
  for (let i = 0; i < DOCS; i++) {
    const res = await edge.call(key, '/v1/documents', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: `Copy ${i}.\n\n${novel}`,
    });
    docs.push(((await res.json()) as { id: string }).id);
  }
  const answersBefore = await runner.requests('/v1/answer');
  for (const [i, id] of docs.entries()) {
    const q = QUESTIONS[i % QUESTIONS.length]!;
    const miss = await post(`/v1/documents/${id}/query`, { question: q });
    check(miss, 'miss');
    first.push(miss.ms);
  }
  const answersAfterFirst = await runner.requests('/v1/answer');

  // 2. Re-queries of the same questions: R2, no runner call.
  for (let r = 0; r < REQUERIES; r++) {
    for (const [i, id] of docs.entries()) {
      const hit = await post(`/v1/documents/${id}/query`, { question: QUESTIONS[i % QUESTIONS.length]! });
      check(hit, 'hit');
      cached.push(hit.ms);
    }
  }
  const answersAfterCached = await runner.requests('/v1/answer');

  // 3. For contrast: a new question on a document the runner already laid out.
  const warm: number[] = [];
  for (const q of QUESTIONS.slice(1)) {
    const miss = await post(`/v1/documents/${docs[0]}/query`, { question: `${q} (again)` });
    check(miss, 'miss');
    warm.push(miss.ms);
  }

  // 4. Throughput of cached re-queries with autocannon (8 connections, 5 s).
  const before = await runner.requests('/v1/answer');
  const cannon = spawnSync(
    `${root}node_modules/.bin/autocannon`,
    [
      '--json',
      '-c',
      '8',
      '-d',
      '5',
      '-m',
      'POST',
      '-H',
      `authorization=Bearer ${key}`,
      '-H',
      'content-type=application/json',
      '-b',
      JSON.stringify({ question: QUESTIONS[0] }),
      `${edge.url}/v1/documents/${docs[0]}/query`,
    ],
    { encoding: 'utf8' },
  );
  const load = JSON.parse(cannon.stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
  };
  const afterLoad = await runner.requests('/v1/answer');

  const ratio = median(first) / median(cached);
  const rows = [
    ['first query (new document, runner call)', first],
    ['cached re-query (R2, no runner call)', cached],
    ['new question, document already laid out', warm],
  ] as const;
  console.log(
    `\nedge answer cache — ${DOCS} documents × ${novel.length.toLocaleString()} chars, ${REQUERIES} re-queries each\n`,
  );
  for (const [name, xs] of rows)
    console.log(
      `  ${name.padEnd(44)} median ${ms(median(xs)).padStart(10)}   min ${ms(Math.min(...xs)).padStart(10)}   n=${xs.length}`,
    );
  console.log(`\n  first ÷ cached (medians): ${ratio.toFixed(1)}×`);
  console.log(
    `  runner /v1/answer calls: ${answersBefore} → ${answersAfterFirst} after the ${DOCS} first queries → ${answersAfterCached} after ${cached.length} re-queries`,
  );
  console.log(
    `  autocannon, cached re-query: ${load.requests.average.toFixed(0)} req/s, p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, ${load.requests.total} requests (${load.non2xx} non-2xx); runner /v1/answer ${before} → ${afterLoad}`,
  );
  console.log(
    `\n${JSON.stringify({ firstMedianMs: median(first), cachedMedianMs: median(cached), warmMedianMs: median(warm), ratio, runnerAnswerCalls: { before: answersBefore, afterFirst: answersAfterFirst, afterCached: answersAfterCached, afterLoad }, loadReqPerSec: load.requests.average })}`,
  );
  const ok = ratio >= 20 && answersAfterCached === answersAfterFirst && afterLoad === before;
  if (!ok) {
    console.error('FAIL: cached re-queries must be ≥ 20× faster than first queries and make no runner call');
    process.exitCode = 1;
  }
} finally {
  await edge.stop();
  await runner.stop();
}
