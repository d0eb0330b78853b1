import { createCanvas } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateAccuracy, charAccuracy } from '../../gpu-runner/ocr/accuracy.ts';
import { DynamicBatcher } from '../../gpu-runner/ocr/batcher.ts';
import {
  CPU_REQUESTED,
  CudaUnavailableError,
  chooseExecutionProviders,
  probeCuda,
  tryOpenSession,
} from '../../gpu-runner/ocr/execution.ts';
import { LineRecognizer, type LineImage, type Recognition } from '../../gpu-runner/ocr/recognizer.ts';
import {
  SAMPLE_FAMILIES,
  SAMPLE_PARAGRAPH,
  registerSampleFonts,
  renderSampleLine,
  wrapSampleText,
} from '../../gpu-runner/ocr/sample-line.ts';
import type { RawPage } from '../../gpu-runner/render/types.ts';

describe('execution providers', () => {
  it('opens the built-in probe model on CPU (so a CUDA probe failure is about CUDA)', async () => {
    expect(await tryOpenSession(['cpu'])).toBeUndefined();
  });

  it('gives CPU session options when asked for cpu', async () => {
    const c = await chooseExecutionProviders('cpu', { threads: 2 });
    expect(c.device).toBe('cpu');
    expect(c.executionProviders).toEqual(['cpu']);
    expect(c.sessionOptions).toMatchObject({
      intraOpNumThreads: 2,
      graphOptimizationLevel: 'all',
      executionProviders: ['cpu'],
    });
    expect(c.cpuReason).toBe(CPU_REQUESTED);
  });

  it('auto picks CUDA when it opens, else falls back to CPU and says why; cuda fails clearly', async () => {
    const failure = await probeCuda();
    const auto = await chooseExecutionProviders('auto', { threads: 1 });
    if (failure === undefined) {
      expect(auto.device).toBe('cuda');
      expect(auto.executionProviders[0]).toEqual({ name: 'cuda', deviceId: 0 });
      expect((await chooseExecutionProviders('cuda', { threads: 1 })).device).toBe('cuda');
    } else {
      expect(auto.device).toBe('cpu');
      expect(auto.fallbackReason).toBe(failure);
      // Exactly why: the provider's library is missing (where it was looked for), or its load error.
      expect(auto.cpuReason).toBe(`GLYPH_DEVICE=auto fell back to CPU: ${failure}`);
      expect(failure).toMatch(/not installed: no libonnxruntime_providers_cuda\.so in \S+|did not load: \S/);
      const err = await chooseExecutionProviders('cuda', { threads: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CudaUnavailableError);
      expect((err as CudaUnavailableError).code).toBe('cuda_unavailable');
      expect((err as Error).message).toMatch(
        /CUDA execution provider is unavailable: .+ONNXRUNTIME_NODE_INSTALL=cuda12/,
      );
    }
  });

  it('rejects an unknown device name', async () => {
    await expect(chooseExecutionProviders('tpu' as 'cpu')).rejects.toThrow(RangeError);
  });
});

describe('LineRecognizer (PP-OCRv4 rec)', () => {
  let rec: LineRecognizer;
  beforeAll(async () => {
    rec = await LineRecognizer.load({ device: 'auto' });
  });
  afterAll(async () => {
    await rec?.release();
  });

  const english = wrapSampleText(SAMPLE_PARAGRAPH, { maxWidth: 400 }).slice(0, 10);

  it('loads with the model geometry and reports its device', () => {
    expect(['cpu', 'cuda']).toContain(rec.device);
    expect(rec.inputHeight).toBe(48);
    // Batching costs more per line on CPU (see suggestedMaxBatch); on a GPU it is the point.
    expect(rec.suggestedMaxBatch).toBe(rec.device === 'cuda' ? 16 : 2);
  });

  it('reads 9 px DejaVu Sans English lines at ≥ 95 % character accuracy', async () => {
    expect(english[0]).toMatch(/^It is a truth universally acknowledged, that a single man in possession/);
    const out = await rec.recognizeMany(english.map((t) => renderSampleLine(t)));
    const perLine = english.map((t, i) => charAccuracy(t, out[i].text, { normalize: false }));
    const mean = perLine.reduce((a, b) => a + b, 0) / perLine.length;
    expect(mean).toBeGreaterThanOrEqual(0.95);
    expect(
      aggregateAccuracy(
        english.map((t, i) => ({ expected: t, got: out[i].text })),
        { normalize: true },
      ).accuracy,
    ).toBeGreaterThanOrEqual(0.95);
    for (const r of out) expect(r.confidence).toBeGreaterThan(0.5);
  });

  it('reads a line drawn straight onto a 400×12 canvas whose box is the whole canvas', async () => {
    registerSampleFonts();
    const text = 'It is a truth universally acknowledged, that a single man in possession';
    const canvas = createCanvas(400, 12);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 400, 12);
    ctx.fillStyle = '#000';
    ctx.font = `9px "${SAMPLE_FAMILIES.latin}"`;
    ctx.fillText(text, 2, 9);
    const rgba = canvas.data();
    const data = new Uint8Array(400 * 12);
    for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4]; // the R channel
    const page: RawPage = { width: 400, height: 12, channels: 1, data };
    const [r] = await rec.recognize([{ page, box: { x: 0, y: 0, width: 400, height: 12 } }]);
    expect(charAccuracy(text, r.text, { normalize: true })).toBeGreaterThanOrEqual(0.95);
  });

  it('reads RGB pages like gray ones', async () => {
    const text = english[1];
    const [gray, rgb] = await rec.recognize([renderSampleLine(text), renderSampleLine(text, { channels: 3 })]);
    expect(rgb.text).toBe(gray.text);
  });

  it('returns results in input order for one mixed-width batch and for recognizeMany', async () => {
    const texts = ['Short line.', english[2], 'Mid-length line of text here.', english[3]];
    const lines = texts.map((t) => renderSampleLine(t));
    const one = await rec.recognize(lines);
    const many = await rec.recognizeMany(lines, { maxBatch: 2, widthTolerance: 0.25 });
    for (const out of [one, many]) {
      texts.forEach((t, i) => expect(charAccuracy(t, out[i].text, { normalize: true })).toBeGreaterThanOrEqual(0.9));
    }
    expect(await rec.recognize([])).toEqual([]);
    expect(await rec.recognizeMany([])).toEqual([]);
  });

  it('reads an empty line as empty', async () => {
    const [r] = await rec.recognize([renderSampleLine(' ')]);
    expect(r.text).toBe('');
    expect(r.confidence).toBeGreaterThan(0.5);
  });

  it('reads a 9 px Noto Sans SC Chinese line', async () => {
    const zh = ['北京是中华人民共和国的首都，也是全国的政治文化中心。', '今天天气很好，我们一起去公园散步吧！'];
    const out = await rec.recognize(zh.map((t) => renderSampleLine(t, { family: `"${SAMPLE_FAMILIES.cjk}"` })));
    // Measured 100 % at 9 px; the bound leaves room for other builds of the font or runtime.
    zh.forEach((t, i) => expect(charAccuracy(t, out[i].text, { normalize: true })).toBeGreaterThanOrEqual(0.9));
  });

  it('gives width buckets that separate lines more than ~25 % apart', () => {
    const short = renderSampleLine(english[0].slice(0, 30));
    const long = renderSampleLine(english[0]);
    expect(rec.widthBucket(long)).not.toBe(rec.widthBucket(short));
    expect(rec.widthBucket(long)).toBe(rec.widthBucket(renderSampleLine(english[0].slice(0, -2))));
  });

  it('serves concurrent callers through the DynamicBatcher', async () => {
    const batcher = new DynamicBatcher<LineImage, Recognition>({
      run: (items) => rec.recognize(items),
      keyOf: (l) => rec.widthBucket(l),
      maxBatch: 4,
      maxWaitMs: 5,
    });
    const texts = english.slice(0, 6);
    const out = await Promise.all(texts.map((t) => batcher.submit(renderSampleLine(t))));
    texts.forEach((t, i) => expect(charAccuracy(t, out[i].text, { normalize: true })).toBeGreaterThanOrEqual(0.9));
    expect(batcher.stats().items).toBe(6);
    expect(batcher.stats().batches).toBeLessThan(6);
  });
});
