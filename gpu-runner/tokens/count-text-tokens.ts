/**
 * Text tokens in the family a profile names (protocol/text-tokenizers.ts). Each tokenizer is built
 * the first time its family is asked for, so a runner that only ever counts Qwen3 never loads the
 * others (Gemma 3 alone takes seconds and ~250 MB).
 */
import type { TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import { countClaudeTokens } from './claude.ts';
import { countGemma3Tokens } from './gemma3.ts';
import { countO200kTokens } from './o200k.ts';
import { countTextTokens as countQwen3Tokens } from './qwen3.ts';

const COUNTERS: Readonly<Record<TextTokenizerFamily, (text: string) => number>> = Object.freeze({
  o200k: countO200kTokens,
  qwen3: countQwen3Tokens,
  gemma3: countGemma3Tokens,
  'claude-approx': countClaudeTokens,
});

/**
 * Number of tokens `family`'s tokenizer makes of `text` (0 for the empty string).
 * @throws RangeError for a family the runner does not ship.
 */
export function countTextTokens(text: string, family: TextTokenizerFamily): number {
  const count = Object.hasOwn(COUNTERS, family) ? COUNTERS[family] : undefined;
  if (!count) throw new RangeError(`unknown text tokenizer family "${String(family)}"`);
  return count(text);
}
