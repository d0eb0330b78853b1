import { describe, expect, it } from 'vitest';
import { TEXT_TOKENIZER_FAMILIES, type TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import { countTextTokens } from '../../gpu-runner/tokens/count-text-tokens.ts';
import { countTextTokens as countQwen3Tokens } from '../../gpu-runner/tokens/qwen3.ts';
import { piecesAtSafeCuts } from '../../gpu-runner/tokens/newline-pieces.ts';

describe('countTextTokens(text, family)', () => {
  it('sends qwen3 to the Qwen3 tokenizer', { timeout: 60_000 }, () => {
    // Qwen3: Hello | , | Ġworld | ! (ids 9707, 11, 1879, 0 in every Qwen2/Qwen3 vocabulary).
    expect(countTextTokens('Hello, world!', 'qwen3')).toBe(4);
    expect(countTextTokens('我爱北京天安门。', 'qwen3')).toBe(countQwen3Tokens('我爱北京天安门。'));
  });

  it('rejects a family the runner does not ship', () => {
    for (const bad of ['cl100k', 'constructor', '__proto__']) {
      expect(() => countTextTokens('x', bad as TextTokenizerFamily)).toThrowError(RangeError);
    }
    expect(TEXT_TOKENIZER_FAMILIES).toHaveLength(4);
  });
});

describe('piecesAtSafeCuts', () => {
  const afterNewline = (t: string, i: number) => t[i - 1] === '\n';

  it('cuts only where allowed, keeps every character, and leaves a short text whole', () => {
    const text = 'aaaa\nbbbb\ncccc\ndddd';
    expect(piecesAtSafeCuts(text, afterNewline, 7)).toEqual(['aaaa\n', 'bbbb\n', 'cccc\n', 'dddd']);
    expect(piecesAtSafeCuts(text, afterNewline, 100)).toEqual([text]);
    // Nothing allowed: one piece, however long.
    expect(piecesAtSafeCuts('x'.repeat(50), afterNewline, 7)).toEqual(['x'.repeat(50)]);
    // The only allowed cut lies past the limit: taken there.
    expect(piecesAtSafeCuts('xxxxxxxxxx\nyy', afterNewline, 4)).toEqual(['xxxxxxxxxx\n', 'yy']);
    expect(piecesAtSafeCuts('', afterNewline, 4)).toEqual([]);
  });
});
