import { describe, expect, it } from 'vitest';
import { config, fixture, pngHeader, renderAll, sha256 } from './render-helpers.ts';
import { planPages, renderPages } from '../../gpu-runner/render/index.ts';

// Page counts of Glyph's own pipeline (reportlab → poppler) with DejaVu Sans and the en config.
describe('Glyph fidelity (glyph-en)', () => {
  it('input.txt: one page, cropped to 566 px high', async () => {
    const { pages } = await renderAll(fixture('glyph/input.txt'), config());
    expect(pages).toHaveLength(1);
    expect(Math.abs(pages[0]!.height - 566) / 566).toBeLessThanOrEqual(0.05);
  });

  it.each([
    ['glyph/case1.txt', 2],
    ['glyph/case2.txt', 16],
    ['texts/pride_and_prejudice.txt', 185],
  ])('%s: %i pages (within 5 %%)', async (file, glyphPages) => {
    const { pages } = await renderAll(fixture(file), config());
    expect(Math.abs(pages.length - glyphPages) / glyphPages).toBeLessThanOrEqual(0.05);
  });
});

describe('output', () => {
  it('is deterministic: the same text and config give byte-identical PNGs', async () => {
    const text = fixture('glyph/case1.txt');
    const a = await renderAll(text, config(), { output: 'png' });
    const b = await renderAll(text, config(), { output: 'png' });
    expect(a.pages.map((p) => sha256(p.png!))).toEqual(b.pages.map((p) => sha256(p.png!)));
  });

  it('matches the golden pixels of fixture pages', async () => {
    // Pixel hashes pinned from a reviewed render; a change in
    // layout or painting shows up here first. Regenerate only after looking at the new pages.
    const input = await renderAll(fixture('glyph/input.txt'), config());
    const case1 = await renderAll(fixture('glyph/case1.txt'), config());
    const zh = await renderAll(fixture('texts/vlm-rendering-notes-zh.txt'), config({}, 'glyph-zh'));
    expect({
      input: sha256(input.pages[0]!.raw!.data),
      case1p2: sha256(case1.pages[1]!.raw!.data),
      zh1: sha256(zh.pages[0]!.raw!.data),
    }).toMatchInlineSnapshot(`
      {
        "case1p2": "073925b2db7dfda5dad20c32ef9ce11640aa0d8797e3eff0c05ada6aee5e7d73",
        "input": "d13c07b0b2a573a9aa6bf667e781985a78fe8c26fe06f7c539a3760ea6966af9",
        "zh1": "240296b9bbdccdcb4bf89ed5657bce2d1bcbde55442399a111385a4c625a8397",
      }
    `);
  });

  it('writes 8-bit grayscale PNGs, RGB only when a color needs it', async () => {
    const gray = await renderAll('Hello, world.', config(), { output: 'both' });
    expect(pngHeader(gray.pages[0]!.png!)).toMatchObject({ bitDepth: 8, colorType: 0 });
    expect(pngHeader(gray.pages[0]!.png!)).toMatchObject({
      width: gray.pages[0]!.width,
      height: gray.pages[0]!.height,
    });
    const red = await renderAll('Hello, world.', config({ 'font-color': '#CC0000' }), { output: 'both' });
    expect(pngHeader(red.pages[0]!.png!)).toMatchObject({ bitDepth: 8, colorType: 2 });
    expect(red.pages[0]!.channels).toBe(3);
  });

  it('streams: the first page arrives before the rest of the text is laid out', async () => {
    const stream = renderPages(fixture('texts/pride_and_prejudice.txt'), config(), {
      output: 'png',
      encodeConcurrency: 2,
    });
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value.index).toBe(0);
    expect(stream.progress).toBeGreaterThan(0);
    expect(stream.progress).toBeLessThan(0.05);
    await it.return?.();
  });

  it('returns no page for text with nothing visible', async () => {
    expect((await renderAll('', config())).pages).toHaveLength(0);
    expect((await renderAll(' \n\t\n  \r\n', config())).pages).toHaveLength(0);
  });
});

describe('planPages', () => {
  it('gives the sizes and layout map of the render without painting', async () => {
    const text = fixture('glyph/case2.txt');
    const plan = planPages(text, config());
    const { pages } = await renderAll(text, config());
    expect(plan.pages.map(({ width, height, lines }) => ({ width, height, lines }))).toEqual(
      pages.map(({ width, height, lines }) => ({ width, height, lines })),
    );
  });
});

describe('page ranges', () => {
  it('paints only the pages asked for, identical to the full render', async () => {
    const text = fixture('glyph/case2.txt');
    const full = await renderAll(text, config());
    const part = await renderAll(text, config(), { output: 'raw', range: { first: 3, last: 5 } });
    expect(part.pages.map((p) => p.index)).toEqual([3, 4, 5]);
    expect(part.pages.map((p) => sha256(p.raw!.data))).toEqual(full.pages.slice(3, 6).map((p) => sha256(p.raw!.data)));
  });
});
