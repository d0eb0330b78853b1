/**
 * Counting text tokens (compression ratio = text tokens ÷ visual tokens) with a tokenizer the
 * caller built: how a text is cut into pieces the tokenizer can take in linear time. The
 * tokenizer itself is loaded where tokens are counted (qwen3.ts), on the first count.
 */
import { piecesForTokenizer } from './token-runs.ts';

/** A built tokenizer, as counting needs it: the number of tokens in a piece of text. */
export interface TextTokenizer {
  countTokens(text: string): number;
}

/**
 * Longest piece, in UTF-16 code units, handed to the tokenizer at once. The tokenizer is linear in
 * its input (~1 µs a character), so chunking is not about speed: it caps the token and id arrays
 * built per call at tens of thousands of entries instead of millions for a multi-MB document.
 */
export const TOKENIZE_CHUNK_CHARS = 65_536;

const NEWLINE = /[\r\n]/;
const WHITESPACE = /\s/;
const LETTER = /\p{L}/u;

// Where a cut leaves the token count unchanged (see splitAtTokenBoundaries): right after a line
// break whose line goes on, after any spaces (an indent: "\n　　他" in Chinese prose), to a
// character that is not whitespace before any other line break.
function isLineBoundary(text: string, i: number): boolean {
  if (i <= 0 || !NEWLINE.test(text[i - 1]!)) return false;
  // Each scan stops at the next line break, so every character is scanned from one position only.
  let j = i;
  while (j < text.length && WHITESPACE.test(text[j]!) && !NEWLINE.test(text[j]!)) j++;
  return j < text.length && !WHITESPACE.test(text[j]!);
}

// Fallback for very long lines: before a space that follows a letter.
function isWordBoundary(text: string, i: number): boolean {
  return text[i] === ' ' && LETTER.test(text[i - 1]!);
}

function isAnyBoundary(text: string, i: number): boolean {
  return isLineBoundary(text, i) || isWordBoundary(text, i);
}

// Last position in (from, ideal] passing `test`, or -1.
function lastBefore(text: string, from: number, ideal: number, test: (t: string, i: number) => boolean): number {
  for (let i = ideal; i > from; i--) if (test(text, i)) return i;
  return -1;
}

// First position after `ideal` passing `test`, or -1.
function firstAfter(text: string, ideal: number, test: (t: string, i: number) => boolean): number {
  for (let i = ideal + 1; i < text.length; i++) if (test(text, i)) return i;
  return -1;
}

/**
 * Cut `text` into pieces of at most about `maxChunkChars` that tokenize, one by one, into exactly
 * the tokens of the whole text.
 *
 * Why the count is the same: Qwen3's tokenizer NFC-normalizes, splits the text with one regex into
 * pre-tokens, and runs BPE on each pre-token alone. So a cut that falls on a pre-token boundary, and
 * that neither normalization nor the regex can see across, changes nothing. The regex
 * (`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|
 * \s*[\r\n]+|\s+(?!\S)|\s+`) has no look-behind, and no alternative runs past a line break into
 * what follows unless that is another line break: `\s*[\r\n]+` backs off to the last line break
 * of a whitespace run. So after a line break that spaces and then a non-space character follow is
 * a boundary; likewise a letter followed by a space ends a letter run. Neither a line break nor a
 * space composes under NFC, and no special token contains one. Cuts are taken only there:
 * preferably after a line break (between paragraphs), else before a space (for a megabyte-long
 * line), else nowhere (a piece is longer; {@link countTextTokens} cuts it further).
 */
export function splitAtTokenBoundaries(text: string, maxChunkChars: number = TOKENIZE_CHUNK_CHARS): string[] {
  if (!Number.isSafeInteger(maxChunkChars) || maxChunkChars < 1) {
    throw new RangeError(`maxChunkChars must be a positive integer, got ${String(maxChunkChars)}`);
  }
  const chunks: string[] = [];
  let start = 0;
  while (text.length - start > maxChunkChars) {
    const ideal = start + maxChunkChars;
    // Each search stops at its first hit, so a text without boundaries is scanned once, not once
    // per chunk.
    let cut = lastBefore(text, start, ideal, isLineBoundary);
    if (cut < 0) cut = lastBefore(text, start, ideal, isWordBoundary);
    if (cut < 0) cut = firstAfter(text, ideal, isAnyBoundary);
    if (cut < 0) break;
    chunks.push(text.slice(start, cut));
    start = cut;
  }
  if (start < text.length) chunks.push(text.slice(start));
  return chunks;
}

/**
 * Number of tokens `tokenizer` makes of `text`: exact for real text. A run of more than 256
 * letters, spaces or symbols (a 2 MB "word", 200 000 newlines) is counted in pieces — an
 * estimate, in linear time, where counting it whole would take minutes (see token-runs.ts).
 */
export function countTokensWith(tokenizer: TextTokenizer, text: string): number {
  let count = 0;
  for (const chunk of splitAtTokenBoundaries(text)) {
    for (const piece of piecesForTokenizer(chunk, TOKENIZE_CHUNK_CHARS)) count += tokenizer.countTokens(piece);
  }
  return count;
}
