/**
 * The fit search with the real OCR recognizer on a small case (three candidates, a few lines a
 * read): it takes the densest setting that meets the floor, and FitSearches runs it once —
 * counted by the reads the recognizer is asked for — sharing a running search, keeping the
 * result in memory and under its directory.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFittedPage, modelView } from '../../protocol/profiles.ts';
import { pageSizePoints } from '../../protocol/render-config.ts';
import {
  FitSearches,
  candidateReadback,
  confidentReadback,
  fittedConfig,
  resolveAutoConfig,
  scriptOf,
  searchFit,
  settingFor,
  type LineReader,
} from '../../gpu-runner/fit/index.ts';
import { LineRecognizer, type LineImage } from '../../gpu-runner/ocr/recognizer.ts';
import { planPages } from '../../gpu-runner/render/index.ts';

const SMALL = [6, 9, 12].map(settingFor);
let recognizer: LineRecognizer;
let reads = 0;
const read: LineReader = async (lines: LineImage[]) => {
  reads++;
  return (await recognizer.recognizeMany(lines)).map((r) => r.text);
};

beforeAll(async () => {
  recognizer = await LineRecognizer.load({ device: 'cpu' });
}, 60_000);
afterAll(async () => {
  await recognizer?.release();
});

describe('fit search', () => {
  it('takes the densest candidate whose read-back at the model resolution meets the floor', async () => {
    const r = await searchFit({
      profile: 'glm-4.1v',
      script: 'latin',
      family: 'DejaVu Sans',
      floor: 0.99,
      read,
      candidates: SMALL,
      sampleLines: 6,
    });
    expect(r.floorMet).toBe(true);
    expect(r.readback).toBeGreaterThanOrEqual(0.99);
    expect(r.resizedDown).toBe(false);
    // Every denser candidate it read fell short (with the sampling margin): nothing denser met the floor.
    expect(confidentReadback({ readback: r.readback, chars: 1000 })).toBeLessThan(r.readback);
    for (const m of r.measured) if (m.fontSize < r.fontSize) expect(m.readback - 0.01).toBeLessThan(0.99);
    expect(r.measured.map((m) => m.fontSize)).toContain(r.fontSize);
    expect(r.lineHeight).toBeCloseTo((r.fontSize * 10) / 9, 2);
  }, 120_000);

  it('says so when no candidate reaches the floor, and takes the densest of the best read', async () => {
    const blind: LineReader = async (lines) => lines.map(() => '');
    const r = await searchFit({
      profile: 'glm-4.1v',
      script: 'latin',
      family: 'DejaVu Sans',
      floor: 0.99,
      read: blind,
      candidates: SMALL,
      sampleLines: 2,
    });
    expect(r.floorMet).toBe(false);
    expect(r.readback).toBe(0);
    expect(r.fontSize).toBe(Math.min(...r.measured.map((m) => m.fontSize)));
  });

  it('runs once per key: a second ask, a concurrent ask and a new instance on the same directory read nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glyph-fit-'));
    try {
      const options = { read, dir, candidates: () => SMALL, sampleLines: 4 };
      const fits = new FitSearches(options);
      const query = { profile: 'qwen3-vl', script: 'latin', family: 'DejaVu Sans', floor: 0.98 } as const;
      reads = 0;
      const [a, b] = await Promise.all([fits.get(query), fits.get(query)]);
      const first = reads;
      expect(first).toBeGreaterThan(0);
      expect(fits.searchesRun).toBe(1);
      expect(b).toEqual(a);
      expect(await fits.get(query)).toEqual(a);
      expect(reads).toBe(first);
      expect(readdirSync(join(dir, 'fit'))).toHaveLength(1);

      const restarted = new FitSearches(options);
      expect(await restarted.get(query)).toEqual(a);
      expect(restarted.searchesRun).toBe(0);
      expect(reads).toBe(first);

      // GLM-4.1V and Qwen2.5-VL read the same page at the same size: one search serves both.
      await fits.get({ ...query, profile: 'glm-4.1v' });
      const afterGlm = reads;
      const qwen25 = await fits.get({ ...query, profile: 'qwen2.5-vl' });
      expect(reads).toBe(afterGlm);
      expect(qwen25.profile).toBe('qwen2.5-vl');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('auto resolves a fitted page the model does not resize, with explicit keys winning', async () => {
    const fits = new FitSearches({ read, candidates: () => SMALL, sampleLines: 4 });
    const text =
      'It is a truth universally acknowledged, that a single man in possession of a good fortune must be in want of a wife. '.repeat(
        200,
      );
    for (const profile of ['gpt-4o', 'claude'] as const) {
      const { config, fit } = await resolveAutoConfig({ profile, text, readbackFloor: 0.98, searches: fits });
      expect(fit).toMatchObject({ profile, script: 'latin', floor: 0.98, resizedDown: false });
      const [w, h] = pageSizePoints(config);
      expect(isFittedPage(profile, w, h)).toBe(true);
      // Every page drawn, the cropped last one included, is fitted and not shrunk by the model.
      for (const page of planPages(text, config).pages) {
        expect(isFittedPage(profile, page.width, page.height), `${profile} ${page.width}x${page.height}`).toBe(true);
        expect(modelView(profile, page.width, page.height)?.resizedDown).toBe(false);
      }
    }
    const { config } = await resolveAutoConfig({
      profile: 'gpt-4o',
      text,
      override: { 'font-size': 11, alignment: 'JUSTIFY' },
      searches: fits,
    });
    expect(config['font-size']).toBe(11);
    expect(config.alignment).toBe('JUSTIFY');
    await expect(
      resolveAutoConfig({ profile: 'gpt-4o', text, override: { 'font-sise': 1 }, searches: fits }),
    ).rejects.toThrow(/font-sise/);
  }, 180_000);
});

describe('read-back at the model resolution', () => {
  it('reads a page the model shrinks (Glyph A4 page, 595 → 588 px wide for GLM-4.1V) as the model sees it, and says it was shrunk', async () => {
    const config = { ...fittedConfig('glm-4.1v', settingFor(9), 'DejaVu Sans'), 'page-size': '595,842' };
    delete config['auto-crop-snap'];
    const r = await candidateReadback({ config, profile: 'glm-4.1v', script: 'latin', read, sampleLines: 4 });
    expect(r.resizedDown).toBe(true);
    expect(r.chars).toBeGreaterThan(200);
    expect(r.readback).toBeGreaterThan(0.9);
  }, 60_000);
});

describe('script detection', () => {
  it('is CJK when a fair share of the visible characters are Han, else Latin', () => {
    expect(scriptOf('子曰：學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？')).toBe('cjk');
    expect(scriptOf('Glyph 把长文本渲染成图像，让视觉语言模型阅读 pages instead of tokens。')).toBe('cjk');
    expect(scriptOf('Confucius (孔子) said that learning is a pleasure when it is practised.')).toBe('latin');
    expect(scriptOf('    \n\n')).toBe('latin');
  });
});
