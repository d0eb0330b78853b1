/**
 * The styled renderer (gpu-runner/render/styled/) on the kinds fixtures: code keeps every source
 * line as one layout line with its leading spaces and draws keywords in colour; a Markdown
 * heading is drawn larger than body text; a long log line wraps with a visible mark and keeps its
 * source line; PDF text lines name their page; the plain-text path is not touched by any of it.
 */
import { describe, expect, it } from 'vitest';
import { toStyledDocument } from '../../gpu-runner/kinds/index.ts';
import { sourceLines } from '../../gpu-runner/kinds/lines.ts';
import { paintPlan, type RawPage } from '../../gpu-runner/render/index.ts';
import { planStyledDocument, type StyledPlan } from '../../gpu-runner/render/styled/index.ts';
import { resolveRenderConfig } from '../../protocol/render-config.ts';
import { fixture } from './kinds-helpers.ts';

const config = resolveRenderConfig({ preset: 'glyph-en' });

async function paintFirst(plan: StyledPlan): Promise<RawPage> {
  for await (const page of paintPlan(plan.pages.slice(0, 1), config, { output: 'raw' })) return page.raw!;
  throw new Error('no page');
}

function pixel(raw: RawPage, x: number, y: number): number[] {
  const o = (y * raw.width + x) * raw.channels;
  return raw.channels === 1
    ? [raw.data[o]!, raw.data[o]!, raw.data[o]!]
    : [raw.data[o]!, raw.data[o + 1]!, raw.data[o + 2]!];
}

/** Pixels of a box that are clearly coloured (not a gray: channels differ by more than 40). */
function colouredPixels(raw: RawPage, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const [r, g, b] = pixel(raw, x, y);
      if (Math.max(r!, g!, b!) - Math.min(r!, g!, b!) > 40) n++;
    }
  return n;
}

function inkPixels(raw: RawPage, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(raw.height, y1); y++)
    for (let x = Math.max(0, x0); x < Math.min(raw.width, x1); x++) if (Math.min(...pixel(raw, x, y)) < 220) n++;
  return n;
}

describe('code', () => {
  const source = fixture('sample.py');

  it('keeps every source line as one layout line with its leading spaces, in order', async () => {
    const doc = await toStyledDocument(source, { kind: 'code', fileName: 'sample.py' });
    const plan = planStyledDocument(doc, config);
    const lines = plan.pages.flatMap((p) => p.lines);
    const expanded = sourceLines(source.replaceAll('\t', '    '));
    const inked = expanded.map((l, i) => ({ text: l, n: i + 1 })).filter((l) => l.text.trim() !== '');
    expect(lines.map((l) => l.source?.line)).toEqual(inked.map((l) => l.n));
    for (const [i, line] of lines.entries())
      expect(plan.plainText.slice(line.start, line.end)).toBe(inked[i]!.text.trimEnd());
    // Indentation is drawn, not just kept in the text: an indented line's box starts where the
    // unindented lines' do, and its first ink sits twelve monospace columns further right.
    const x = new Set(lines.map((l) => l.box.x));
    expect(x.size).toBe(1);
    const raise = plan.pages[0]!.lines.find((l) => /^ {12}raise/.test(plan.plainText.slice(l.start, l.end)))!;
    const advance = raise.box.width / (raise.end - raise.start);
    const raw = await paintFirst(plan);
    const b = raise.box;
    expect(inkPixels(raw, b.x, b.y, Math.floor(b.x + 12 * advance) - 1, b.y + b.height)).toBe(0);
    expect(
      inkPixels(raw, Math.floor(b.x + 12 * advance), b.y, Math.ceil(b.x + 13 * advance), b.y + b.height),
    ).toBeGreaterThan(5);
  });

  it('draws keywords in a colour and plain names in the body colour', async () => {
    const doc = await toStyledDocument(source, { kind: 'code', language: 'python' });
    const plan = planStyledDocument(doc, config);
    const raw = await paintFirst(plan);
    expect(raw.channels).toBe(3);
    const lines = plan.pages[0]!.lines;
    const defLine = lines.find((l) => plan.plainText.slice(l.start, l.end).startsWith('def total'))!;
    const advance = defLine.box.width / (defLine.end - defLine.start);
    const b = defLine.box;
    // "def" is the first three columns; "total(items)" follows.
    expect(colouredPixels(raw, b.x, b.y, Math.round(b.x + 3 * advance), b.y + b.height)).toBeGreaterThan(10);
    const plainLine = lines.find((l) => plan.plainText.slice(l.start, l.end).trim() === 'print(total(shelf))')!;
    const p = plainLine.box;
    // `print(` is a builtin (coloured) in some themes; the closing `)))` are plain punctuation.
    const tail = Math.round(p.x + (plainLine.end - plainLine.start - 2) * advance);
    expect(colouredPixels(raw, tail, p.y, p.x + p.width, p.y + p.height)).toBe(0);
  });
});

