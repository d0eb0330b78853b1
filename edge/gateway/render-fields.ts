/**
 * How the gateway renders a context for a profile: the one place that picks the render fields.
 * Preset `auto`: the runner fits page geometry and font size to the profile, and the reflow mode
 * is the render route's default.
 */
import type { ProfileName } from '../../protocol/profiles.ts';
import { AUTO_PRESET, type AutoPresetName, type RenderConfig } from '../../protocol/render-config.ts';
import { nominalAutoConfig } from '../renders/render-options.ts';

/** The render fields of a gateway render (reflow left to the route's default). */
export interface GatewayRenderFields {
  preset: AutoPresetName;
  profile: ProfileName;
}

// Mostly Han, kana or Hangul: drawn in the CJK font (the runner tells the script itself; the
// estimate needs it for the glyphs' advance).
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/** Whether most of a text's letters are CJK (sampled from its start: enough to tell a script). */
export function isMostlyCjk(text: string): boolean {
  const sample = text.slice(0, 4000);
  const cjk = sample.match(CJK)?.length ?? 0;
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  return letters > 0 && cjk * 2 > letters;
}

/** The render fields for a context read by `profile`: `preset: "auto"` fitted to that profile. */
export function gatewayRenderFields(profile: ProfileName): GatewayRenderFields {
  return { preset: AUTO_PRESET, profile };
}

/**
 * The config a page estimate of `text` assumes before it is rendered: the profile's recommended
 * page at a nominal dense font (as the render route estimates `auto`), in the CJK font for CJK text.
 */
export function estimateConfig(text: string, profile: ProfileName): RenderConfig {
  return nominalAutoConfig(profile, isMostlyCjk(text) ? { 'font-family': 'Noto Sans SC' } : {});
}
