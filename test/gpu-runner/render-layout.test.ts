import { describe, expect, it } from 'vitest';
import { layoutPages, pageGeometry, type PageLayout } from '../../gpu-runner/render/index.ts';
import type { RenderConfig } from '../../protocol/render-config.ts';
import { config, inkExtent, renderAll, sha256 } from './render-helpers.ts';

const pagesOf = (text: string, cfg: RenderConfig = config()): PageLayout[] => [...layoutPages(text, cfg)];
const linesOf = (text: string, cfg?: RenderConfig) => pagesOf(text, cfg).flatMap((p) => p.lines);
const textOf = (line: { glyphs: Array<{ cp: number }> }) => String.fromCodePoint(...line.glyphs.map((g) => g.cp));
const rightOf = (line: { x: number; glyphs: Array<{ x: number; advance: number }> }) => {
  const g = line.glyphs[line.glyphs.length - 1]!;
  return line.x + g.x + g.advance;
};
const geo = pageGeometry(config());
const frameRight = geo.frameLeft + geo.frameWidth;
const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 7}x`).join(' ');

describe('line breaking', () => {
  it('wraps at spaces and keeps every line inside the frame', () => {
    const lines = linesOf(words(400));
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) {
      expect(rightOf(l)).toBeLessThanOrEqual(frameRight + 1e-6);
      expect(textOf(l)).not.toMatch(/^ | $/);
    }
  });

  it('breaks a word longer than a line between its characters', () => {
    const lines = linesOf('x'.repeat(1000));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.map(textOf).join('')).toBe('x'.repeat(1000));
    for (const l of lines) expect(rightOf(l)).toBeLessThanOrEqual(frameRight + 1e-6);
  });

  it('a tab split by a line break inside a long word belongs to the line it starts on', () => {
    // Some prefix length puts the break between the tab's four spaces; the map must not overlap.
    let split = 0;
    for (let n = 100; n < 140; n++) {
      const text = `${'x'.repeat(n)}\t${'y'.repeat(200)}`;
      const lines = linesOf(text);
      for (let k = 1; k < lines.length; k++) {
        expect(lines[k]!.start).toBeGreaterThanOrEqual(lines[k - 1]!.end);
        if (lines[k - 1]!.end === n + 1 && lines[k]!.glyphs[0]!.cp === 0xa0) split++;
      }
    }
    expect(split).toBeGreaterThan(0);
  });

  it('keeps runs of spaces (as no-break spaces) and expands tabs to four', () => {
    const [two] = linesOf('a  b');
    const [tab] = linesOf('a\tb');
    const [one] = linesOf('a b');
    expect(textOf(two!)).toBe('a\u00a0\u00a0b');
    expect(textOf(tab!)).toBe('a\u00a0\u00a0\u00a0\u00a0b');
    expect(textOf(one!)).toBe('ab');
    const space = one!.glyphs[1]!.x - one!.glyphs[0]!.advance;
    expect(two!.glyphs[3]!.x - two!.glyphs[0]!.advance).toBeCloseTo(2 * space, 5);
    expect(tab!.glyphs[5]!.x - tab!.glyphs[0]!.advance).toBeCloseTo(4 * space, 5);
    const [indented] = linesOf('    indented');
    expect(indented!.glyphs.slice(0, 4).every((g) => g.cp === 0xa0)).toBe(true);
  });

  it('drops soft hyphens and zero-width spaces, and normalizes CRLF and CR', async () => {
    const plain = await renderAll('cooperate\nnext line\n', config());
    const marked = await renderAll('co\u00adoper\u200bate\r\nnext line\r', config());
    expect(sha256(marked.pages[0]!.raw!.data)).toBe(sha256(plain.pages[0]!.raw!.data));
  });

  it('breaks CJK text between characters but never before closing punctuation', () => {
    const zh = config({ 'page-size': '120,400' }, 'glyph-zh');
    const text =
      '我们在这里，测试中文的断行规则。这是一个很长的句子，包括（括号）和“引号”，还有English words混排。'.repeat(6);
    const lines = linesOf(text, zh);
    expect(lines.length).toBeGreaterThan(6);
    for (const l of lines) {
      expect(textOf(l)).not.toMatch(/^[，。）”、：；！？]/);
      expect(textOf(l)).not.toMatch(/[（“]$/);
    }
    // Latin words inside Chinese text stay whole.
    expect(lines.some((l) => textOf(l).includes('English'))).toBe(true);
  });
});

describe('newline markup', () => {
  it('<br/> ends the line at each newline; blank lines keep their row', () => {
    const lines = linesOf('first\nsecond\n\nfourth');
    expect(lines.map(textOf)).toEqual(['first', 'second', 'fourth']);
    expect(lines.map((l) => l.row)).toEqual([0, 1, 3]);
  });

  it('the red " \\n " marker is drawn inline and the paragraph flows on', async () => {
    const cfg = config({ 'newline-markup': '<font color="#FF0000"> \\n </font>' });
    const lines = linesOf('first\nsecond', cfg);
    expect(lines).toHaveLength(1);
    expect(textOf(lines[0]!)).toBe('first\\nsecond');
    expect(lines[0]!.glyphs.filter((g) => g.marker).map((g) => String.fromCodePoint(g.cp))).toEqual(['\\', 'n']);
    const { pages } = await renderAll('first\nsecond', cfg);
    const { data } = pages[0]!.raw!;
    let red = 0;
    for (let i = 0; i < data.length; i += 3) if (data[i]! - data[i + 1]! > 60 && data[i + 1] === data[i + 2]) red++;
    expect(pages[0]!.channels).toBe(3);
    expect(red).toBeGreaterThan(5);
  });
});

describe('alignment, indents and spacing', () => {
  const para = words(120);
  it('RIGHT and CENTER place lines against the right edge and in the middle', () => {
    for (const l of linesOf(para, config({ alignment: 'RIGHT' }))) expect(rightOf(l)).toBeCloseTo(frameRight, 5);
    for (const l of linesOf(para, config({ alignment: 'CENTER' }))) {
      const left = l.x + l.glyphs[0]!.x - geo.frameLeft;
      expect(left).toBeCloseTo(frameRight - rightOf(l), 5);
    }
  });

  it('JUSTIFY stretches wrapped lines to the edge and leaves the last one ragged', () => {
    const lines = linesOf(para, config({ alignment: 'JUSTIFY' }));
    for (const l of lines.slice(0, -1)) expect(rightOf(l)).toBeCloseTo(frameRight, 5);
    expect(rightOf(lines.at(-1)!)).toBeLessThan(frameRight - 5);
  });

  it('first-line and left/right indents move and narrow the text', () => {
    const plain = linesOf(para);
    const indented = linesOf(para, config({ 'first-line-indent': 20, 'left-indent': 10, 'right-indent': 30 }));
    expect(indented[0]!.x).toBeCloseTo(plain[0]!.x + 30, 5);
    expect(indented[1]!.x).toBeCloseTo(plain[1]!.x + 10, 5);
    for (const l of indented) expect(rightOf(l)).toBeLessThanOrEqual(frameRight - 30 + 1e-6);
  });

  it("space-before and space-after separate Glyph's 30-line paragraphs (not at a page top)", () => {
    const text = Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n');
    const plain = linesOf(text);
    const spaced = linesOf(text, config({ 'space-before': 4, 'space-after': 6 }));
    expect(spaced[0]!.baseline).toBe(plain[0]!.baseline);
    expect(spaced[29]!.baseline).toBe(plain[29]!.baseline);
    expect(spaced[30]!.baseline - plain[30]!.baseline).toBe(10);
  });
});

describe('page geometry and colors', () => {
  it('without auto-crop a page is the full page size; horizontal-scale narrows it', async () => {
    const full = await renderAll('Hello', config({ 'auto-crop-width': false, 'auto-crop-last-page': false }));
    expect([full.pages[0]!.width, full.pages[0]!.height]).toEqual([595, 842]);
    const half = await renderAll(
      'Hello',
      config({ 'auto-crop-width': false, 'auto-crop-last-page': false, 'horizontal-scale': 0.5 }),
    );
    expect(half.pages[0]!.width).toBe(297);
    const a = inkExtent(full.pages[0]!);
    const b = inkExtent(half.pages[0]!);
    expect(b.x1 - b.x0).toBeLessThan((a.x1 - a.x0) * 0.7);
  });

  it("auto-crop keeps margin-x right of the ink and margin-y below the last page's ink", async () => {
    const { pages } = await renderAll('Hello world', config());
    const ink = inkExtent(pages[0]!);
    expect(pages[0]!.width).toBe(ink.x1 + 1 + 10);
    expect(pages[0]!.height).toBe(ink.y1 + 10);
  });

  it('paints paragraph background and border in their colors', async () => {
    const cfg = config({
      'para-bg-color': '#EEEEEE',
      'border-width': 1,
      'para-border-color': '#0000FF',
      'border-padding': 2,
    });
    const { pages } = await renderAll('Hello world\nsecond line', cfg);
    const raw = pages[0]!.raw!;
    expect(raw.channels).toBe(3);
    const px = (x: number, y: number) => [...raw.data.subarray((y * raw.width + x) * 3, (y * raw.width + x) * 3 + 3)];
    expect(px(0, 0)).toEqual([255, 255, 255]);
    expect(px(Math.round(geo.frameLeft - 2), Math.round(geo.frameTop))).toEqual([0, 0, 255]);
    expect(px(Math.round(geo.frameLeft + 100), Math.round(geo.frameTop + 1))).toEqual([238, 238, 238]);
  });

  it('counts and lists characters no shipped font has, and draws them', async () => {
    const text = 'ok \u3f78 and \u{10fffd}\u{10fffd}';
    const { pages, missing } = await renderAll(text, config());
    expect(missing).toEqual({ count: 3, codePoints: ['U+3F78', 'U+10FFFD'] });
    const [line] = linesOf(text);
    expect(line!.glyphs.filter((g) => g.face < 0)).toHaveLength(3);
    expect(inkExtent(pages[0]!).x1).toBeGreaterThan(60);
  });

  it('falls back per glyph: Chinese in an English config and Latin in a Chinese one', () => {
    const [en] = linesOf('English 中文 mixed');
    const latin = en!.glyphs.filter((g) => g.cp < 0x80).map((g) => g.face);
    const han = en!.glyphs.filter((g) => g.cp > 0x2e80).map((g) => g.face);
    expect(new Set(latin)).toEqual(new Set([0]));
    expect(han.every((f) => f > 0)).toBe(true);
    const [zh] = linesOf('中文 English', config({}, 'glyph-zh'));
    expect(zh!.glyphs.every((g) => g.face >= 0)).toBe(true);
  });
});
