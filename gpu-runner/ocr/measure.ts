/**
 * OCR throughput check: lines/s reading ~64 rendered English lines (9 px DejaVu Sans, mixed
 * widths) unbatched vs batched, and at concurrency 8 through the DynamicBatcher.
 *
 *   npx tsx gpu-runner/ocr/measure.ts       (built: node dist/gpu-runner/ocr/measure.js, also in the image)
 *
 * Env: GLYPH_DEVICE (auto|cpu|cuda, default auto; GLYPH_OCR_DEVICE too), MEASURE_REPEATS
 * (default 3), MEASURE_LINES (default 64). Prints the median of the repeats, wall-clock lines/s
 * and process CPU ms a line (CPU time is steadier than wall time on a shared box).
 */
import { aggregateAccuracy } from './accuracy.ts';
import { DynamicBatcher } from './batcher.ts';
import type { DeviceRequest } from './execution.ts';
import { LineRecognizer, type LineImage, type Recognition } from './recognizer.ts';
import { SAMPLE_PARAGRAPH, renderSampleLine, wrapSampleText } from './sample-line.ts';

interface Sample {
  linesPerSec: number;
  cpuMsPerLine: number;
}

const repeats = Number(process.env.MEASURE_REPEATS ?? 3);
const count = Number(process.env.MEASURE_LINES ?? 64);
const device = (process.env.GLYPH_OCR_DEVICE ?? process.env.GLYPH_DEVICE ?? 'auto') as DeviceRequest;

// Wrapping the same prose at four widths gives a realistic mix of line lengths (≈ 200–490 px).
const texts = [250, 330, 410, 490]
  .flatMap((maxWidth) => wrapSampleText(SAMPLE_PARAGRAPH, { maxWidth }))
  .slice(0, count);
const lines: LineImage[] = texts.map((t) => renderSampleLine(t));

const recognizer = await LineRecognizer.load({ device });
console.log(
  `device ${recognizer.device} threads ${recognizer.execution.threads}` +
    (recognizer.execution.cpuReason ? ` (CPU because: ${recognizer.execution.cpuReason})` : ''),
);
const widths = lines.map((l) => recognizer.inputWidth(l));
console.log(
  `${lines.length} lines, input width ${Math.min(...widths)}–${Math.max(...widths)} px at height ${recognizer.inputHeight}`,
);

// Warm-up: the first runs allocate the arena and pick kernels.
await recognizer.recognize(lines.slice(0, 2));
await recognizer.recognizeMany(lines.slice(0, 8));

async function time(run: () => Promise<Recognition[]>): Promise<{ sample: Sample; out: Recognition[] }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await run();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    sample: { linesPerSec: (lines.length * 1000) / ms, cpuMsPerLine: (cpu.user + cpu.system) / 1000 / lines.length },
    out,
  };
}

const unbatched = async (): Promise<Recognition[]> => {
  const out: Recognition[] = [];
  for (const l of lines) out.push(...(await recognizer.recognize([l])));
  return out;
};

/** 8 clients, each reading its share of the lines one at a time, as concurrent requests would. */
async function concurrent(submit: (l: LineImage) => Promise<Recognition>, clients = 8): Promise<Recognition[]> {
  const out = new Array<Recognition>(lines.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < lines.length) {
        const i = next++;
        out[i] = await submit(lines[i]);
      }
    }),
  );
  return out;
}

function batcher(maxBatch: number): DynamicBatcher<LineImage, Recognition> {
  return new DynamicBatcher<LineImage, Recognition>({
    run: (items) => recognizer.recognize(items),
    keyOf: (l) => recognizer.widthBucket(l),
    maxBatch,
    maxWaitMs: 5,
  });
}

const scenarios: Array<[string, () => Promise<Recognition[]>]> = [
  ['unbatched (batch 1, sequential)', unbatched],
  ['batched, max 2 (recognizeMany)', () => recognizer.recognizeMany(lines, { maxBatch: 2 })],
  ['batched, max 8 (recognizeMany)', () => recognizer.recognizeMany(lines, { maxBatch: 8 })],
  ['batched, max 16 (recognizeMany)', () => recognizer.recognizeMany(lines, { maxBatch: 16 })],
  ['one padded batch of all lines', () => recognizer.recognize(lines)],
  ['concurrency 8, no batcher', () => concurrent((l) => recognizer.recognize([l]).then((r) => r[0]))],
  [
    'concurrency 8, batcher max 8',
    () => {
      const b = batcher(8);
      return concurrent((l) => b.submit(l));
    },
  ],
  [
    'concurrency 8, batcher max 16',
    () => {
      const b = batcher(16);
      return concurrent((l) => b.submit(l));
    },
  ],
  [
    `concurrency 8, batcher max ${recognizer.suggestedMaxBatch} (suggested)`,
    () => {
      const b = batcher(recognizer.suggestedMaxBatch);
      return concurrent((l) => b.submit(l));
    },
  ],
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
let baseline = 0;
for (const [name, run] of scenarios) {
  const samples: Sample[] = [];
  let out: Recognition[] = [];
  for (let r = 0; r < repeats; r++) ({ sample: samples[r], out } = await time(run));
  const lps = median(samples.map((s) => s.linesPerSec));
  const cpu = median(samples.map((s) => s.cpuMsPerLine));
  if (baseline === 0) baseline = lps;
  const acc = aggregateAccuracy(
    texts.map((expected, i) => ({ expected, got: out[i].text })),
    { normalize: false },
  );
  console.log(
    `${name.padEnd(40)} ${lps.toFixed(2).padStart(7)} lines/s  ×${(lps / baseline).toFixed(2)}  ` +
      `cpu ${cpu.toFixed(0).padStart(4)} ms/line  acc ${(acc.accuracy * 100).toFixed(2)} %  ` +
      `runs ${samples.map((s) => s.linesPerSec.toFixed(1)).join(' ')}`,
  );
}
await recognizer.release();
