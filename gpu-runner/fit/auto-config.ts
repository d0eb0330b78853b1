/**
 * Preset `auto` resolved for one request: the script of its text, the fit search's setting for
 * (profile, script, font family, floor), the fitted config it stands for, and the request's own
 * `config` keys on top (explicit keys win over the search's choices).
 */
import { getProfile, modelView, type ProfileName } from '../../protocol/profiles.ts';
import {
  DEFAULT_READBACK_FLOOR,
  checkConfigOverride,
  pageSizePoints,
  resolveRenderConfig,
  type RenderConfig,
} from '../../protocol/render-config.ts';
import type { ManifestFit } from '../../protocol/runner-api.ts';
import { abortable } from '../queue/abortable.ts';
import type { FitSearches } from './fit-cache.ts';
import { scriptOf } from './script.ts';
import { defaultFamily, fittedConfig } from './settings.ts';

/** Options of {@link resolveAutoConfig}. */
export interface ResolveAutoOptions {
  profile: ProfileName;
  /** The text to be drawn (its script picks the calibration). */
  text: string;
  readbackFloor?: number;
  /** The request's `config` keys. */
  override?: Record<string, unknown>;
  searches: FitSearches;
  signal?: AbortSignal;
}

/** A resolved `auto`: the complete config and what the search chose. */
export interface AutoResolution {
  config: RenderConfig;
  fit: ManifestFit;
}

/**
 * Resolves `auto` for a request. Throws RenderConfigError (400 `invalid_config`) for a bad
 * override, before any search runs.
 */
export async function resolveAutoConfig(options: ResolveAutoOptions): Promise<AutoResolution> {
  const { profile } = options;
  const override = checkConfigOverride(options.override);
  const script = scriptOf(options.text);
  const family = override['font-family'] ?? defaultFamily(script);
  const floor = options.readbackFloor ?? DEFAULT_READBACK_FLOOR[script];
  const found = await abortable(options.searches.get({ profile, script, family, floor }), options.signal);
  const setting = { fontSize: found.fontSize, lineHeight: found.lineHeight, margin: found.margin };
  const config = resolveRenderConfig({
    preset: 'glyph-en',
    config: { ...fittedConfig(profile, setting, family), ...override },
  });
  const [w, h] = pageSizePoints(config).map((pt) => Math.round((pt * config.dpi) / 72)) as [number, number];
  const view = safeView(profile, w, h);
  return {
    config,
    fit: {
      profile,
      script,
      fontSize: config['font-size'],
      lineHeight: config['line-height'],
      readback: found.readback,
      floor,
      floorMet: found.floorMet,
      resizedDown: view?.resizedDown ?? false,
    },
  };
}

function safeView(profile: ProfileName, w: number, h: number) {
  try {
    return modelView(getProfile(profile), w, h);
  } catch {
    return undefined;
  }
}
