/**
 * What a perfect reader would read on a rendered line: the source slice `text.slice(start, end)`
 * rewritten the way the renderer draws it (gpu-runner/render/line-breaking.ts), so that decode
 * accuracy measures the pixels, not differences the renderer made on purpose:
 * - a tab is drawn as {@link TAB_SPACES} spaces, and a run of two or more spaces/tabs is kept;
 * - any other run of breaking whitespace is one word gap (one space);
 * - soft hyphen, zero-width space and default-ignorable code points are not drawn;
 * - with the newline-marker markup, a line break inside a paragraph is drawn as ` \n ` (a
 *   backslash and an n between word gaps); with `<br/>` a line never spans a break.
 */
import { NEWLINE_MARKER, type RenderConfig } from '../../protocol/render-config.ts';
import { isBreakingSpace, isDropped, isInvisible } from '../render/char-classes.ts';
import { TAB_SPACES } from '../render/line-breaking.ts';

const TAB = 0x09;
const SPACE = 0x20;

/** The characters drawn on the line covering `text[start, end)`; see the module comment. */
export function expectedLineText(
  text: string,
  start: number,
  end: number,
  config: Pick<RenderConfig, 'newline-markup'>,
): string {
  const marker = config['newline-markup'] === NEWLINE_MARKER;
  let out = '';
  // A word gap is drawn only between two boxes: held back until something follows it, so a gap
  // at the end of the line (where it broke) is not drawn, and two adjacent gaps are one.
  let gap = false;
  const put = (s: string): void => {
    if (gap && out) out += ' ';
    gap = false;
    out += s;
  };
  let i = start;
  while (i < end) {
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    if (cp === 0x0a || cp === 0x0d) {
      if (marker) {
        gap = true;
        put('\\n');
        gap = true;
      }
      i += cp === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
      continue;
    }
    if (cp === SPACE || cp === TAB || isBreakingSpace(cp)) {
      let j = i;
      let spaces = 0;
      let onlySpacesAndTabs = true;
      for (; j < end; j++) {
        const c = text.charCodeAt(j);
        if (c === SPACE) spaces += 1;
        else if (c === TAB) spaces += TAB_SPACES;
        else if (isBreakingSpace(c)) onlySpacesAndTabs = false;
        else break;
      }
      // Kept runs are drawn as no-break spaces, one per space; anything else is one word gap.
      if (onlySpacesAndTabs && spaces >= 2) put(' '.repeat(spaces));
      else gap = true;
      i = j;
      continue;
    }
    if (!isDropped(cp) && !isInvisible(cp)) put(String.fromCodePoint(cp));
    i += len;
  }
  return out;
}
