/**
 * Which tokenizer counts a text's tokens for each visual-token profile: the model's own where its
 * vocabulary is public, the closest public one (and said to be an estimate) where it is not. The
 * runner counts with them (gpu-runner/tokens/count-text-tokens.ts); responses name the family.
 */
import type { ProfileName } from './profiles.ts';

/** The tokenizer families the runner ships. */
export type TextTokenizerFamily = 'o200k' | 'qwen3' | 'gemma3' | 'claude-approx';

/** Every {@link TextTokenizerFamily}. */
export const TEXT_TOKENIZER_FAMILIES: readonly TextTokenizerFamily[] = Object.freeze([
  'o200k',
  'qwen3',
  'gemma3',
  'claude-approx',
] as const);

/** Whether `s` names a tokenizer family. */
export function isTextTokenizerFamily(s: string): s is TextTokenizerFamily {
  return (TEXT_TOKENIZER_FAMILIES as readonly string[]).includes(s);
}

/** The tokenizer a profile's text tokens are counted with. */
export interface TextTokenizerChoice {
  /** The family, as responses name it. */
  readonly family: TextTokenizerFamily;
  /** True when the count is not the model's own tokenizer's (the vocabulary is not public, or differs). */
  readonly estimate: boolean;
  /** Why this family, for people. */
  readonly because: string;
}

const CHOICES: Readonly<Record<ProfileName, TextTokenizerChoice>> = Object.freeze({
  // Glyph, the paper built on GLM-4.1V, states its compression ratios in Qwen3 tokens; GLM-4.1V's
  // own GLM-4 vocabulary is a different BPE, so for that model the count is a yardstick.
  'glm-4.1v': Object.freeze({
    family: 'qwen3',
    estimate: true,
    because: "Qwen3 tokens, the unit Glyph reports ratios in; GLM-4.1V's own GLM-4 vocabulary differs",
  }),
  // Qwen2.5 and Qwen3 share one byte-level BPE vocabulary (Qwen3 adds special tokens only).
  'qwen2.5-vl': Object.freeze({
    family: 'qwen3',
    estimate: false,
    because: 'Qwen2.5 and Qwen3 share one byte-level BPE vocabulary',
  }),
  'qwen3-vl': Object.freeze({ family: 'qwen3', estimate: false, because: "Qwen3-VL's own Qwen3 tokenizer" }),
  'gpt-4o': Object.freeze({ family: 'o200k', estimate: false, because: "GPT-4o's own o200k_base encoding" }),
  // Gemma 3's tech report: "the same tokenizer as Gemini 2.0" (SentencePiece, 262k entries).
  gemini: Object.freeze({
    family: 'gemma3',
    estimate: false,
    because: 'Gemma 3 ships the tokenizer Google says Gemini 2.0 uses (262k SentencePiece vocabulary)',
  }),
  // Anthropic publishes no tokenizer for current models; the public one is from its older SDK.
  claude: Object.freeze({
    family: 'claude-approx',
    estimate: true,
    because: "Anthropic's public tokenizer from its earlier models; current Claude models do not publish theirs",
  }),
});

/** The tokenizer family that counts text tokens for `profile`, and whether that count is an estimate. */
export function textTokenizerFor(profile: ProfileName): TextTokenizerChoice {
  return CHOICES[profile];
}
