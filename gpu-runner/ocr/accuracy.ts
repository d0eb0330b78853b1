/**
 * Character accuracy of an OCR read-back against the text that was rendered.
 *
 * Accuracy is `1 − levenshtein(expected, got) / length(expected)`, clamped at 0, counted in
 * Unicode code points (not UTF-16 units, so a CJK extension-B character or an emoji is one
 * character, as a reader would count it).
 *
 * **Normalization** (`normalize: true`, see {@link normalizeForComparison}) forgives differences
 * that are typographic rather than misreadings, so the figure measures "did the VLM/OCR see the
 * right characters", not "did it pick the same code point for a glyph that looks the same":
 * 1. single curly/prime quotes `‘ ’ ‚ ‛ ′` → `'`; double ones `“ ” „ ‟ ″` → `"` (before NFKC,
 *    which would otherwise split `″` into two single primes);
 * 2. en and em dashes `– —` → `-`;
 * 3. Unicode NFKC: full-width forms → ASCII (`ＡＢＣ` → `ABC`, and full-width CJK punctuation
 *    such as `，：；！？（）` → `,:;!?()`, which PP-OCR often emits in the ASCII form),
 *    ligatures `ﬁ` → `fi`, NBSP and other compatibility spaces → space; `。、「」` are kept;
 * 4. every run of whitespace (space, tab, newline, any Unicode space) → one space; ends trimmed.
 *
 * The raw figure (`normalize: false`) compares code points as they are.
 *
 * **Variant folding** (`foldVariants: true`, on top of either) also maps traditional Chinese
 * forms to simplified ones on both sides (OpenCC, see `variants.ts`), for the variant-insensitive
 * figure reported beside the strict one: the recognizer's dictionary is mostly simplified, so
 * on traditional text it writes 謂 as 谓 though it saw the right character.
 */
import { foldChineseVariants } from './variants.ts';

/** Options for {@link charAccuracy} and {@link aggregateAccuracy}. */
export interface AccuracyOptions {
  /** Apply {@link normalizeForComparison} to both sides first. */
  normalize: boolean;
  /** Also fold traditional Chinese forms to simplified on both sides (OpenCC t → cn). Default false. */
  foldVariants?: boolean;
}

/** Distance and length of one compared line, the parts an aggregate sums. */
export interface LineScore {
  /** Levenshtein distance in code points (after normalization when asked). */
  distance: number;
  /** Length of the expected text in code points (after normalization when asked). */
  length: number;
  /** `max(0, 1 − distance / length)`; for an empty expectation 1 when `got` is empty, else 0. */
  accuracy: number;
}

/** Summary over many lines: distances and lengths are summed before dividing. */
export interface AggregateScore {
  /** Number of lines compared. */
  lines: number;
  /** Sum of per-line distances. */
  distance: number;
  /** Sum of expected lengths. */
  length: number;
  /** `max(0, 1 − distance / length)`; 1 when there is nothing to compare and nothing was read. */
  accuracy: number;
}

const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033]/g;
const DASHES = /[\u2013\u2014]/g;
const WHITESPACE = /\s+/gu;

/** Folds typographic variants (curly quotes, en/em dashes, NFKC, whitespace runs) so they compare equal. */
export function normalizeForComparison(s: string): string {
  return s
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(DASHES, '-')
    .normalize('NFKC')
    .replace(WHITESPACE, ' ')
    .trim();
}

/** Levenshtein distance between two code-point arrays, O(n·m) time with two rows of memory. */
export function levenshtein(a: readonly string[] | string, b: readonly string[] | string): number {
  const x = typeof a === 'string' ? Array.from(a) : a;
  const y = typeof b === 'string' ? Array.from(b) : b;
  if (x.length === 0) return y.length;
  if (y.length === 0) return x.length;
  let prev = new Uint32Array(y.length + 1);
  let cur = new Uint32Array(y.length + 1);
  for (let j = 0; j <= y.length; j++) prev[j] = j;
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    const xi = x[i - 1];
    for (let j = 1; j <= y.length; j++) {
      const sub = prev[j - 1] + (xi === y[j - 1] ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[y.length];
}

/** Distance, length and accuracy of one line read back as `got` when `expected` was rendered. */
export function scoreLine(expected: string, got: string, options: AccuracyOptions): LineScore {
  const e = Array.from(comparable(expected, options));
  const g = Array.from(comparable(got, options));
  const distance = levenshtein(e, g);
  return { distance, length: e.length, accuracy: ratio(distance, e.length) };
}

/** Character accuracy of one line: `max(0, 1 − levenshtein / len(expected))`. */
export function charAccuracy(expected: string, got: string, options: AccuracyOptions): number {
  return scoreLine(expected, got, options).accuracy;
}

/**
 * Accuracy over many lines, weighting each line by its length (sum of distances ÷ sum of
 * lengths), so a short line read badly does not count as much as a whole paragraph.
 */
export function aggregateAccuracy(
  pairs: ReadonlyArray<{ expected: string; got: string }>,
  options: AccuracyOptions,
): AggregateScore {
  let distance = 0;
  let length = 0;
  for (const { expected, got } of pairs) {
    const s = scoreLine(expected, got, options);
    distance += s.distance;
    length += s.length;
  }
  return { lines: pairs.length, distance, length, accuracy: ratio(distance, length) };
}

function comparable(s: string, options: AccuracyOptions): string {
  const normalized = options.normalize ? normalizeForComparison(s) : s;
  return options.foldVariants ? foldChineseVariants(normalized) : normalized;
}

// With nothing expected, the distance is exactly what was read: nothing read is a perfect score.
function ratio(distance: number, length: number): number {
  if (length === 0) return distance === 0 ? 1 : 0;
  return Math.max(0, 1 - distance / length);
}
