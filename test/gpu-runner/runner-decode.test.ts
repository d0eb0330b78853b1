/**
 * OCR read-back on a real runner: `POST /v1/decode` of the glyph-en pages of the English novel,
 * 200 lines sampled over the whole book, must read back at ≥ 99 % normalized character accuracy.
 * The raw figure and the worst lines are printed, so a regression shows what it misreads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DecodeResponse } from '../../protocol/runner-api.ts';
import { charAccuracy } from '../../gpu-runner/ocr/accuracy.ts';
import { ROOT, metric, signed, startRunner, type RunnerProcess } from './runner-harness.ts';

const novel = readFileSync(path.join(ROOT, 'test/fixtures/texts/pride_and_prejudice.txt'), 'utf8');
let runner: RunnerProcess;

beforeAll(async () => {
  runner = await startRunner();
});

afterAll(async () => {
  await runner?.stop();
});

it('reads back 200 sampled glyph-en lines of the novel at ≥ 99 % character accuracy', {
  timeout: 180_000,
}, async () => {
  const started = performance.now();
  const response = await signed(runner.url, '/v1/decode', { text: novel, preset: 'glyph-en', sample: 200 });
  const seconds = (performance.now() - started) / 1000;
  expect(response.status).toBe(200);
  const body = (await response.json()) as DecodeResponse;
  const worst = body.lines
    .map((l) => ({ ...l, acc: charAccuracy(l.expected, l.got, { normalize: true }) }))
    .sort((a, b) => a.acc - b.acc)
    .slice(0, 5);
  console.log(
    `decode: ${body.linesChecked} lines in ${seconds.toFixed(1)} s, charAccuracy ${(body.charAccuracy * 100).toFixed(2)} %, ` +
      `raw ${(body.charAccuracyRaw * 100).toFixed(2)} %\n` +
      worst
        .map((l) => `  p${l.page} l${l.line} ${(l.acc * 100).toFixed(1)} %\n    E ${l.expected}\n    G ${l.got}`)
        .join('\n'),
  );
  expect(body.linesChecked).toBe(200);
  expect(body.lines).toHaveLength(200);
  // Evenly spread: from the first pages to the last of the ~185.
  expect(body.lines[0]!.page).toBeLessThanOrEqual(2);
  expect(body.lines.at(-1)!.page).toBeGreaterThanOrEqual(180);
  expect(new Set(body.lines.map((l) => l.page)).size).toBeGreaterThan(150);
  expect(body.charAccuracyRaw).toBeLessThanOrEqual(body.charAccuracy);
  // Folding Chinese variants only forgives more: on English text it changes nothing.
  expect(body.charAccuracyVariantInsensitive).toBe(body.charAccuracy);
  expect(body.charAccuracy).toBeGreaterThanOrEqual(0.99);
  // Every sampled line went through the shared batcher exactly once (small batches on CPU,
  // where batching buys nothing; up to 16 on CUDA).
  expect(await metric(runner.url, 'glyph_ocr_lines_total')).toBe(200);
  expect(await metric(runner.url, 'glyph_ocr_batch_size_sum')).toBe(200);
});
