import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { textTokenizerFor } from '../../protocol/text-tokenizers.ts';
import { countTextTokens } from '../../gpu-runner/tokens/count-text-tokens.ts';
import { countO200kTokens } from '../../gpu-runner/tokens/o200k.ts';
import { SAMPLES, mixedText, novel } from './tokens-texts.ts';

// Library's own count of plain text (special-token strings as ordinary text).
const libraryCount = (text: string) => encode(text, { disallowedSpecial: new Set() }).length;

describe('o200k_base (gpt-4o text tokens)', () => {
  it("matches OpenAI's published o200k_base tokenizations", () => {
    // OpenAI Cookbook, "How to count tokens with tiktoken": encoding.encode("tiktoken is great!")
    // with o200k_base gives [83, 8251, 2488, 382, 2212, 0]; 6 tokens.
    expect(encode('tiktoken is great!')).toEqual([83, 8251, 2488, 382, 2212, 0]);
    expect(countO200kTokens('tiktoken is great!')).toBe(6);
    // Same notebook, compare_encodings, o200k_base rows.
    expect(countO200kTokens('antidisestablishmentarianism')).toBe(6); // [493, 129901, 376, 160388, 21203, 2367]
    expect(countO200kTokens('2 + 2 = 4')).toBe(7); // [17, 659, 220, 17, 314, 220, 19]
    expect(countO200kTokens('お誕生日おめでとう')).toBe(8); // [8930, 9697, 243, 128225, 8930, 17693, 4344, 48669]
    expect(countO200kTokens('hello world')).toBe(2); // hello | Ġworld
  });

  it("is what gpt-4o's text tokens are counted with, and equals the library's count", () => {
    expect(textTokenizerFor('gpt-4o')).toMatchObject({ family: 'o200k', estimate: false });
    for (const text of [...SAMPLES, novel(50_000), mixedText(3000)]) {
      expect(countTextTokens(text, textTokenizerFor('gpt-4o').family), text.slice(0, 40)).toBe(libraryCount(text));
    }
  });

  it('counts a literal special-token string as plain text, and nothing in the empty string', () => {
    expect(countO200kTokens('')).toBe(0);
    // The library throws on "<|endoftext|>" by default; customer text must not.
    expect(() => encode('<|endoftext|>')).toThrowError(/special token/i);
    expect(countO200kTokens('<|endoftext|>')).toBeGreaterThan(1);
  });
});
