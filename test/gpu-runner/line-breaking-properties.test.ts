/**
 * The renderer's line breaking streams a word wider than any line as glued pieces (so that a
 * 2 MB "word" never has all its glyphs in memory at once: see Box.glued). Property: for any text,
 * font size, line widths and alignment, the lines — their glyphs, widths, forced flags and every
 * glyph's placed x — are exactly those of the same word handed over whole.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FontChain } from '../../gpu-runner/render/fonts.ts';
import {
  boxesOfRun,
  breakLines,
  placeLine,
  type BrokenLine,
  type Measure,
} from '../../gpu-runner/render/line-breaking.ts';
import { ALIGNMENTS } from '../../protocol/render-config.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../fuzz-budget.ts';

const chain = FontChain.for('DejaVu Sans');

const piece = fc.oneof(
  fc.constantFrom(
    ' ',
    ' ',
    '  ',
    '\t',
    '\u00a0',
    '\u200b',
    '\u00ad',
    'e\u0301',
    '\u0301\u0301',
    '我们',
    '，',
    '（',
    '😀',
  ),
  fc.stringMatching(/^[a-zA-Z0-9.,;:!?'"()-]{1,12}$/),
  fc.integer({ min: 20, max: 400 }).map((n) => 'W'.repeat(n)),
  fc.integer({ min: 20, max: 400 }).map((n) => 'i.'.repeat(n)),
);

interface Laid {
  lines: BrokenLine[];
  /** Per line: each glyph's code point, source offset and placed x. */
  placed: Array<Array<[number, number, number]>>;
}

function layOut(
  text: string,
  m: Measure,
  widthOf: (n: number) => number,
  alignment: (typeof ALIGNMENTS)[number],
): Laid {
  const lines = [...breakLines(boxesOfRun(text, 0, text.length, m, 0), widthOf)];
  const placed = lines.map((line, n) => {
    placeLine(line, widthOf(n), alignment);
    return line.boxes.flatMap((b) => b.glyphs.map((g): [number, number, number] => [g.cp, g.src, g.x]));
  });
  return { lines, placed };
}

describe('line breaking of over-wide words in glued pieces (fast-check)', () => {
  it('gives exactly the lines of the whole word', { timeout: fuzzTimeoutMs() }, () => {
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 30 }).map((p) => p.join('')),
        fc.double({ min: 0.25, max: 40, noNaN: true }),
        fc.double({ min: 2, max: 400, noNaN: true }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.constantFrom(...ALIGNMENTS),
        (text, fontPx, emsPerLine, indentShare, slack, alignment) => {
          const avail = emsPerLine * fontPx;
          const firstIndent = indentShare * avail;
          const widthOf = (n: number) => avail - (n === 0 ? firstIndent : 0);
          const whole = layOut(text, { chain, fontPx }, widthOf, alignment);
          // Any limit above the widest line is allowed (layout.ts uses the smallest such).
          const maxBoxWidth = avail + Math.abs(firstIndent) + 1 + slack * fontPx;
          const glued = layOut(text, { chain, fontPx, maxBoxWidth }, widthOf, alignment);
          expect(glued.lines.map((l) => [l.forced, l.boxes.length])).toEqual(
            whole.lines.map((l) => [l.forced, l.boxes.length]),
          );
          glued.lines.forEach((l, i) => expect(l.width).toBeCloseTo(whole.lines[i]!.width, 6));
          expect(glued.placed).toEqual(whole.placed);
        },
      ),
      fuzzParameters(100),
    );
  });
});
