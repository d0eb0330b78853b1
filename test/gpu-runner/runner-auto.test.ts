/**
 * Preset `auto`, reflow and the profile's own tokenizer on a real runner over HTTP: auto's pages
 * are fitted to the profile and not resized down by its model; reflow on/off/auto in the render
 * route, with the layout map pointing into the text sent; gpt-4o's text tokens are the o200k
 * count of that text; a 47-character text is not worth pages for gpt-4o; decode of a reflowed
 * auto render reads back the text drawn.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFittedPage, modelView } from '../../protocol/profiles.ts';
import {
  MANIFEST_PART,
  renderManifestSchema,
  type DecodeResponse,
  type RenderManifest,
} from '../../protocol/runner-api.ts';
import { ROOT, readMultipart, signed, startRunner, type RunnerProcess } from './runner-harness.ts';

const novel = readFileSync(path.join(ROOT, 'test/fixtures/texts/pride_and_prejudice.txt'), 'utf8').replace(
  /\r\n/g,
  '\n',
);
/** Chapters I–III: hard-wrapped at 70 columns, blank lines between paragraphs. */
const chapters = novel.split('\n').slice(695, 1100).join('\n');
let runner: RunnerProcess;

beforeAll(async () => {
  runner = await startRunner();
}, 90_000);
afterAll(async () => {
  await runner?.stop();
});

