import { describe, expect, it } from 'vitest';
import { reflow } from '../../gpu-runner/reflow/index.ts';

const source = [
  'It is a truth universally acknowledged, that a single man in possession', // 1
  'of a good fortune must be in want of a wife.', // 2
  '', // 3
  'However little known the feelings or views of such a man may be on his', // 4
  'first entering a neighbourhood, this truth is so well fixed in the minds', // 5
  'of the surrounding families, that he is considered as the rightful', // 6
  'property of some one or other of their daughters.', // 7
  '', // 8
  'Mr. Bennet replied that he had not.', // 9
].join('\n');

describe('LineMap', () => {
  const r = reflow(source, 'auto');

  it('the reflowed text has one line per paragraph (the single blank lines between them become plain breaks)', () => {
    expect(r.text.split('\n')).toHaveLength(3);
  });

  it('maps every output line to the source lines it shows', () => {
    expect(r.lineMap.lines).toEqual([
      { first: 1, last: 2 },
      { first: 4, last: 7 },
      { first: 9, last: 9 },
    ]);
    expect(r.lineMap.sourceLinesOfLine(2)).toEqual({ first: 4, last: 7 });
    expect(() => r.lineMap.sourceLinesOfLine(4)).toThrow(RangeError);
  });

  it('maps an output offset to the source line and offset of the same character', () => {
    for (const word of ['truth', 'fortune', 'However', 'neighbourhood', 'rightful', 'daughters', 'Bennet']) {
      const o = r.text.indexOf(word);
      const s = r.lineMap.sourceOffsetOf(o);
      expect(source.slice(s, s + word.length), word).toBe(word);
      expect(r.lineMap.sourceLineOf(o), word).toBe(source.slice(0, s).split('\n').length);
    }
    expect(r.lineMap.sourceLineOf(r.text.indexOf('neighbourhood'))).toBe(5);
  });

  it('maps the space that replaced a line break to the end of the line it joined', () => {
    const joiner = r.text.indexOf(' of a good fortune');
    expect(r.lineMap.sourceLineOf(joiner)).toBe(1);
    expect(r.lineMap.sourceOffsetOf(joiner)).toBe(source.indexOf('\nof a good'));
  });

  it('maps a range of the output (a rendered line) to the source lines it covers', () => {
    const start = r.text.indexOf('views of such');
    const end = r.text.indexOf('neighbourhood') + 'neighbourhood'.length;
    expect(r.lineMap.sourceLinesOf({ start, end })).toEqual({ first: 4, last: 5 });
    expect(r.lineMap.sourceLinesOf({ start, end: start })).toEqual({ first: 4, last: 4 });
  });

  it('maps CJK text joined without spaces', () => {
    const zh =
      '　　正命者，完卻正理，全卻初氣，未嘗以我害之，雖桎梏而死，不害其為正命。若初\n氣所鑿喪，正理不完，即正寢告終，恐非正命也。';
    const z = reflow(zh, 'on');
    expect(z.text).toBe(zh.replace('\n', ''));
    expect(z.lineMap.sourceLineOf(z.text.indexOf('鑿'))).toBe(2);
    expect(z.lineMap.sourceLineOf(z.text.indexOf('若初'))).toBe(1);
  });
});
