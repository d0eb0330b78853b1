import { describe, expect, it } from 'vitest';
import {
  aggregateAccuracy,
  charAccuracy,
  levenshtein,
  normalizeForComparison,
  scoreLine,
} from '../../gpu-runner/ocr/accuracy.ts';

describe('normalizeForComparison', () => {
  it('straightens curly single and double quotes and primes', () => {
    expect(normalizeForComparison('\u2018a\u2019 \u201Ab\u201B c\u2032')).toBe("'a' 'b' c'");
    expect(normalizeForComparison('\u201Ca\u201D \u201Eb\u201F c\u2033')).toBe('"a" "b" c"');
  });

  it('turns en and em dashes into hyphens', () => {
    expect(normalizeForComparison('1914\u20131918 \u2014 war')).toBe('1914-1918 - war');
  });

  it('folds whitespace runs and trims', () => {
    expect(normalizeForComparison('  a \t b\n\nc\u00A0 d  ')).toBe('a b c d');
  });

  it('applies NFKC (full-width Latin, ligatures)', () => {
    expect(normalizeForComparison('\uFF21\uFF22\uFF23 \uFB01ne')).toBe('ABC fine');
  });

  it('keeps CJK, folds full-width punctuation to ASCII', () => {
    expect(normalizeForComparison('中文，识别：好！。')).toBe('中文,识别:好!。');
  });
});

describe('levenshtein', () => {
  it('counts edits', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abc', '')).toBe(3);
    expect(levenshtein('abc', 'abc')).toBe(0);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(levenshtein('a\u{20000}b', 'ab')).toBe(1);
    expect(levenshtein('😀', '😁')).toBe(1);
  });

  it('is symmetric', () => {
    expect(levenshtein('intention', 'execution')).toBe(levenshtein('execution', 'intention'));
  });
});

describe('charAccuracy', () => {
  it('is 1 − distance / expected length', () => {
    expect(charAccuracy('abcdefghij', 'abcdefghiX', { normalize: false })).toBeCloseTo(0.9);
  });

  it('is clamped at 0', () => {
    expect(charAccuracy('ab', 'xxxxxxxx', { normalize: false })).toBe(0);
  });

  it('handles an empty expectation', () => {
    expect(charAccuracy('', '', { normalize: false })).toBe(1);
    expect(charAccuracy('', 'x', { normalize: false })).toBe(0);
    expect(charAccuracy('  ', ' ', { normalize: true })).toBe(1);
  });

  it('forgives typographic differences only when normalizing', () => {
    const expected = '\u201CMy dear Mr. Bennet,\u201D said his lady \u2014 at last';
    const got = '"My dear Mr. Bennet," said his  lady - at last';
    expect(charAccuracy(expected, got, { normalize: false })).toBeLessThan(1);
    expect(charAccuracy(expected, got, { normalize: true })).toBe(1);
  });

  it('does not forgive real misreadings when normalizing', () => {
    expect(charAccuracy('Illegal', 'lllegal', { normalize: true })).toBeCloseTo(6 / 7);
  });
});

describe('aggregateAccuracy', () => {
  it('sums distances and lengths before dividing', () => {
    const pairs = [
      { expected: 'ab', got: 'xx' }, // 2 / 2
      { expected: 'abcdefgh', got: 'abcdefgh' }, // 0 / 8
    ];
    const s = aggregateAccuracy(pairs, { normalize: false });
    expect(s).toEqual({ lines: 2, distance: 2, length: 10, accuracy: 0.8 });
  });

  it('is 1 over no lines and 0 when text appears where none was expected', () => {
    expect(aggregateAccuracy([], { normalize: false }).accuracy).toBe(1);
    expect(aggregateAccuracy([{ expected: '', got: 'x' }], { normalize: false }).accuracy).toBe(0);
  });

  it('agrees with scoreLine for one line', () => {
    const one = scoreLine('hello world', 'helo world', { normalize: true });
    const agg = aggregateAccuracy([{ expected: 'hello world', got: 'helo world' }], { normalize: true });
    expect(agg.accuracy).toBeCloseTo(one.accuracy);
    expect(agg.distance).toBe(one.distance);
  });
});
