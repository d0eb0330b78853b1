/**
 * Decode compares OCR output with `expectedLineText(text, start, end)`. That string must be what
 * the renderer actually draws on the line; here it is checked against the renderer's own placed
 * glyphs (a gap wider than the glyph advance is a word gap, a no-break space is a space, the
 * marker's glyphs are `\n`) for texts full of the cases that differ from the source.
 */
import { describe, expect, it } from 'vitest';
import { NEWLINE_MARKER, resolveRenderConfig } from '../../protocol/render-config.ts';
import { layoutPages } from '../../gpu-runner/render/index.ts';
import { expectedLineText } from '../../gpu-runner/decode/expected-text.ts';
import { sampleEvenly } from '../../gpu-runner/decode/decode.ts';

/** The text the renderer draws on each line, read from its placed glyphs. */
function drawnLines(
  text: string,
  config: ReturnType<typeof resolveRenderConfig>,
): Array<{ drawn: string; start: number; end: number }> {
  const out: Array<{ drawn: string; start: number; end: number }> = [];
  for (const page of layoutPages(text, config)) {
    for (const line of page.lines) {
      let drawn = '';
      line.glyphs.forEach((g, i) => {
        const prev = line.glyphs[i - 1];
        if (prev && g.x > prev.x + prev.advance + 0.01) drawn += ' ';
        drawn +=
          g.cp === 0xa0 && g.src < text.length && text.charCodeAt(g.src) !== 0xa0 ? ' ' : String.fromCodePoint(g.cp);
      });
      out.push({ drawn, start: line.start, end: line.end });
    }
  }
  return out;
}

const tricky = [
  'Tabs\tbetween\t\twords, two  spaces, three   spaces, and a soft hy\u00ADphen in "inter\u00ADnational".',
  'Zero\u200Bwidth space, a no-break\u00A0space, an em\u2003space, thin\u2009space and \u200Dzero-width joiner.',
  'A line that is long enough to wrap somewhere in the middle of the page because it goes on and on and on, '.repeat(3),
  '\tIndented with a tab.',
  '   Leading spaces, and trailing spaces   ',
  'CRLF line\r\nand a CR line\rand the end.',
  '',
  'Last paragraph.',
].join('\n');

describe('expectedLineText', () => {
  it.each([
    ['<br/> breaks', {}],
    ['the red newline marker', { 'newline-markup': NEWLINE_MARKER }],
    ['justified text', { alignment: 'JUSTIFY' }],
  ])('matches what the renderer draws with %s', (_, override) => {
    const config = resolveRenderConfig({ preset: 'glyph-en', config: override });
    const lines = drawnLines(tricky, config);
    expect(lines.length).toBeGreaterThan(4);
    for (const { drawn, start, end } of lines) {
      const expected = expectedLineText(tricky, start, end, config);
      // Justification stretches gaps (more than one space wide): compare with gaps folded then.
      if (config.alignment === 'JUSTIFY') expect(expected.replace(/ +/g, ' ')).toBe(drawn.replace(/ +/g, ' '));
      else expect(expected).toBe(drawn);
    }
  });

  it('draws tabs as four spaces, keeps runs, drops soft hyphens and zero-width spaces', () => {
    const config = resolveRenderConfig({});
    const text = 'a\tb  c\u00ADd\u200Be';
    expect(expectedLineText(text, 0, text.length, config)).toBe('a    b  cde');
  });

  it('draws a newline inside a marker paragraph as " \\n "', () => {
    const config = resolveRenderConfig({ config: { 'newline-markup': NEWLINE_MARKER } });
    const text = 'one\ntwo\r\nthree';
    expect(expectedLineText(text, 0, text.length, config)).toBe('one \\n two \\n three');
  });
});

describe('sampleEvenly', () => {
  it('spreads the sample over the whole range, one index per slice', () => {
    expect(sampleEvenly(10, 5)).toEqual([1, 3, 5, 7, 9]);
    expect(sampleEvenly(3, 200)).toEqual([0, 1, 2]);
    const many = sampleEvenly(11882, 200);
    expect(new Set(many).size).toBe(200);
    expect(many[0]).toBeLessThan(60);
    expect(many.at(-1)).toBeGreaterThan(11882 - 60);
  });
});
