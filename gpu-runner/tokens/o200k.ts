/**
 * o200k_base text tokens (GPT-4o's encoding), from `gpt-tokenizer`, whose rank table ships in the
 * package: nothing is downloaded. The table (~2.4 MB of JS) is loaded on the first count, not at
 * start-up.
 */
import { createRequire } from 'node:module';

type O200kModule = typeof import('gpt-tokenizer/encoding/o200k_base');

let encoding: O200kModule | undefined;

// Customer text is plain text: a literal "<|endoftext|>" in it is counted as the characters it is
// (tiktoken's `disallowed_special=()`), not as a special token and not as an error.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

function o200k(): O200kModule {
  encoding ??= createRequire(import.meta.url)('gpt-tokenizer/encoding/o200k_base') as O200kModule;
  return encoding;
}

/** Number of o200k_base tokens in `text` (0 for the empty string). */
export function countO200kTokens(text: string): number {
  return text.length === 0 ? 0 : o200k().countTokens(text, PLAIN_TEXT);
}
