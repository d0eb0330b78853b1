/**
 * Where to cut a piece of text before the Qwen3 tokenizer sees it, so that it never sees a long
 * pre-token. Its BPE is superlinear in a pre-token's length — 50 000 spaces take over a second,
 * 400 000 letters ~10 s — so one long run of letters, spaces or symbols (a 2 MB "word", 200 000
 * newlines) would hold the event loop for minutes. A pre-token is at most one run of one character
 * class (letters, whitespace, or symbols and punctuation; each digit is its own), plus one leading
 * character; so cutting every run longer than {@link LONG_RUN_CHARS} into pieces bounds the work.
 *
 * Real text has no such run, and is not cut by this rule: its count stays exact. A long run's
 * count becomes an estimate — exact for a repeated character, within a few per cent otherwise.
 *
 * A piece of text over `maxChars` with no such run (a megabyte-long line of CJK text with its
 * punctuation) is also cut, to bound the tokenizer's arrays: after a letter that a space, a symbol
 * or punctuation follows — where a letter run ends, so a pre-token does — or, failing that for
 * twice as long, anywhere between two characters.
 */

/** Runs of one character class longer than this are cut into pieces. */
export const LONG_RUN_CHARS = 256;

/**
 * Size of a long run's pieces after its first {@link LONG_RUN_CHARS}: the longest token of the
 * vocabulary (128 spaces), so runs of one repeated character (whose tokens are power-of-two runs)
 * still count exactly; and under 256, the longest word the tokenizer caches, so repeated pieces
 * cost nothing.
 */
export const RUN_PIECE_CHARS = 128;

const LETTER = 1;
const SPACE = 2;
const DIGIT = 3;
const MARK = 4;
const OTHER = 5;

const LETTER_RE = /^\p{L}$/u;
const NUMBER_RE = /^\p{N}$/u;
const MARK_RE = /^\p{M}$/u;
const SPACE_RE = /^\s$/u;
// Non-ASCII code points seen, and their class: CJK text reuses a few thousand characters.
const classes = new Map<number, number>();

function classOf(cp: number): number {
  if (cp < 0x80) {
    if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a)) return LETTER;
    if (cp >= 0x30 && cp <= 0x39) return DIGIT;
    if (cp === 0x20 || (cp >= 0x09 && cp <= 0x0d)) return SPACE;
    return OTHER;
  }
  let c = classes.get(cp);
  if (c === undefined) {
    const ch = String.fromCodePoint(cp);
    c = LETTER_RE.test(ch)
      ? LETTER
      : NUMBER_RE.test(ch)
        ? DIGIT
        : MARK_RE.test(ch)
          ? MARK
          : SPACE_RE.test(ch)
            ? SPACE
            : OTHER;
    if (classes.size >= 65_536) classes.clear();
    classes.set(cp, c);
  }
  return c;
}

// Characters that follow letters inside special tokens ("<|im_end|>", "<tool_call>", "</think>"):
// a letter before one of them does not end a pre-token there.
const SPECIAL_TOKEN_INNER = new Set([0x7c, 0x5f, 0x3e]);

/**
 * `text` cut into pieces for the tokenizer (see the module comment): long runs of one character
 * class every {@link RUN_PIECE_CHARS} after their first {@link LONG_RUN_CHARS}, and pieces over
 * `maxChars` where a letter run ends. Never inside a surrogate pair.
 */
export function piecesForTokenizer(text: string, maxChars: number): string[] {
  const cuts: number[] = [];
  let start = 0;
  let runClass = 0;
  let runLength = 0;
  const cut = (i: number): void => {
    if (i > start) {
      cuts.push(i);
      start = i;
    }
  };
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const cls = classOf(cp);
    if (cls !== runClass) {
      const letterRunEnds = runClass === LETTER && cls !== MARK && !SPECIAL_TOKEN_INNER.has(cp);
      if (letterRunEnds && i - start >= maxChars) cut(i);
      runClass = cls;
      runLength = 0;
    } else if (cls !== DIGIT && runLength >= LONG_RUN_CHARS && (runLength - LONG_RUN_CHARS) % RUN_PIECE_CHARS === 0) {
      cut(i);
    }
    if (i - start >= 2 * maxChars) cut(i);
    runLength += 1;
    i += cp > 0xffff ? 2 : 1;
  }
  if (cuts.length === 0) return text.length ? [text] : [];
  const pieces: string[] = [];
  let from = 0;
  for (const to of cuts) {
    pieces.push(text.slice(from, to));
    from = to;
  }
  pieces.push(text.slice(from));
  return pieces;
}
