/**
 * Is a paragraph hard-wrapped prose? The test reflow's `auto` mode runs on every plain (not
 * structured) paragraph of two or more lines. A greedy wrapper — what produced Gutenberg's
 * 70-column novels, e-mail at 72 and most fixed-width text — breaks a line only when the next
 * word would not fit, so its lines leave a trace no hand-broken text has:
 *
 * 1. **The next word would not have fit.** With `W` the paragraph's widest line, every line but
 *    the last is so full that it plus a space plus the first word of the next line comes within
 *    a tolerance of `W` (10 % of `W`, at least 2 columns: e-texts were wrapped by tools that do
 *    not all break at one exact column). Verse, addresses and short hand-broken lines fail
 *    this: their next word would fit with room to spare. From four breaks on, one in six may
 *    fail (an editor's manual break, a long word moved down).
 * 2. **The paragraph reaches the text's wrap width.** `W` is at least 80 % of the width the text
 *    wraps at, as estimated from its own block and the blocks before it (`WrapWidthEstimate`:
 *    never from text after it, so appending text cannot change the verdict), so a run of short
 *    lines inside wrapped prose — a poem quoted in a novel — is not taken for a narrow paragraph.
 * 3. **A width a wrapper uses**: `W` is at least 24 columns and at most 160. No tool wraps prose
 *    wider (e-texts wrap at 70–80 columns, Markdown sources at up to 120); two unwrapped
 *    paragraphs of a chat message on consecutive lines would otherwise pass test 1 when the first
 *    is the longer one.
 *
 * Widths are in monospace columns: a CJK character counts two, and a CJK line joins the next
 * one with no space, so its "next word" is the next line's first character.
 */
import { displayWidth, isWide, type SourceLine } from './source-lines.ts';

/** Narrowest wrap width (columns) at which reflow joins lines. */
export const MIN_WRAP_COLUMNS = 24;

/** Widest wrap width (columns) at which reflow joins lines. */
export const MAX_WRAP_COLUMNS = 160;

/** Columns a line's visible content takes (trailing spaces not counted). */
export function contentWidth(line: SourceLine): number {
  return displayWidth(line.text.slice(0, line.contentEnd - line.start));
}

/** What joins line `a` to the next line `b` that starts with `next`: a space, or nothing (CJK, a hyphen). */
export function joinerBetween(a: SourceLine, next: string): string {
  const end = a.text.slice(0, a.contentEnd - a.start);
  const last = Array.from(end).at(-1)!.codePointAt(0)!;
  const first = next.codePointAt(0)!;
  if (isWide(last) || isWide(first)) return '';
  // "to-\nmorrow" and "said--\nand" are joined as written, without adding a space.
  if (/\p{L}-$|--$/u.test(end)) return '';
  return ' ';
}

/**
 * True when `lines` (a plain paragraph) look greedily wrapped; see the module comment.
 * `textWidth` is the text's wrap width as estimated up to the end of the paragraph's block.
 */
export function isHardWrapped(lines: readonly SourceLine[], textWidth: number): boolean {
  if (lines.length < 2) return false;
  const widths = lines.map(contentWidth);
  const wrap = Math.max(...widths);
  if (wrap < MIN_WRAP_COLUMNS || wrap > MAX_WRAP_COLUMNS || wrap < 0.8 * textWidth) return false;
  const tolerance = Math.max(2, Math.round(0.1 * wrap));
  let misses = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const next = lines[i + 1]!;
    const nextText = next.text.slice(next.contentStart - next.start, next.contentEnd - next.start);
    const joiner = joinerBetween(lines[i]!, nextText);
    const firstWord =
      joiner === '' && isWide(nextText.codePointAt(0)!)
        ? String.fromCodePoint(nextText.codePointAt(0)!)
        : nextText.split(/\s/u)[0]!;
    if (widths[i]! + joiner.length + displayWidth(firstWord) <= wrap - tolerance) misses++;
  }
  const breaks = lines.length - 1;
  return misses === 0 || (breaks >= 4 && misses <= breaks / 6);
}
