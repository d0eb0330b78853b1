/**
 * Which characters the renderer draws: whitespace (Unicode's, and the ASCII separators Glyph's
 * renderer splits on), characters dropped before layout, and default-ignorable code points draw
 * nothing; everything else draws its glyph or the missing-glyph box. The runner refuses a text
 * with nothing to draw (400 `no_visible_text`) and the edge refuses such an upload by the same
 * rule, so a stored document can always be rendered. Pure TypeScript: both sides import it.
 */

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

/** Whitespace the renderer lays out but that has nothing to draw: line breaks, tab, no-break spaces. */
const OTHER_WHITESPACE = new Set([0x09, 0x0a, 0x0d, 0xa0, 0x202f, 0x3000]);

/**
 * True when the renderer draws something for `cp` — its glyph, or the missing-glyph box (control
 * characters such as NUL get the box and are counted as missing): anything but whitespace
 * (Unicode's, and the ASCII separators Glyph's renderer splits on), dropped and default-ignorable
 * code points.
 */
export function isVisible(cp: number): boolean {
  return !(isBreakingSpace(cp) || OTHER_WHITESPACE.has(cp) || isDropped(cp) || isInvisible(cp));
}

/** True when `text` has at least one {@link isVisible} character: false for empty or blank text. */
export function hasVisibleText(text: string): boolean {
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    if (isVisible(cp)) return true;
    i += cp > 0xffff ? 2 : 1;
  }
  return false;
}
