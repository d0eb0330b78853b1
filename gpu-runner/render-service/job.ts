/**
 * A render job: what every work route (render, decode, answer) knows about its document once the
 * request is validated — the text, its resolved render config and profile, and the cache key.
 */
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import { isProfileName, PROFILE_NAMES, type ProfileName } from '../../protocol/profiles.ts';
import { renderConfigHash, resolveRenderConfig, type RenderConfig } from '../../protocol/render-config.ts';
import { renderCacheKey } from '../cache/key.ts';
import { NoVisibleTextError, RunnerError } from '../errors.ts';
import { hasVisibleText } from '../render/char-classes.ts';

/** Profile used when a request names none: Glyph's base model. */
export const DEFAULT_PROFILE: ProfileName = 'glm-4.1v';

/** What every work route needs to know about its document and render. */
export interface RenderJob {
  text: string;
  config: RenderConfig;
  configHash: string;
  textSha256: string;
  /** Render-cache key `${textSha256}/${configHash}`. */
  key: string;
  profile: ProfileName;
}

/** Fields of a request body that {@link resolveJob} reads. */
export interface JobFields {
  text: string;
  preset?: string;
  config?: Record<string, unknown>;
  profile?: string;
}

/**
 * Resolves the render config (400 `invalid_config` naming the key), the profile (400
 * `invalid_profile`) and the cache key of a request; 400 `no_visible_text` for a blank text.
 */
export async function resolveJob(fields: JobFields): Promise<RenderJob> {
  if (!hasVisibleText(fields.text)) throw new NoVisibleTextError();
  const config = resolveRenderConfig({ preset: fields.preset, config: fields.config });
  const profile = fields.profile ?? DEFAULT_PROFILE;
  if (!isProfileName(profile)) {
    throw new RunnerError(400, 'invalid_profile', `profile: unknown visual-token profile "${truncate(profile)}"; expected one of ${PROFILE_NAMES.join(', ')}`);
  }
  const [configHash, textSha256] = await Promise.all([renderConfigHash(config), sha256Hex(fields.text)]);
  return { text: fields.text, config, configHash, textSha256, key: renderCacheKey(textSha256, configHash), profile };
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
