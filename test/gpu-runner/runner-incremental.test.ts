/**
 * Incremental renders on a real runner process over HTTP (issue 13): a 300-turn dialogue is
 * rendered, then the same dialogue plus one turn with `reusePlans` from the first manifest. The
 * runner must send only the pages after the ones the caller holds (≤ 2 here), byte-equal to the
 * same pages of a from-scratch render, report `pagesReused` and keep `pages`, `layout` and
 * `totals` whole; a wrong hash at page 3 repaints from page 3; `reusePlans` with a page range is
 * refused. Counts come from the runner's own `/metrics`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderManifest } from '../../protocol/runner-api.ts';
import { appendedText, transcriptOf } from '../../edge/conversations/transcript.ts';
import { conversationTurns, turnGenerator } from '../edge/conversations-turns.ts';
import { PNG_SIGNATURE, metric, readMultipart, signed, startRunner, type RunnerProcess } from './runner-harness.ts';

const turns = conversationTurns(300);
const before = transcriptOf(turns);
const after = before + appendedText(turns.length, [turnGenerator(301)('user')]);
// A dialogue is drawn as sent (no hard-wrapped prose to join).
const OPTIONS = { preset: 'glyph-en', reflow: 'off' } as const;

interface Rendered {
  status: number;
  cache: string | null;
  manifest: RenderManifest;
  /** PNG parts by page number. */
  pages: Map<number, Uint8Array>;
  /** Part names after the manifest, in order. */
  names: string[];
}

let runner: RunnerProcess;

async function render(body: Record<string, unknown>): Promise<Rendered> {
  const response = await signed(runner.url, '/v1/render', { ...OPTIONS, ...body });
  expect(response.status).toBe(200);
  const parts = await readMultipart(response);
  expect(parts[0]!.name).toBe('manifest');
  const manifest = JSON.parse(new TextDecoder().decode(parts[0]!.bytes)) as RenderManifest;
  const pageParts = parts.slice(1);
  for (const p of pageParts) {
    expect(p.mediaType).toBe('image/png');
    expect([...p.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  }
  return {
    status: response.status,
    cache: response.headers.get('x-glyph-cache'),
    manifest,
    pages: new Map(pageParts.map((p) => [Number(p.name!.slice('page-'.length)), p.bytes])),
    names: pageParts.map((p) => p.name!),
  };
}

const painted = () => metric(runner.url, 'glyph_pages_rendered_total');
const plansOf = (m: RenderManifest) => m.pages.map((p) => p.planSha256!);
const pageNames = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `page-${from + i}`);
/** The manifest without what only an incremental render sets. */
const whole = ({ pagesReused: _, ...rest }: RenderManifest) => rest;

beforeAll(async () => {
  runner = await startRunner();
}, 120_000);

afterAll(async () => {
  await runner?.stop();
});

describe('incremental renders over HTTP', () => {
  let first: Rendered;
  let incremental: Rendered;
  let wrongAtThree: Rendered;
  let paintedIncremental: number;
  let paintedWrong: number;

  it('every page of a manifest carries its plan hash', async () => {
    first = await render({ text: before });
    expect(first.manifest.pages.length).toBeGreaterThan(10);
    for (const p of first.manifest.pages) expect(p.planSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.manifest.pagesReused).toBeUndefined();
    expect(first.names).toEqual(pageNames(1, first.manifest.pages.length));
  }, 120_000);

  it('300 turns + 1 with reusePlans: ≤ 2 PNG parts, the rest reused, manifest whole', async () => {
    const count = await painted();
    incremental = await render({ text: after, reusePlans: plansOf(first.manifest) });
    paintedIncremental = (await painted()) - count;
    const n = incremental.manifest.pages.length;
    const k = incremental.manifest.pagesReused!;
    expect(incremental.cache).toBe('miss');
    expect(k).toBeGreaterThanOrEqual(n - 2);
    expect(incremental.names.length).toBeLessThanOrEqual(2);
    expect(incremental.names).toEqual(pageNames(k + 1, n));
    expect(paintedIncremental).toBe(n - k);
    expect(incremental.manifest.totals.pages).toBe(n);
    expect(new Set(incremental.manifest.layout.map((l) => l.page)).size).toBe(n);
    expect(plansOf(incremental.manifest).slice(0, k)).toEqual(plansOf(first.manifest).slice(0, k));
  }, 120_000);

  it('a wrong hash at page 3: painted from page 3', async () => {
    const plans = plansOf(first.manifest);
    plans[2] = 'f'.repeat(64);
    const count = await painted();
    wrongAtThree = await render({ text: after, reusePlans: plans });
    paintedWrong = (await painted()) - count;
    const n = wrongAtThree.manifest.pages.length;
    expect(wrongAtThree.manifest.pagesReused).toBe(2);
    expect(wrongAtThree.names).toEqual(pageNames(3, n));
    expect(paintedWrong).toBe(n - 2);
  }, 120_000);

  it('the sent PNGs are byte-equal to those pages of a from-scratch render, which the incremental ones did not cache', async () => {
    const scratch = await render({ text: after });
    // Incremental renders lack pages, so they wrote no cache entry: this is a new render.
    expect(scratch.cache).toBe('miss');
    expect(scratch.names).toEqual(pageNames(1, scratch.manifest.pages.length));
    expect(whole(incremental.manifest)).toEqual(scratch.manifest);
    expect(whole(wrongAtThree.manifest)).toEqual(scratch.manifest);
    for (const r of [incremental, wrongAtThree]) {
      for (const [n, png] of r.pages)
        expect(Buffer.from(png).equals(Buffer.from(scratch.pages.get(n)!)), `page ${n}`).toBe(true);
    }
    // Reused pages are the first render's bytes too.
    for (let n = 1; n <= incremental.manifest.pagesReused!; n++) {
      expect(Buffer.from(first.pages.get(n)!).equals(Buffer.from(scratch.pages.get(n)!)), `page ${n}`).toBe(true);
    }

    // Now cached: an incremental render from the hit sends the same parts and paints nothing.
    const count = await painted();
    const fromHit = await render({ text: after, reusePlans: plansOf(first.manifest) });
    expect(fromHit.cache).toBe('hit');
    expect(fromHit.manifest).toEqual(incremental.manifest);
    expect(fromHit.names).toEqual(incremental.names);
    for (const [n, png] of fromHit.pages)
      expect(Buffer.from(png).equals(Buffer.from(scratch.pages.get(n)!))).toBe(true);
    expect((await painted()) - count).toBe(0);
  }, 180_000);

  it('refuses reusePlans with a page range, and a malformed hash (400 invalid_request naming reusePlans)', async () => {
    for (const body of [
      { text: after, reusePlans: plansOf(first.manifest), firstPage: 2 },
      { text: after, reusePlans: plansOf(first.manifest), lastPage: 3 },
      { text: after, reusePlans: ['not-a-hash'] },
    ]) {
      const response = await signed(runner.url, '/v1/render', { ...OPTIONS, ...body });
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain('reusePlans');
    }
  });
});
