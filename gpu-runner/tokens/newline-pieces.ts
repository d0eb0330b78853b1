/**
 * Cutting a long text into pieces at line breaks a tokenizer cannot see across, so that counting
 * the pieces one by one gives the count of the whole, with bounded arrays per call.
 */

/** Longest piece, in UTF-16 code units, handed to a tokenizer at once (a cut only lands at a safe break). */
export const PIECE_CHARS = 65_536;

/** Whether the text may be cut just before index `i` (1 ≤ i < text.length). */
export type SafeCut = (text: string, i: number) => boolean;

/**
 * Cut `text` into pieces of about `maxChars`, each cut at the last position before the limit that
 * `safe` allows (or the first after it; a text with none stays whole).
 */
export function piecesAtSafeCuts(text: string, safe: SafeCut, maxChars: number = PIECE_CHARS): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > maxChars) {
    let cut = -1;
    for (let i = start + maxChars; i > start; i--) {
      if (safe(text, i)) {
        cut = i;
        break;
      }
    }
    if (cut < 0) {
      for (let i = start + maxChars + 1; i < text.length; i++) {
        if (safe(text, i)) {
          cut = i;
          break;
        }
      }
    }
    if (cut < 0) break;
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}
