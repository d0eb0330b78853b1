/**
 * Read-back of a text rendered with a preset: renders it, reads an even sample of its lines with
 * the OCR recognizer and prints the strict, raw and variant-insensitive character accuracy, the
 * missing-glyph count, and the lines that read worst (to see what kind of error dominates).
 *
 *   npx tsx gpu-runner/ocr/measure-readback.ts FILE [--preset glyph-zh] [--font-size 9]
 *     [--sample 200] [--cjk-only] [--worst 8] [--json]
 *
 * `--font-size N` also sets `line-height` to N + 1 (the presets' ratio). `--cjk-only` samples only
 * lines with at least one Han character (skips a Gutenberg licence in English, for example).
 * CPU-heavy (~60 ms a line on 2 threads): run it under the shared heavy lock on a shared box.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveRenderConfig } from '../../protocol/render-config.ts';
import { expectedLineText } from '../decode/expected-text.ts';
import { planPages, renderPages, type LayoutLine } from '../render/index.ts';
import { aggregateAccuracy, scoreLine } from './accuracy.ts';
import { LineRecognizer, type LineImage } from './recognizer.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    preset: { type: 'string', default: 'glyph-zh' },
    'font-size': { type: 'string' },
    sample: { type: 'string', default: '200' },
    'cjk-only': { type: 'boolean', default: false },
    worst: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});
const file = positionals[0];
if (!file) throw new Error('usage: measure-readback.ts FILE [--preset P] [--font-size N] [--sample N] [--cjk-only]');
const text = readFileSync(file, 'utf8');
const size = values['font-size'] === undefined ? undefined : Number(values['font-size']);
const config = resolveRenderConfig({
  preset: values.preset,
  config: size === undefined ? {} : { 'font-size': size, 'line-height': size + 1 },
});

const plan = planPages(text, config);
const HAN = /\p{Script=Han}/u;
const candidates = plan.pages
  .flatMap((p) => p.lines)
  .filter((l) => expectedLineText(text, l.start, l.end, config).trim() !== '')
  .filter((l) => !values['cjk-only'] || HAN.test(text.slice(l.start, l.end)));
const want = Math.min(candidates.length, Number(values.sample));
const sampled = Array.from({ length: want }, (_, i) => candidates[Math.floor(((i + 0.5) * candidates.length) / want)]!);

const byPage = new Map<number, LayoutLine[]>();
for (const l of sampled) byPage.set(l.page, [...(byPage.get(l.page) ?? []), l]);
const images: LineImage[] = [];
const order: LayoutLine[] = [];
const first = sampled[0]!.page;
const last = sampled[sampled.length - 1]!.page;
for await (const page of renderPages(text, config, { output: 'raw', range: { first, last } })) {
  for (const l of byPage.get(page.index) ?? []) {
    images.push({ page: page.raw!, box: l.box });
    order.push(l);
  }
}

const recognizer = await LineRecognizer.load({ device: 'cpu' });
const t0 = performance.now();
const reads = await recognizer.recognizeMany(images);
const ms = performance.now() - t0;
await recognizer.release();

const pairs = order.map((l, i) => ({ expected: expectedLineText(text, l.start, l.end, config), got: reads[i]!.text }));
const strict = aggregateAccuracy(pairs, { normalize: true });
const raw = aggregateAccuracy(pairs, { normalize: false });
const folded = aggregateAccuracy(pairs, { normalize: true, foldVariants: true });
const summary = {
  file,
  preset: values.preset,
  fontSize: config['font-size'],
  pages: plan.pages.length,
  missingGlyphs: plan.missingGlyphs,
  linesChecked: pairs.length,
  charAccuracy: strict.accuracy,
  charAccuracyRaw: raw.accuracy,
  charAccuracyVariantInsensitive: folded.accuracy,
  msPerLine: ms / pairs.length,
};
if (values.json) console.log(JSON.stringify(summary));
else {
  console.log(
    `${file} ${values.preset} ${config['font-size']} pt: ${plan.pages.length} pages, ${plan.missingGlyphs.count} missing glyphs` +
      ` ${plan.missingGlyphs.codePoints.join(' ')}`,
  );
  console.log(
    `${pairs.length} lines: strict ${pct(strict.accuracy)}  raw ${pct(raw.accuracy)}  variant-insensitive ${pct(folded.accuracy)}` +
      `  (${summary.msPerLine.toFixed(0)} ms a line)`,
  );
  const worst = pairs
    .map((p, i) => ({ ...p, i, score: scoreLine(p.expected, p.got, { normalize: true, foldVariants: true }) }))
    .sort((a, b) => b.score.distance - a.score.distance)
    .slice(0, Number(values.worst));
  for (const w of worst) console.log(`  d=${w.score.distance}\n    expected ${w.expected}\n    got      ${w.got}`);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}