describe('markdown', () => {
  it('draws a heading larger than body text, and names source lines', async () => {
    const doc = await toStyledDocument(fixture('sample-readme.md'), { kind: 'markdown' });
    const plan = planStyledDocument(doc, config);
    const lines = plan.pages.flatMap((p) => p.lines);
    const text = (l: (typeof lines)[number]) => plan.plainText.slice(l.start, l.end);
    const h1 = lines.find((l) => text(l) === 'Lantern')!;
    const h2 = lines.find((l) => text(l) === 'Install')!;
    const body = lines.find((l) => text(l).startsWith('Lantern is a'))!;
    expect(h1.box.height).toBeGreaterThan(h2.box.height);
    expect(h2.box.height).toBeGreaterThan(body.box.height);
    expect(h1.source).toEqual({ line: 1 });
    expect(body.source).toEqual({ line: 3 });
    const raw = await paintFirst(plan);
    // Larger and bold: more ink per character than body text.
    const inkPerChar = (l: typeof h1) =>
      inkPixels(raw, l.box.x, l.box.y, l.box.x + l.box.width, l.box.y + l.box.height) / text(l).length;
    expect(inkPerChar(h1)).toBeGreaterThan(2 * inkPerChar(body));
    // A list item's marker hangs left of its text.
    const item = lines.find((l) => text(l).startsWith('- Pages from Markdown'))!;
    expect(item).toBeDefined();
  });
});

describe('log', () => {
  it('wraps a long line with a continuation mark, never reflowing, both parts on its source line', async () => {
    const long = `2026-05-01T09:00:00.000Z ERROR ${'payload field value '.repeat(5)}end`;
    const log = `2026-05-01T08:59:59.000Z INFO  start\n${long}\n2026-05-01T09:00:01.000Z INFO  done\n`;
    const doc = await toStyledDocument(log, { kind: 'log' });
    const plan = planStyledDocument(doc, config);
    const lines = plan.pages[0]!.lines;
    expect(lines.map((l) => l.source?.line)).toEqual([1, 2, 2, 3]);
    expect(long.length).toBeGreaterThan(120);
    const [, first, rest] = lines;
    expect(plan.plainText.slice(first!.start, rest!.end)).toBe(long);
    expect(rest!.start).toBe(first!.end);
    // The continuation's text is indented past the mark, and the mark is ink left of its box.
    expect(rest!.box.x).toBeGreaterThan(first!.box.x);
    const raw = await paintFirst(plan);
    expect(inkPixels(raw, first!.box.x, rest!.box.y, rest!.box.x - 1, rest!.box.y + rest!.box.height)).toBeGreaterThan(
      5,
    );
    expect(inkPixels(raw, first!.box.x, first!.box.y + first!.box.height + 1, first!.box.x + 4, rest!.box.y)).toBe(0);
  });
});

describe('pdf text', () => {
  it('names the PDF page of every line and draws page breaks as rules', async () => {
    const stored = 'First page, first paragraph.\nStill the first.\n\nSecond paragraph.\fPage two text.';
    const doc = await toStyledDocument(stored, { kind: 'pdf' });
    const plan = planStyledDocument(doc, config);
    const lines = plan.pages.flatMap((p) => p.lines);
    expect(lines.map((l) => l.source)).toEqual([
      { pdfPage: 1, line: 1 },
      { pdfPage: 1, line: 3 },
      { pdfPage: 2, line: 1 },
    ]);
    expect(plan.plainText.slice(lines[0]!.start, lines[0]!.end)).toBe('First page, first paragraph.\nStill the first.');
    expect(plan.pages[0]!.styled!.rules.length).toBe(1);
  });
});
