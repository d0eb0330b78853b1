import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../../protocol/profiles.ts';
import { TEXT_TOKENIZER_FAMILIES, isTextTokenizerFamily, textTokenizerFor } from '../../protocol/text-tokenizers.ts';

describe('textTokenizerFor', () => {
  it("names each profile's tokenizer family and whether its count is the model's own", () => {
    expect(PROFILE_NAMES.map((p) => [p, textTokenizerFor(p).family, textTokenizerFor(p).estimate])).toEqual([
      ['glm-4.1v', 'qwen3', true],
      ['qwen2.5-vl', 'qwen3', false],
      ['qwen3-vl', 'qwen3', false],
      ['gpt-4o', 'o200k', false],
      ['claude', 'claude-approx', true],
      ['gemini', 'gemma3', false],
    ]);
    for (const p of PROFILE_NAMES) expect(textTokenizerFor(p).because.length).toBeGreaterThan(0);
  });

  it('lists the families the runner ships and recognises only those', () => {
    expect(TEXT_TOKENIZER_FAMILIES).toEqual(['o200k', 'qwen3', 'gemma3', 'claude-approx']);
    for (const f of TEXT_TOKENIZER_FAMILIES) expect(isTextTokenizerFamily(f)).toBe(true);
    for (const bad of ['cl100k', 'claude', 'Qwen3', '', 'toString']) expect(isTextTokenizerFamily(bad)).toBe(false);
  });
});
