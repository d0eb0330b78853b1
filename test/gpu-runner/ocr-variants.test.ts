import { describe, expect, it } from 'vitest';
import { aggregateAccuracy, scoreLine } from '../../gpu-runner/ocr/accuracy.ts';
import { foldChineseVariants } from '../../gpu-runner/ocr/variants.ts';

describe('foldChineseVariants', () => {
  it('maps traditional forms to simplified ones (the forms the recognizer writes)', () => {
    expect(foldChineseVariants('婦隨')).toBe('妇随');
    expect(foldChineseVariants('謂之聖人')).toBe('谓之圣人');
  });

  it('leaves simplified Chinese, punctuation and Latin text as they are', () => {
    expect(foldChineseVariants('妇随，谓之圣人。')).toBe('妇随，谓之圣人。');
    expect(foldChineseVariants('It is a truth universally acknowledged.')).toBe(
      'It is a truth universally acknowledged.',
    );
  });
});

describe('variant-insensitive scores', () => {
  it('forgive the simplified form of a traditional character, which strict scores count', () => {
    expect(scoreLine('夫唱婦隨，所謂聖人', '夫唱婦随，所谓圣人', { normalize: true }).distance).toBe(3);
    expect(
      scoreLine('夫唱婦隨，所謂聖人', '夫唱婦随，所谓圣人', { normalize: true, foldVariants: true }).distance,
    ).toBe(0);
  });

  it('still count a misread and a dropped character', () => {
    // 氣 → 氧 is a different character in both scripts; 聖人 → 人 drops one.
    expect(scoreLine('無氣則形無所憑', '無氧則形無所憑', { normalize: true, foldVariants: true }).distance).toBe(1);
    expect(scoreLine('聖人', '人', { normalize: true, foldVariants: true }).distance).toBe(1);
  });

  it('aggregate the same way as the strict figure', () => {
    const pairs = [
      { expected: '謂之', got: '谓之' },
      { expected: '聖人', got: '人' },
    ];
    expect(aggregateAccuracy(pairs, { normalize: true }).accuracy).toBeCloseTo(0.5);
    expect(aggregateAccuracy(pairs, { normalize: true, foldVariants: true }).accuracy).toBeCloseTo(0.75);
  });
});
