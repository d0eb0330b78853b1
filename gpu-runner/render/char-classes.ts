/**
 * Character classes that line breaking needs: which characters are CJK (a line may break between
 * any two of them), which may not start or end a line (kinsoku), which are breakable spaces,
 * which are invisible by definition, and so whether a text has anything to draw at all.
 */

/** True for ideographs, kana, Hangul, CJK punctuation and full-width forms. */
export function isCjk(cp: number): boolean {
  return (
    (cp >= 0x2e80 && cp <= 0x9fff) ||
    (cp >= 0xac00 && cp <= 0xd7af) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xffef) ||
    (cp >= 0x20000 && cp <= 0x3ffff)
  );
}

const noStart = new Set(
  [
    ...',.;:!?)]}%\'"',
    ...'，。、；：？！）」』】〕〉》〗〙〛”’…‥·・ーゝゞ々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ～〜．，：；？！］｝｡｣､',
  ].map((c) => c.codePointAt(0)!),
);
const noEnd = new Set([...'([{（「『【〔〈《〖〘〚“‘［｛｢＄￥'].map((c) => c.codePointAt(0)!));

/** Characters that may not begin a line (closing punctuation, small kana, CJK commas and stops). */
export function cannotStartLine(cp: number): boolean {
  return noStart.has(cp);
}

/** Characters that may not end a line (opening brackets and quotes). */
export function cannotEndLine(cp: number): boolean {
  return noEnd.has(cp);
}

// What is whitespace, dropped, invisible or visible is shared with the edge (which refuses an
// upload with nothing to draw by the same rule): it lives in protocol/.
export { hasVisibleText, isBreakingSpace, isDropped, isInvisible, isVisible } from '../../protocol/visible-text.ts';

/** True when a line may break between `a` and `b` with no space between them. */
export function canBreakBetween(a: number, b: number): boolean {
  return (isCjk(a) || isCjk(b)) && !cannotStartLine(b) && !cannotEndLine(a);
}
