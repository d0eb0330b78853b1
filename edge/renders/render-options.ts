/**
 * The render part of a request (`preset`, `config`, `profile`), validated at the edge with the
 * same shared code the runner uses, so a bad config is a 400 naming the key without a runner call,
 * and the config hash (the render id, part of every cache key) is known before any lookup.
 */
import { LRUCache } from 'lru-cache';
import type { z } from 'zod';
import type { renderFieldsSchema } from '../../protocol/public-api/render.ts';
import { isProfileName, PROFILE_NAMES } from '../../protocol/profiles.ts';
import { RenderConfigError, renderConfigHash, resolveRenderConfig, type RenderConfig } from '../../protocol/render-config.ts';
import type { RenderOptions } from '../coordinator/render-stream.ts';
import { badRequest } from '../http/errors.ts';

/** The profile used when a request names none: Glyph's base model (as on the runner). */
export const DEFAULT_PROFILE = 'glm-4.1v';

/** The render fields of a request, as validated by protocol/public-api/render.ts. */
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

// Resolved configs and their hashes by request form: a cached re-query or re-render would
// otherwise validate the config and hash it again on every call (0.1–0.25 ms of CPU each).
// Frozen, so no caller can change what the next one gets; bounded, the least recently used dropped first.
const resolvedConfigs = new LRUCache<string, { config: RenderConfig; configHash: string }>({ max: 256 });

async function resolveConfig(fields: RenderFields): Promise<{ config: RenderConfig; configHash: string }> {
  // Only flat configs are looked up and kept (every valid one is: its values are strings, numbers
  // or booleans). A nested value is refused below anyway, and JSON.stringify of a deeply nested
  // one (100 000 levels fit in an upload) would overflow the stack: a 500 instead of the 400.
  const flat = fields.config === undefined || Object.values(fields.config).every((v) => v === null || typeof v !== 'object');
  const key = flat ? JSON.stringify([fields.preset ?? null, fields.config ?? null]) : undefined;
  const hit = key === undefined ? undefined : resolvedConfigs.get(key);
  if (hit) return hit;
  let config: RenderConfig;
  try {
    config = resolveRenderConfig({ preset: fields.preset, config: fields.config });
  } catch (error) {
    if (error instanceof RenderConfigError) throw badRequest('invalid_config', error.message);
    throw error;
  }
  const resolved = { config: Object.freeze(config), configHash: await renderConfigHash(config) };
  if (key !== undefined) resolvedConfigs.set(key, resolved);
  return resolved;
}

/**
 * Resolves preset + config + profile; 400 `invalid_config` / `invalid_profile` naming the problem
 * (the request schema already refuses unknown presets and profiles; this stays the last word).
 */
export async function resolveRender(fields: RenderFields): Promise<ResolvedRender> {
  const { config, configHash } = await resolveConfig(fields);
  const profile = fields.profile ?? DEFAULT_PROFILE;
  if (!isProfileName(profile)) {
    throw badRequest('invalid_profile', `profile: unknown visual-token profile; expected one of ${PROFILE_NAMES.join(', ')}`);
  }
  const render: RenderOptions = {
    ...(fields.preset !== undefined ? { preset: fields.preset } : {}),
    ...(fields.config !== undefined ? { config: fields.config } : {}),
    profile,
  };
  return { config, configHash, profile, render };
}
