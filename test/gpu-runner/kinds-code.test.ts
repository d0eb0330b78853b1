import { describe, expect, it } from 'vitest';
import { codeLanguage, codeToStyledDocument } from '../../gpu-runner/kinds/code.ts';
import { SYNTAX_COLORS } from '../../gpu-runner/kinds/highlight.ts';
import { splitRunsIntoLines } from '../../gpu-runner/kinds/lines.ts';
import { blockText, plainText, sourceAt } from '../../gpu-runner/kinds/model.ts';
import { fixture } from './kinds-helpers.ts';

/** Tabs expanded to 4-column stops, as an editor shows them. */
const expand = (line: string) => {
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(4 - (out.length % 4)) : ch;
  return out;
};

describe.each([
  ['sample.py', 'python', ['def', 'class', 'return', 'if', 'for', 'raise']],
  ['sample.ts', 'typescript', ['export', 'interface', 'class', 'return', 'const', 'if']],
])('codeToStyledDocument(%s)', (file, language, keywords) => {
  const source = fixture(file);
  const lines = source.replace(/\n$/, '').split('\n');
  const doc = codeToStyledDocument(source, { fileName: file });

  it('takes the language from the file name', () => {
    expect(doc.language).toBe(language);
  });

  it('keeps every source line as one line, leading spaces exact, monospace, never reflowed', () => {
    expect(doc.blocks).toHaveLength(1);
    const [block] = doc.blocks;
    expect(block).toMatchObject({ role: 'code', keepLines: true, source: { line: 1 } });
    expect(blockText(block).split('\n')).toEqual(lines.map(expand));
    expect(block.runs.every((r) => r.style.family === 'mono')).toBe(true);
  });

  it('colours keywords', () => {
    const keywordColor = SYNTAX_COLORS.keyword;
    const coloured = doc.blocks[0].runs.filter((r) => r.style.color === keywordColor).map((r) => r.text);
    for (const k of keywords) expect(coloured, k).toContain(k);
    // Identifiers are not keywords.
    expect(coloured).not.toContain('item');
  });

  it('maps each drawn line to its source line', () => {
    const text = blockText(doc.blocks[0]);
    const at = text.indexOf('return');
    const line = text.slice(0, at).split('\n').length;
    expect(sourceAt(doc, 0, at)).toEqual({ line });
    expect(lines[line - 1]).toContain('return');
  });
});

describe('codeToStyledDocument options', () => {
  it('expands tabs to tab stops of the given width, counting columns from the line start', () => {
    const doc = codeToStyledDocument('a\tb\n\tc\nab\t\td', { language: 'text', tabWidth: 4 });
    expect(plainText(doc)).toBe('a   b\n    c\nab      d');
    expect(plainText(codeToStyledDocument('\tx', { tabWidth: 8 }))).toBe('        x');
  });

  it('draws muted line numbers, right-aligned, as part of the text', () => {
    const source = Array.from({ length: 12 }, (_, i) => `x${i} = ${i}`).join('\n');
    const doc = codeToStyledDocument(source, { language: 'python', lineNumbers: true });
    const drawn = splitRunsIntoLines(doc.blocks[0].runs);
    expect(drawn[0][0]).toMatchObject({ text: ' 1  ', style: { color: '#6e7781' } });
    expect(drawn[11][0].text).toBe('12  ');
    expect(plainText(doc).split('\n')[9]).toBe('10  x9 = 9');
  });

  it('draws an unknown language monospace without colours', () => {
    const doc = codeToStyledDocument('just some words\n', { language: 'no-such-language' });
    expect(doc.blocks[0].runs).toEqual([
      { text: 'just some words', style: { family: 'mono', scale: 1, bold: false, italic: false } },
    ]);
  });

  it('prefers the language option to the file name, and knows aliases', () => {
    expect(codeLanguage({ language: 'py', fileName: 'x.ts' })).toBe('python');
    expect(codeLanguage({ fileName: 'Dockerfile' })).toBe('dockerfile');
    expect(codeLanguage({})).toBeUndefined();
  });

  it('keeps CRLF sources as the same lines, and an empty file has no blocks', () => {
    expect(plainText(codeToStyledDocument('a = 1\r\nb = 2\r\n', { language: 'python' }))).toBe('a = 1\nb = 2');
    expect(codeToStyledDocument('').blocks).toEqual([]);
  });
});
