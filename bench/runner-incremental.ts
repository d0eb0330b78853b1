/**
 * Incremental renders on the runner (issue 13): the time of a signed `POST /v1/render` of a
 * 301-turn dialogue, to the last byte of its multipart body, from scratch vs with `reusePlans`
 * from the 300-turn render before it. Both are cache misses: each run is its own conversation
 * (seeded), its 300-turn render is made first (untimed), then the two 301-turn texts differ in
 * their last turn, so neither finds the other cached.
 *
 * Run: `npm run bench:incremental` (env BENCH_RUNS, default 7; GLYPH_DEVICE, default cpu).
 * The runner is a child process on port 0 with a temporary cache directory.
 */
import { appendedText, transcriptOf } from '../edge/conversations/transcript.ts';
import type { RenderManifest } from '../protocol/runner-api.ts';
import { conversationTurns, turnGenerator } from '../test/edge/conversations-turns.ts';
import { metric, readMultipart, signed, startRunner, type RunnerProcess } from '../test/gpu-runner/runner-harness.ts';
import { median } from './stats.ts';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const OPTIONS = { preset: 'glyph-en', reflow: 'off' } as const;

interface Timed {
  ms: number;
  manifest: RenderManifest;
  parts: number;
  pngBytes: number;
  painted: number;
}

async function timedRender(runner: RunnerProcess, body: Record<string, unknown>): Promise<Timed> {
  const paintedBefore = await metric(runner.url, 'glyph_pages_rendered_total');
  const start = performance.now();
  const response = await signed(runner.url, '/v1/render', { ...OPTIONS, ...body });
  if (response.status !== 200) throw new Error(`render: ${response.status} ${await response.text()}`);
  const parts = await readMultipart(response);
  const ms = performance.now() - start;
  const manifest = JSON.parse(new TextDecoder().decode(parts[0]!.bytes)) as RenderManifest;
  const pages = parts.slice(1);
  const painted = (await metric(runner.url, 'glyph_pages_rendered_total')) - paintedBefore;
  return { ms, manifest, parts: pages.length, pngBytes: pages.reduce((s, p) => s + p.bytes.byteLength, 0), painted };
}

const runner = await startRunner({ GLYPH_DEVICE: process.env.GLYPH_DEVICE ?? 'cpu' });
try {
  // Warm-up: fonts, atlases and the tokenizer in the planner threads.
  await timedRender(runner, { text: transcriptOf(conversationTurns(300, 1000)) });
  const scratch: Timed[] = [];
  const incremental: Timed[] = [];
  for (let i = 0; i < runs; i++) {
    const turns = conversationTurns(300, 2000 + i);
    const before = transcriptOf(turns);
    const first = await timedRender(runner, { text: before });
    const reusePlans = first.manifest.pages.map((p) => p.planSha256!);
    const next = turnGenerator(3000 + i);
    const afterA = before + appendedText(turns.length, [next('user')]);
    const afterB = before + appendedText(turns.length, [next('user')]);
    // Alternate which goes first, so neither always runs on a warmer process.
    const pair = async () => {
      if (i % 2 === 0)
        return [
          await timedRender(runner, { text: afterA }),
          await timedRender(runner, { text: afterB, reusePlans }),
        ] as const;
      const inc = await timedRender(runner, { text: afterB, reusePlans });
      return [await timedRender(runner, { text: afterA }), inc] as const;
    };
    const [s, inc] = await pair();
    scratch.push(s);
    incremental.push(inc);
    console.log(
      `run ${i + 1}: pages ${s.manifest.totals.pages} | from scratch ${s.ms.toFixed(0)} ms, ${s.parts} PNGs (${(s.pngBytes / 1024).toFixed(0)} KiB), ${s.painted} painted | ` +
        `incremental ${inc.ms.toFixed(0)} ms, ${inc.parts} PNGs (${(inc.pngBytes / 1024).toFixed(0)} KiB), ${inc.painted} painted, pagesReused ${inc.manifest.pagesReused}`,
    );
  }
  const ms = (xs: Timed[]) => median(xs.map((x) => x.ms));
  console.log(
    `\nmedian of ${runs} (301-turn dialogue, ${median(scratch.map((s) => s.manifest.totals.pages))} pages, glyph-en, reflow off): ` +
      `from scratch ${ms(scratch).toFixed(0)} ms, incremental ${ms(incremental).toFixed(0)} ms ` +
      `(${(ms(scratch) / ms(incremental)).toFixed(2)}×); PNG parts ${median(scratch.map((s) => s.parts))} vs ${median(incremental.map((s) => s.parts))}`,
  );
} finally {
  await runner.stop();
}
