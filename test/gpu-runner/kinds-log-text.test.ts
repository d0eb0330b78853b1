import { describe, expect, it } from 'vitest';
import { LEVEL_COLORS, logToStyledDocument } from '../../gpu-runner/kinds/log.ts';
import { blockText, plainText, plainTextIndex, sourceAt } from '../../gpu-runner/kinds/model.ts';
import { textToStyledDocument } from '../../gpu-runner/kinds/text.ts';
import { fixture, squash } from './kinds-helpers.ts';

describe('logToStyledDocument', () => {
  const source = fixture('app.log');
  const lines = source.replace(/\n$/, '').split('\n');
  const doc = logToStyledDocument(source);

  it('makes one monospace, unreflowed, wrap-marked block per line, with its source line', () => {
    expect(doc.blocks).toHaveLength(lines.length);
    doc.blocks.forEach((b, i) => {
      expect(b).toMatchObject({ role: 'log-line', keepLines: true, wrapMark: true, source: { line: i + 1 } });
      expect(b.runs.every((r) => r.style.family === 'mono')).toBe(true);
    });
  });

  it('keeps the text, tabs expanded, the long line whole and the blank line', () => {
    expect(plainText(doc)).toBe(source.replace(/\n$/, '').replace(/\t/g, '    '));
    expect(blockText(doc.blocks[3]).length).toBeGreaterThan(200);
    expect(blockText(doc.blocks[6])).toBe('');
  });

  it('colours level words only', () => {
    const error = doc.blocks[3].runs.find((r) => r.text === 'ERROR');
    const warn = doc.blocks[2].runs.find((r) => r.text === 'WARN');
    expect(error?.style).toMatchObject({ color: LEVEL_COLORS.error, bold: true });
    expect(warn?.style.color).toBe(LEVEL_COLORS.warn);
    expect(doc.blocks[0].runs.every((r) => !r.style.color)).toBe(true);
    expect(logToStyledDocument('ERROR x', { levelColors: false }).blocks[0].runs[0].style.color).toBeUndefined();
  });
});

describe('textToStyledDocument', () => {
  const source = fixture('pride-and-prejudice-ch1.txt');
  const doc = textToStyledDocument(source);

  it('makes one paragraph block per run of non-blank lines, line breaks kept, at its source line', () => {
    const paragraphs = source.trim().split(/\n\s*\n/);
    expect(doc.blocks).toHaveLength(paragraphs.length);
    expect(doc.blocks.map(blockText)).toEqual(paragraphs);
    const lines = source.split('\n');
    for (const b of doc.blocks) {
      if (!b.source || !('line' in b.source) || !b.source.line) throw new Error('no line');
      expect(lines[b.source.line - 1]).toBe(blockText(b).split('\n')[0]);
    }
  });

  it('has the source text as its plain text, modulo blank lines', () => {
    expect(squash(plainText(doc))).toBe(squash(source));
  });
});

describe('plainTextIndex and sourceAt', () => {
  it('finds each block in the plain text and each line of a block in the source', () => {
    const doc = textToStyledDocument('one\ntwo\n\n\nthree\nfour\nfive\n');
    const { text, blockStarts } = plainTextIndex(doc);
    expect(text).toBe('one\ntwo\nthree\nfour\nfive');
    expect(blockStarts).toEqual([0, 8]);
    expect(sourceAt(doc, 1, 0)).toEqual({ line: 5 });
    expect(sourceAt(doc, 1, 'three\nfour\nf'.length)).toEqual({ line: 7 });
  });
});
