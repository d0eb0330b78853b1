/**
 * `npm run bench:runner` — the runner under load, as the edge sees it:
 * 1. signed render requests/s over HTTP: cache hits, and misses (a distinct text each request);
 * 2. OCR lines/s, unbatched (one model run per line) vs through the dynamic batcher, with 1, 8
 *    and 32 concurrent clients (in this process, on real glyph-en lines of the novel);
 * 3. bursts of 50 concurrent render requests of a 1 MB text — the same text (single flight) and 50
 *    distinct texts (the queue) — counting statuses: every one must be 200 or 429;
 * and the runner's peak RSS (VmHWM from /proc/<pid>/status) after each phase (limit 1.5 GB).
 *
 * Env: GLYPH_DEVICE (default auto), BENCH_SECONDS (HTTP phases, default 10), BENCH_OCR_LINES
 * (default 96), BENCH_PHASES (comma list of http, burst, ocr; default all). The runner is a child
 * process on port 0 with a temporary cache directory.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveRenderConfig } from '../protocol/render-config.ts';
import { renderPages } from '../gpu-runner/render/index.ts';
import type { LineImage, Recognition } from '../gpu-runner/ocr/recognizer.ts';
import { OcrService, lineStrip } from '../gpu-runner/ocr/service.ts';
import { ROOT, signed, startRunner, type RunnerProcess } from '../test/gpu-runner/runner-harness.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const ocrLineCount = Number(process.env.BENCH_OCR_LINES ?? 96);
const device = process.env.GLYPH_DEVICE ?? 'auto';
const phases = new Set((process.env.BENCH_PHASES ?? 'http,burst,ocr').split(',').map((p) => p.trim()));
const case1 = readFileSync(path.join(ROOT, 'test/fixtures/glyph/case1.txt'), 'utf8');
const novel = readFileSync(path.join(ROOT, 'test/fixtures/texts/pride_and_prejudice.txt'), 'utf8');
const MB = 1024 * 1024;
const oneMb = (seed: number): string => `Copy ${seed}.\n${novel.repeat(2)}`.slice(0, MB);

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** Reads a body to the end; true when a multipart body ends with its closing delimiter. */
async function drain(response: Response): Promise<{ bytes: number; complete: boolean }> {
  const reader = response.body!.getReader();
  let bytes = 0;
  let tail = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    tail = (tail + Buffer.from(value.subarray(Math.max(0, value.byteLength - 128))).toString('latin1')).slice(-128);
  }
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/')) return { bytes, complete: true };
  // The runner ends the body with the close delimiter and no CRLF (gpu-runner/server/multipart.ts).
  const boundary = /boundary=([^;\s]+)/.exec(type)?.[1];
  const close = `--${boundary}--`;
  return { bytes, complete: boundary !== undefined && (tail.endsWith(close) || tail.endsWith(`${close}\r\n`)) };
}

/** `clients` loops sending `body(i)` renders for `seconds`: requests/s and statuses. */
async function renderLoad(runner: RunnerProcess, clients: number, body: (i: number) => object): Promise<string> {
  const statuses = new Map<number, number>();
  let count = 0;
  let bytes = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const response = await signed(runner.url, '/v1/render', body(count++));
        const read = await drain(response);
        bytes += read.bytes;
        const status = read.complete ? response.status : -1;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const done = [...statuses.values()].reduce((a, b) => a + b, 0);
  return `${(done / seconds).toFixed(1)} req/s, ${(bytes / MB / seconds).toFixed(1)} MB/s, statuses ${JSON.stringify(Object.fromEntries(statuses))}`;
}

/** 50 concurrent renders of 1 MB texts: status counts, seconds, and whether any failed. */
async function burst(runner: RunnerProcess, text: (i: number) => string): Promise<{ line: string; ok: boolean }> {
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      try {
        const response = await signed(runner.url, '/v1/render', { text: text(i) });
        const read = await drain(response);
        return read.complete
          ? `${response.status}${response.headers.get('x-glyph-cache') === 'hit' ? ' hit' : ''}`
          : `${response.status} cut`;
      } catch (e) {
        return `failed: ${(e as Error).message}`;
      }
    }),
  );
  const counts: Record<string, number> = {};
  for (const r of results) counts[r] = (counts[r] ?? 0) + 1;
  const ok = results.every((r) => r === '200' || r === '200 hit' || r === '429');
  const took = ((performance.now() - started) / 1000).toFixed(1);
  return { line: `${JSON.stringify(counts)} in ${took} s, peak RSS ${peakRssMb(runner.pid).toFixed(0)} MB`, ok };
}

