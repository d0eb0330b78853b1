/**
 * How the gateway renders a context for a profile: the one place that picks the render fields,
 * so that switching to `preset: "auto"` (pages fitted to the profile) is a one-line change here.
 */
import type { ProfileName } from '../../protocol/profiles.ts';
import type { PresetName } from '../../protocol/render-config.ts';

/** The render fields of a gateway render. */
export interface GatewayRenderFields {
  preset: PresetName;
  profile: ProfileName;
}

// Mostly Han, kana or Hangul: the CJK preset draws it (its font has the glyphs).
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/** Whether most of a text's letters are CJK (sampled from its start: enough to tell a script). */
export function isMostlyCjk(text: string): boolean {
  const sample = text.slice(0, 4000);
  const cjk = sample.match(CJK)?.length ?? 0;
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  return letters > 0 && cjk * 2 > letters;
}

/**
 * The render fields for `text` read by `profile`: today the default preset of its script
 * (`glyph-en`, or `glyph-zh` for CJK text); `preset: "auto"` once issue 11 lands it.
 */
export function gatewayRenderFields(text: string, profile: ProfileName): GatewayRenderFields {
  return { preset: isMostlyCjk(text) ? 'glyph-zh' : 'glyph-en', profile };
}