async function render(
  body: Record<string, unknown>,
): Promise<{ manifest: RenderManifest; cache: string | null; pages: number }> {
  const response = await signed(runner.url, '/v1/render', body);
  if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`);
  const parts = await readMultipart(response);
  expect(parts[0]!.name).toBe(MANIFEST_PART);
  const manifest = renderManifestSchema.parse(JSON.parse(new TextDecoder().decode(parts[0]!.bytes)));
  return { manifest, cache: response.headers.get('x-glyph-cache'), pages: parts.length - 1 };
}

/** The layout ranges, in order, cover every visible character of `text` once and never cut into one another. */
function expectCoversSource(manifest: RenderManifest, text: string): void {
  let last = 0;
  const covered = new Uint8Array(text.length);
  for (const l of manifest.layout) {
    expect(l.start).toBeGreaterThanOrEqual(last);
    expect(l.end).toBeGreaterThanOrEqual(l.start);
    covered.fill(1, l.start, l.end);
    last = l.end;
  }
  const missed = [...text].filter((c, i) => !/\s/.test(c) && !covered[i]).length;
  expect(missed).toBe(0);
}

describe('preset auto on the runner', () => {
  it('fits gpt-4o pages (fitted, not resized down), reflows, counts o200k tokens and returns the resolved config', async () => {
    const { manifest, pages } = await render({ text: chapters, preset: 'auto', profile: 'gpt-4o', reflow: 'auto' });
    expect(manifest.fit).toMatchObject({
      profile: 'gpt-4o',
      script: 'latin',
      floor: 0.99,
      floorMet: true,
      resizedDown: false,
    });
    expect(manifest.fit!.readback).toBeGreaterThanOrEqual(0.99);
    expect(manifest.config).toMatchObject({
      'page-size': '512,1536',
      dpi: 72,
      'auto-crop-snap': 512,
      'font-size': manifest.fit!.fontSize,
    });
    expect(manifest.reflowed).toBe(true);
    expect(manifest.textTokenizer).toEqual({ family: 'o200k', estimate: false });
    expect(manifest.totals.textTokens).toBe(encode(chapters).length);
    expect(manifest.worthIt).toBe(true);
    expect(pages).toBe(manifest.pages.length);
    for (const p of manifest.pages) {
      expect(isFittedPage('gpt-4o', p.width, p.height), `${p.width}x${p.height}`).toBe(true);
      expect(modelView('gpt-4o', p.width, p.height)!.resizedDown).toBe(false);
    }
    expectCoversSource(manifest, chapters);

    // The resolved config asks for the same pages again (another cache key: no auto, but same pixels).
    const again = await render({ text: chapters, config: manifest.config, profile: 'gpt-4o', reflow: 'auto' });
    expect(again.manifest.pages).toEqual(manifest.pages);
    expect(again.manifest.configHash).toBe(manifest.configHash);

    // auto {profile, readbackFloor} is the same preset; a second ask is a cache hit.
    const viaAuto = await render({ text: chapters, auto: { profile: 'gpt-4o' }, reflow: 'auto' });
    expect(viaAuto.cache).toBe('hit');
    expect(viaAuto.manifest.configHash).toBe(manifest.configHash);
  }, 240_000);

  it('reflow on, off and auto: other renders, and the layout map points at the lines sent', async () => {
    const off = await render({ text: chapters, preset: 'glyph-en', reflow: 'off' });
    const auto = await render({ text: chapters, preset: 'glyph-en', reflow: 'auto' });
    const absent = await render({ text: chapters, preset: 'glyph-en' });
    const on = await render({ text: chapters, preset: 'glyph-en', reflow: 'on' });
    expect(off.manifest.reflowed).toBe(false);
    // A runner request without reflow is drawn as sent (the edge names the mode it resolved).
    expect(absent.manifest.reflowed).toBe(false);
    expect(absent.cache).toBe('hit');
    expect(auto.manifest.reflowed).toBe(true);
    expect(on.manifest.reflowed).toBe(true);
    expect(auto.cache).toBe('miss');
    expect(on.cache).toBe('miss');
    // Joined lines fill the page: fewer rows, fewer pages.
    expect(auto.manifest.layout.length).toBeLessThan(off.manifest.layout.length * 0.75);
    expect(auto.manifest.totals.pages).toBeLessThan(off.manifest.totals.pages);
    // Same text sent, same tokens, whatever is drawn.
    expect(auto.manifest.totals.textTokens).toBe(off.manifest.totals.textTokens);
    for (const r of [off, auto, on]) expectCoversSource(r.manifest, chapters);
    // Off: each drawn line is one source line. Auto: a drawn line spans source lines, and its range
    // starts and ends on words of the text sent.
    for (const l of off.manifest.layout) expect(chapters.slice(l.start, l.end)).not.toContain('\n');
    const spanning = auto.manifest.layout.filter((l) => chapters.slice(l.start, l.end).includes('\n'));
    expect(spanning.length).toBeGreaterThan(auto.manifest.layout.length / 2);
    for (const l of auto.manifest.layout) {
      const s = chapters.slice(l.start, l.end);
      expect(s.trim().length).toBeGreaterThan(0);
      // The first character drawn begins a word of the text sent (or follows a hyphen or dash).
      const first = l.start + (s.length - s.trimStart().length);
      expect(first === 0 || /[\s\-—]/.test(chapters[first - 1]!), JSON.stringify(s.slice(0, 30))).toBe(true);
    }
  }, 120_000);

  it('says a 47-character text is not worth pages for gpt-4o', async () => {
    const text = 'Send the pages only when they cost less, ok?!!!';
    expect(text).toHaveLength(47);
    const { manifest } = await render({ text, preset: 'glyph-en', profile: 'gpt-4o' });
    expect(manifest.textTokenizer.family).toBe('o200k');
    expect(manifest.totals.textTokens).toBe(encode(text).length);
    expect(manifest.totals.visualTokens).toBeGreaterThan(manifest.totals.textTokens);
    expect(manifest.worthIt).toBe(false);
  }, 60_000);

  it('decodes a reflowed auto render against the text drawn', async () => {
    const response = await signed(runner.url, '/v1/decode', {
      text: chapters,
      preset: 'auto',
      profile: 'gpt-4o',
      reflow: 'auto',
      sample: 12,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as DecodeResponse;
    expect(body.linesChecked).toBe(12);
    // Joined lines are compared with the joined text: a wrong reference would cost far more.
    expect(body.charAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(body.lines.some((l) => l.expected.length > 75)).toBe(true);
  }, 180_000);

  it('refuses auto with another preset, and a floor out of range', async () => {
    const both = await signed(runner.url, '/v1/render', {
      text: 'x y',
      preset: 'glyph-en',
      auto: { profile: 'gpt-4o' },
    });
    expect(both.status).toBe(400);
    const floor = await signed(runner.url, '/v1/render', {
      text: 'x y',
      auto: { profile: 'gpt-4o', readbackFloor: 0.2 },
    });
    expect(floor.status).toBe(400);
    expect(await floor.text()).toContain('readbackFloor');
  });
});

describe('fit warm-up at start', () => {
  it('/readyz is ready at once and says the fit searches are warming; a render meanwhile is served', async () => {
    const warming = await startRunner({ GLYPH_FIT_WARM: 'on' });
    try {
      const response = await signed(warming.url, '/readyz');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ ready: true, fit: 'warming' });
      const render = await signed(warming.url, '/v1/render', {
        text: 'Pages while the searches warm.',
        preset: 'glyph-en',
      });
      expect(render.status).toBe(200);
      await render.arrayBuffer();
    } finally {
      await warming.stop();
    }
    const idle = await signed(runner.url, '/readyz');
    expect(await idle.json()).toMatchObject({ fit: 'ready' });
  }, 120_000);
});