/** Real layout lines of the novel's glyph-en pages, as line strips. */
async function novelLines(count: number): Promise<LineImage[]> {
  const lines: LineImage[] = [];
  for await (const page of renderPages(novel, resolveRenderConfig({ preset: 'glyph-en' }), {
    output: 'raw',
    range: { first: 10, last: 40 },
  })) {
    // A few lines from every page: a realistic mix of widths (full lines, paragraph ends).
    for (const line of page.lines.filter((_, i) => i % 17 === 3)) lines.push(lineStrip(page.raw!, line.box));
  }
  return lines.slice(0, count);
}

/** `clients` concurrent clients each reading its share of `lines` one line at a time: lines/s. */
async function ocrRate(
  lines: LineImage[],
  clients: number,
  read: (l: LineImage) => Promise<Recognition>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < lines.length) await read(lines[next++]!);
    }),
  );
  return (lines.length * 1000) / (performance.now() - started);
}

async function main(): Promise<void> {
  const say = (line: string): void => console.log(line);
  const verdicts: string[] = [];
  const verdict = (ok: boolean, what: string): void => void verdicts.push(`${ok ? 'PASS' : 'FAIL'}: ${what}`);

  if (phases.has('http') || phases.has('burst')) {
    const runner = await startRunner({ GLYPH_DEVICE: device });
    try {
      say(
        `runner pid ${runner.pid}: ${/device (\w+)/.exec(runner.output())?.[1]} device, idle RSS ${peakRssMb(runner.pid).toFixed(0)} MB`,
      );
      if (phases.has('http')) {
        // Warm-up: fills the cache with case1 and builds glyph masks.
        await drain(await signed(runner.url, '/v1/render', { text: case1 }));
        say(
          `render, cache hit (case1, 2 pages), 8 clients, ${seconds} s: ${await renderLoad(runner, 8, () => ({ text: case1 }))}`,
        );
        say(
          `render, cache miss (case1 + unique line, 2 pages), 4 clients, ${seconds} s: ${await renderLoad(runner, 4, (i) => ({ text: `Run ${i}.\n${case1}` }))}`,
        );
        say(`  peak RSS after the HTTP phases: ${peakRssMb(runner.pid).toFixed(0)} MB`);
      }
      if (phases.has('burst')) {
        const same = oneMb(0);
        const b1 = await burst(runner, () => same);
        say(`burst: 50 × the same 1 MB text: ${b1.line}`);
        const b2 = await burst(runner, (i) => oneMb(i + 1));
        say(`burst: 50 × distinct 1 MB texts: ${b2.line}`);
        const peak = peakRssMb(runner.pid);
        verdict(b1.ok && b2.ok, 'every burst request answered 200 or 429, none failed or was cut');
        verdict(peak < 1536, `runner peak RSS ${peak.toFixed(0)} MB < 1536 MB`);
        say(`runner peak RSS (VmHWM): ${peak.toFixed(0)} MB (limit 1536 MB)`);
      }
    } finally {
      await runner.stop();
    }
  }
  if (phases.has('ocr')) await ocrPhase(say, verdict);
  say(`\n${verdicts.join('\n')}`);
  process.exitCode = verdicts.some((v) => v.startsWith('FAIL')) ? 1 : 0;
}

/** OCR lines/s, unbatched vs batched, at 1, 8 and 32 concurrent clients. */
async function ocrPhase(say: (line: string) => void, verdict: (ok: boolean, what: string) => void): Promise<void> {
  // OCR in this process, after the runner is gone (the two would share the cores).
  const lines = await novelLines(ocrLineCount);
  // maxBatch 16 explicitly: the runner's CPU default is small (batching buys little there), and this
  // measures what batching buys on the device at hand.
  const ocr = await OcrService.load({ device: device as 'auto' | 'cpu' | 'cuda', maxBatch: 16 });
  say(
    `\nOCR on ${ocr.device}, ${lines.length} glyph-en lines of the novel, batcher max 16 / 5 ms ` +
      `(each client reads its lines one at a time; the runner's default max batch here: ${ocr.recognizer.suggestedMaxBatch})`,
  );
  await ocr.recognizer.recognize(lines.slice(0, 4)); // warm-up: arena and kernels
  let unbatched8 = 0;
  let batched8 = 0;
  for (const clients of [1, 8, 32]) {
    const unbatched = await ocrRate(lines, clients, (l) => ocr.recognizer.recognize([l]).then((r) => r[0]!));
    const batched = await ocrRate(lines, clients, (l) => ocr.read(l));
    if (clients === 8) [unbatched8, batched8] = [unbatched, batched];
    say(
      `  concurrency ${String(clients).padStart(2)}: unbatched ${unbatched.toFixed(1)} lines/s, batched ${batched.toFixed(1)} lines/s (×${(batched / unbatched).toFixed(2)})`,
    );
  }
  verdict(
    batched8 >= 2 * unbatched8,
    `batched OCR ≥ 2× unbatched at concurrency 8 on ${ocr.device} (×${(batched8 / unbatched8).toFixed(2)})`,
  );
  await ocr.close();
}

await main();
