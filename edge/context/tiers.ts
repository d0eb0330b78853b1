/**
 * The render tiers of a budgeted context: tier 0 is preset `auto` for the profile (the fit
 * search's font, page on the model's cost grid); each denser tier is the same fitted page with
 * the fitted font size and line height scaled down, so more turns fit a page at a lower read-back
 * (each tier's read-back is measured and reported). Conversations render with reflow off: every
 * turn's lines are its own, and a page never depends on text after it.
 */
import { AUTO_PRESET } from '../../protocol/render-config.ts';
import type { ProfileName } from '../../protocol/profiles.ts';
import type { RenderFields } from '../renders/render-options.ts';

/** Font scale of each tier, sharpest first. */
export const TIER_SCALES: readonly number[] = Object.freeze([1, 0.8, 0.65]);

/** The fitted font of preset `auto` for a profile (from a tier-0 render's `fit`). */
export interface FittedFont {
  fontSize: number;
  lineHeight: number;
}

// Quarter points: the render id of a denser tier (its override) stays the same for the same fit.
const quarter = (x: number) => Math.max(1, Math.round(x * 4) / 4);

/** The font of `tier` given the fitted font. */
export function tierFont(tier: number, fit: FittedFont): FittedFont {
  const scale = TIER_SCALES[tier] ?? TIER_SCALES.at(-1)!;
  if (scale === 1) return fit;
  return { fontSize: quarter(fit.fontSize * scale), lineHeight: quarter(fit.lineHeight * scale) };
}

/** The render fields of `tier` (`fit` is needed for every tier but 0). */
export function tierRenderFields(tier: number, profile: ProfileName, fit: FittedFont | undefined): RenderFields {
  const base: RenderFields = { preset: AUTO_PRESET, profile, reflow: 'off' };
  if (tier === 0) return base;
  if (!fit) throw new Error(`tier ${tier} needs the fitted font of tier 0`);
  const font = tierFont(tier, fit);
  return { ...base, config: { 'font-size': font.fontSize, 'line-height': font.lineHeight } };
}
