import { describe, expect, it } from 'vitest';
import { markdownToStyledDocument } from '../../gpu-runner/kinds/markdown.ts';
import { BODY, blockText, plainText, sourceAt } from '../../gpu-runner/kinds/model.ts';
import { fixture } from './kinds-helpers.ts';

const source = fixture('sample-readme.md');
const sourceLines = source.split('\n');
const doc = markdownToStyledDocument(source);
const find = (text: string) => {
  const block = doc.blocks.find((b) => blockText(b).includes(text));
  if (!block) throw new Error(`no block with ${text}`);
  return block;
};

describe('markdownToStyledDocument', () => {
  it('draws headings larger than body text, and bold, by level', () => {
    const h1 = find('Lantern');
    const h2 = find('Install');
    const h3 = find('Options');
    const body = find('static site builder');
    expect(h1).toMatchObject({ role: 'heading', level: 1 });
    expect(h2).toMatchObject({ role: 'heading', level: 2 });
    expect(h3).toMatchObject({ role: 'heading', level: 3 });
    expect(body.role).toBe('paragraph');
    const scale = (b: typeof h1) => b.runs[0].style.scale;
    expect(scale(h1)).toBeGreaterThan(scale(h2));
    expect(scale(h2)).toBeGreaterThan(scale(h3));
    expect(scale(h3)).toBeGreaterThan(Math.max(...body.runs.map((r) => r.style.scale)));
    expect(h1.runs.every((r) => r.style.bold)).toBe(true);
    expect(blockText(h1)).toBe('Lantern'); // the `#` is markup, not text
  });

  it('keeps emphasis as styles and inline code monospace', () => {
    const runs = find('static site builder').runs;
    expect(runs.find((r) => r.text === 'tiny')?.style).toMatchObject({ italic: true, family: 'sans' });
    expect(runs.find((r) => r.text === 'no runtime dependencies')?.style).toMatchObject({ bold: true });
    const install = find('Run npm install').runs;
    expect(install.find((r) => r.text === 'npm install lantern')?.style.family).toBe('mono');
    expect(install.find((r) => r.text.startsWith('Run'))?.style).toEqual(BODY);
  });

  it('indents lists by depth with their own markers', () => {
    const items = doc.blocks.filter((b) => b.role === 'list-item');
    expect(items.map((b) => (b.role === 'list-item' ? [b.depth, b.marker, blockText(b)] : []))).toEqual([
      [0, '-', 'Pages from Markdown files'],
      [0, '-', 'Themes:'],
      [1, '1.', 'light'],
      [1, '2.', 'dark'],
      [0, '-', 'Links checked at build time, see the docs'],
    ]);
  });

  it('draws links as their text and images as their alt text', () => {
    expect(plainText(doc)).not.toContain('example.invalid');
    expect(plainText(doc)).not.toContain('logo.png');
    expect(blockText(find('Lantern logo'))).toBe('Lantern logo');
  });

  it('keeps fenced and indented code line for line, monospace, with the fence language highlighted', () => {
    const fence = find('npx lantern build');
    expect(fence).toMatchObject({ role: 'code', language: 'sh', keepLines: true });
    expect(fence.runs.every((r) => r.style.family === 'mono')).toBe(true);
    expect(fence.runs.some((r) => r.style.color)).toBe(true);
    const indented = find('indented code keeps its spaces');
    expect(blockText(indented)).toBe('indented code keeps its spaces\n    and this line has eight more');
    expect(indented.keepLines).toBe(true);
  });

  it('draws a GFM table as an aligned grid with the header bold', () => {
    const table = find('Meaning');
    if (table.role !== 'table') throw new Error('not a table');
    expect(table.cells[0]).toEqual(['Option', 'Default', 'Meaning']);
    expect(table.cells[1]).toEqual(['out', './site', 'Output folder']);
    expect(table.align).toEqual(['left', 'center', 'right']);
    const lines = blockText(table).split('\n');
    expect(lines).toEqual([
      'Option | Default |             Meaning',
      '-------+---------+--------------------',
      'out    | ./site  |       Output folder',
      'theme  |  light  |        Colour theme',
      'drafts |  false  | Include draft notes',
    ]);
    // Aligned: every column separator sits at the same column on every row.
    const bars = lines.filter((l) => !l.startsWith('-')).map((l) => [...l.matchAll(/\|/g)].map((m) => m.index));
    expect(new Set(bars.map((b) => b.join()))).toHaveProperty('size', 1);
    expect(table.runs[0].style).toMatchObject({ family: 'mono', bold: true });
  });

  it('keeps quotes and rules', () => {
    expect(find('Keep it small.')).toMatchObject({ role: 'quote', depth: 1 });
    expect(doc.blocks.some((b) => b.role === 'rule')).toBe(true);
  });

  it('gives every block the source line it starts on, and each line of a block its own source line', () => {
    for (const block of doc.blocks) {
      if (block.role === 'rule') continue;
      const text = blockText(block);
      text.split('\n').forEach((line, n) => {
        const src = sourceAt(
          doc,
          doc.blocks.indexOf(block),
          text.split('\n').slice(0, n).join('\n').length + (n ? 1 : 0),
        );
        if (!src || !('line' in src) || src.line === undefined) throw new Error('no source line');
        const words = line.match(/\w{3,}/g) ?? [];
        // The source line holds the drawn line's words (markup such as `#`, `**`, `|` aside).
        for (const w of words)
          expect(sourceLines[src.line - 1], `line ${src.line} for ${JSON.stringify(line)}`).toContain(w);
      });
    }
  });

  it('has the plain text a reader expects', () => {
    const text = plainText(doc);
    expect(text.startsWith('Lantern\nLantern is a tiny static site builder')).toBe(true);
    expect(text).toContain('- Themes:\n1. light\n2. dark');
    // Markup is gone from prose (the `#` left is the shell comment inside the code block).
    expect(text.replace('# or light', '')).not.toMatch(/[#*`]/);
    expect(text.endsWith('Released under the MIT licence.')).toBe(true);
  });

  it('shows raw HTML blocks as their text, never as tags', () => {
    const html = markdownToStyledDocument(
      'Intro\n\n<p align="center"><img src="x.png" alt="Logo"> <b>Bold</b> words</p>\n\nAfter\n',
    );
    expect(plainText(html)).toBe('Intro\nLogo Bold words\nAfter');
    expect(html.blocks[1].source).toEqual({ line: 3 });
  });
});
