/**
 * Character classes that line breaking needs: which characters are CJK (a line may break between
 * any two of them), which may not start or end a line (kinsoku), which are breakable spaces and
 * which are invisible by definition.
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
  [...',.;:!?)]}%\'"', ...'，。、；：？！）」』】〕〉》〗〙〛”’…‥·・ーゝゞ々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ～〜．，：；？！］｝｡｣､'].map(
    (c) => c.codePointAt(0)!,
  ),
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

/**
 * Whitespace that separates words and may break the line, as in reportlab (Glyph's renderer).
 * U+00A0 and U+3000 are not in it: no-break space glues, the ideographic space is drawn as a CJK
 * character (Chinese text indents paragraphs with it).
 */
export function isBreakingSpace(cp: number): boolean {
  return (
    cp === 0x20 ||
    cp === 0x0b ||
    cp === 0x0c ||
    (cp >= 0x1c && cp <= 0x1f) ||
    cp === 0x85 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x205f
  );
}

/** Dropped before layout, as Glyph does: soft hyphen and zero-width space. */
export function isDropped(cp: number): boolean {
  return cp === 0xad || cp === 0x200b;
}

/**
 * Default-ignorable code points (joiners, variation selectors, BOM, invisible operators): they
 * have no ink and no advance, so they are neither drawn nor reported as missing.
 */
export function isInvisible(cp: number): boolean {
  return (
    cp === 0x034f ||
    cp === 0x061c ||
    (cp >= 0x200c && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0xfeff ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0000 && cp <= 0xe0fff)
  );
}

/** True when a line may break between `a` and `b` with no space between them. */
export function canBreakBetween(a: number, b: number): boolean {
  return (isCjk(a) || isCjk(b)) && !cannotStartLine(b) && !cannotEndLine(a);
}
