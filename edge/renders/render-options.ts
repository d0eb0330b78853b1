/**
 * The render part of a request (`preset`, `config`, `profile`, `reflow`, `readbackFloor`),
 * validated at the edge with the same shared code the runner uses, so a bad config is a 400 naming
 * the key without a runner call, and the render id (part of every cache key: render-id.ts) is
 * known before any lookup.
 */
import { LRUCache } from 'lru-cache';
import type { z } from 'zod';
import type { renderFieldsSchema } from '../../protocol/public-api/render.ts';
import { isProfileName, PROFILE_NAMES, recommendedPageSize, type ProfileName } from '../../protocol/profiles.ts';
import {
  checkConfigOverride,
  DEFAULT_REFLOW,
  isAutoPreset,
  isReflowMode,
  PRESETS,
  RenderConfigError,
  renderConfigHash,
  resolveRenderConfig,
  REFLOW_MODES,
  type RenderConfig,
  type ReflowMode,
} from '../../protocol/render-config.ts';
import type { RenderOptions } from '../coordinator/render-stream.ts';
import { badRequest } from '../http/errors.ts';
import { autoRenderId, fixedRenderId } from './render-id.ts';

/** The profile used when a request names none: Glyph's base model (as on the runner). */
export const DEFAULT_PROFILE: ProfileName = 'glm-4.1v';

/** The render fields of a request, as validated by protocol/public-api/render.ts. */
export type RenderFields = z.infer<typeof renderFieldsSchema>;

/** A resolved render request. */
export interface ResolvedRender {
  /**
   * The complete config for a fixed preset or config. For `auto`, the config the page estimate
   * assumes (the profile's recommended page, a nominal dense font): the runner resolves the real one.
   */
  config: RenderConfig;
  /** True for preset `auto`: `config` is an estimate, and the manifest says what was drawn. */
  auto: boolean;
  /** The render's name in every cache (render-id.ts). */
  renderId: string;
  /**
   * SHA-256 of the config the runner must report drawing, for fixed configs (checked against its
   * manifest); undefined for `auto`, whose config only the runner knows.
   */
  expectedConfigHash: string | undefined;
  /** @deprecated the render id under its old name (callers that stored renders by config hash). */
  configHash: string;
  profile: ProfileName;
  reflow: ReflowMode;
  /** What the runner is sent (as the client gave it; the runner resolves it identically). */
  render: RenderOptions;
}

// Font the page estimate of `auto` assumes: the search goes denser than Glyph's 9/10 pt only where
// the read-back allows, so 8/9 pt keeps the estimate near a lower bound on pages.
const NOMINAL_AUTO_FONT = { 'font-size': 8, 'line-height': 9 } as const;

/**
 * The config a page estimate of `auto` assumes: the profile's recommended page (pixels are points
 * at 72 dpi), a nominal dense font, and the caller's overrides on top.
 */
export function nominalAutoConfig(profile: ProfileName, overrides: Partial<RenderConfig>): RenderConfig {
  const page = recommendedPageSize(profile);
  const cjk = overrides['font-family'] === 'Noto Sans SC';
  return {
    ...PRESETS[cjk ? 'glyph-zh' : 'glyph-en'],
    'page-size': `${page.width},${page.height}`,
    dpi: 72,
    ...NOMINAL_AUTO_FONT,
    ...overrides,
  };
}

// Resolved requests by their form: a cached re-query or re-render would otherwise validate the
// config and hash it again on every call (0.1–0.25 ms of CPU each). Frozen, so no caller can
// change what the next one gets; bounded, the least recently used dropped first.
const resolvedRequests = new LRUCache<string, Omit<ResolvedRender, 'render'>>({ max: 256 });

function configError(error: unknown): never {
  if (error instanceof RenderConfigError) throw badRequest('invalid_config', error.message);
  throw error;
}

async function resolveFields(fields: RenderFields): Promise<Omit<ResolvedRender, 'render'>> {
  const profile = fields.profile ?? DEFAULT_PROFILE;
  if (!isProfileName(profile)) {
    throw badRequest(
      'invalid_profile',
      `profile: unknown visual-token profile; expected one of ${PROFILE_NAMES.join(', ')}`,
    );
  }
  const reflow = fields.reflow ?? DEFAULT_REFLOW;
  if (!isReflowMode(reflow)) throw badRequest('invalid_config', `reflow must be one of ${REFLOW_MODES.join(', ')}`);
  const auto = isAutoPreset(fields.preset);
  if (!auto && fields.readbackFloor !== undefined) {
    throw badRequest(
      'invalid_config',
      'readbackFloor applies to preset "auto" only: set preset to "auto" or drop readbackFloor',
    );
  }
  if (auto) {
    let overrides: Partial<RenderConfig>;
    try {
      overrides = checkConfigOverride(fields.config);
    } catch (error) {
      configError(error);
    }
    const renderId = await autoRenderId({ profile, reflow, readbackFloor: fields.readbackFloor, overrides });
    const config = Object.freeze(nominalAutoConfig(profile, overrides));
    return { config, auto, renderId, configHash: renderId, expectedConfigHash: undefined, profile, reflow };
  }
  let config: RenderConfig;
  try {
    config = resolveRenderConfig({ preset: fields.preset, config: fields.config });
  } catch (error) {
    configError(error);
  }
  const renderId = await fixedRenderId({ config, reflow });
  const expectedConfigHash = await renderConfigHash(config);
  return { config: Object.freeze(config), auto, renderId, configHash: renderId, expectedConfigHash, profile, reflow };
}

/**
 * Resolves the render fields; 400 `invalid_config` / `invalid_profile` naming the problem (the
 * request schema already refuses unknown presets, profiles and reflow modes; this stays the last
 * word, and refuses `readbackFloor` without preset `auto`).
 */
export async function resolveRender(fields: RenderFields): Promise<ResolvedRender> {
  // Only flat configs are looked up and kept (every valid one is: its values are strings, numbers
  // or booleans). A nested value is refused anyway, and JSON.stringify of a deeply nested one
  // (100 000 levels fit in an upload) would overflow the stack: a 500 instead of the 400.
  const flat =
    fields.config === undefined || Object.values(fields.config).every((v) => v === null || typeof v !== 'object');
  const key = flat
    ? JSON.stringify([
        fields.preset ?? null,
        fields.config ?? null,
        fields.profile ?? null,
        fields.reflow ?? null,
        fields.readbackFloor ?? null,
      ])
    : undefined;
  let resolved = key === undefined ? undefined : resolvedRequests.get(key);
  if (!resolved) {
    resolved = await resolveFields(fields);
    if (key !== undefined) resolvedRequests.set(key, resolved);
  }
  const { profile, reflow } = resolved;
  const render: RenderOptions = resolved.auto
    ? {
        ...(fields.config !== undefined ? { config: fields.config } : {}),
        auto: { profile, ...(fields.readbackFloor !== undefined ? { readbackFloor: fields.readbackFloor } : {}) },
        reflow,
        profile,
      }
    : {
        ...(fields.preset !== undefined ? { preset: fields.preset } : {}),
        ...(fields.config !== undefined ? { config: fields.config } : {}),
        reflow,
        profile,
      };
  return { ...resolved, render };
}
