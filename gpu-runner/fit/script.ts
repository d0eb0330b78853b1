/**
 * Which script a text is in, as the fit search calibrates for it: CJK when a fair share of its
 * visible characters are Han, kana or hangul (a Chinese text with English words in it is still
 * CJK; an English text quoting a Chinese name is not).
 */
import type { TextScript } from '../../protocol/render-config.ts';

/** Share of visible characters that must be CJK for a text to count as CJK. */
export const CJK_SHARE = 0.3;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const VISIBLE = /[^\s\p{P}\p{S}]/u;

/** Most characters looked at: an even sample of a long text tells its script as well as all of it. */
const SAMPLE_CHARS = 200_000;

/** The script of `text`; see the module comment. */
export function scriptOf(text: string): TextScript {
  const step = Math.max(1, Math.floor(text.length / SAMPLE_CHARS));
  let visible = 0;
  let cjk = 0;
  for (let i = 0; i < text.length; i += step) {
    const c = text[i]!;
    // A lone surrogate half is the second half of an astral character (CJK extension B+ included).
    if (c >= '\ud800' && c <= '\udfff') {
      const cp = text.codePointAt(i);
      if (cp !== undefined && cp > 0xffff && CJK.test(String.fromCodePoint(cp))) cjk++;
      if (cp !== undefined && cp > 0xffff) visible++;
      continue;
    }
    if (!VISIBLE.test(c)) continue;
    visible++;
    if (CJK.test(c)) cjk++;
  }
  return visible > 0 && cjk / visible >= CJK_SHARE ? 'cjk' : 'latin';
}
