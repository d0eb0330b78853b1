/**
 * The render part of a request (`preset`, `config`, `profile`), validated at the edge with the
 * same shared code the runner uses, so a bad config is a 400 naming the key without a runner call,
 * and the config hash (the render id, part of every cache key) is known before any lookup.
 */
import type { z } from 'zod';
import type { renderFieldsSchema } from '../api/render.ts';
import { isProfileName, PROFILE_NAMES } from '../../protocol/profiles.ts';
import { RenderConfigError, renderConfigHash, resolveRenderConfig, type RenderConfig } from '../../protocol/render-config.ts';
import type { RenderOptions } from '../coordinator/render-stream.ts';
import { badRequest } from './errors.ts';

/** The profile used when a request names none: Glyph's base model (as on the runner). */
export const DEFAULT_PROFILE = 'glm-4.1v';

/** The render fields of a request, as validated by edge/api/render.ts. */
export type RenderFields = z.infer<typeof renderFieldsSchema>;

/** A resolved render request. */
export interface ResolvedRender {
  config: RenderConfig;
  /** SHA-256 of the canonical config: the render id. */
  configHash: string;
  profile: string;
  /** What the runner is sent (as the client gave it; the runner resolves it identically). */
  render: RenderOptions;
}

/**
 * Resolves preset + config + profile; 400 `invalid_config` / `invalid_profile` naming the problem
 * (the request schema already refuses unknown presets and profiles; this stays the last word).
 */
export async function resolveRender(fields: RenderFields): Promise<ResolvedRender> {
  let config: RenderConfig;
  try {
    config = resolveRenderConfig({ preset: fields.preset, config: fields.config });
  } catch (error) {
    if (error instanceof RenderConfigError) throw badRequest('invalid_config', error.message);
    throw error;
  }
  const profile = fields.profile ?? DEFAULT_PROFILE;
  if (!isProfileName(profile)) {
    throw badRequest('invalid_profile', `profile: unknown visual-token profile; expected one of ${PROFILE_NAMES.join(', ')}`);
  }
  const render: RenderOptions = {
    ...(fields.preset !== undefined ? { preset: fields.preset } : {}),
    ...(fields.config !== undefined ? { config: fields.config } : {}),
    profile,
  };
  return { config, configHash: await renderConfigHash(config), profile, render };
}
