/**
 * What the fit search chooses among, and the render config a choice stands for: the profile's
 * recommended page (pixels = points at 72 dpi), Glyph's proportions scaled with the font (line
 * height and margins 10/9 of the font size, as glyph-en's 9 pt on 10 pt with 10 pt margins), and
 * auto-crop snapped to the profile's grid so a cropped page stays fitted.
 */
import { getProfile, type ProfileName } from '../../protocol/profiles.ts';
import { PRESETS, type FontFamily, type RenderConfig, type TextScript } from '../../protocol/render-config.ts';

/** Glyph's line height (and margin) over font size: glyph-en draws 9 pt text on 10 pt lines. */
export const GLYPH_LINE_RATIO = 10 / 9;

/** One candidate of the search, in points. */
export interface FitSetting {
  fontSize: number;
  lineHeight: number;
  margin: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The setting for a font size: Glyph's proportions. */
export function settingFor(fontSize: number): FitSetting {
  const lineHeight = round2(fontSize * GLYPH_LINE_RATIO);
  return { fontSize, lineHeight, margin: lineHeight };
}

// Latin: from well under glyph-en's 9 pt to where any model reads it; CJK glyphs need more pixels.
const LATIN_SIZES = [6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10, 10.5, 11, 12, 13, 14];
const CJK_SIZES = [8, 9, 10, 10.5, 11, 11.5, 12, 12.5, 13, 14, 15, 16, 18, 20];

/** Candidate settings of a script, densest first. */
export function candidateSettings(script: TextScript): FitSetting[] {
  return (script === 'cjk' ? CJK_SIZES : LATIN_SIZES).map(settingFor);
}

/** The font a script is drawn in when the request names none (Glyph's presets' families). */
export function defaultFamily(script: TextScript): FontFamily {
  return script === 'cjk' ? PRESETS['glyph-zh']['font-family'] : PRESETS['glyph-en']['font-family'];
}

/** The complete config of a setting on a profile's page, before the request's own keys. */
export function fittedConfig(profile: ProfileName, setting: FitSetting, family: FontFamily): RenderConfig {
  const { grid, recommendedPage } = getProfile(profile).geometry;
  const base = family === PRESETS['glyph-zh']['font-family'] ? PRESETS['glyph-zh'] : PRESETS['glyph-en'];
  return {
    ...base,
    'font-family': family,
    'page-size': `${recommendedPage.width},${recommendedPage.height}`,
    dpi: 72,
    'font-size': setting.fontSize,
    'line-height': setting.lineHeight,
    'margin-x': setting.margin,
    'margin-y': setting.margin,
    'auto-crop-snap': grid.step,
  };
}
