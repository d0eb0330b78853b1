/**
 * The profiles by name.
 */
import { claude } from './claude.ts';
import { gemini } from './gemini.ts';
import { glm41v } from './glm-4.1v.ts';
import { gpt4o } from './gpt-4o.ts';
import { qwen25vl } from './qwen2.5-vl.ts';
import { qwen3vl } from './qwen3-vl.ts';
import { isProfileName, PROFILE_NAMES, type ProfileName, type VisualTokenProfile } from './types.ts';

const PROFILES: Readonly<Record<ProfileName, VisualTokenProfile>> = Object.freeze({
  'glm-4.1v': glm41v,
  'qwen2.5-vl': qwen25vl,
  'qwen3-vl': qwen3vl,
  'gpt-4o': gpt4o,
  claude,
  gemini,
});

/**
 * The profile called `name`.
 * @throws Error naming the unknown profile and listing the allowed ones.
 */
export function getProfile(name: string): VisualTokenProfile {
  if (!isProfileName(name)) {
    throw new Error(`unknown visual-token profile "${name}"; expected one of: ${PROFILE_NAMES.join(', ')}`);
  }
  return PROFILES[name];
}

/**
 * Visual tokens one `width` × `height` image costs under the profile called `name`.
 * @throws Error for an unknown profile; RangeError for a size the profile rejects.
 */
export function visualTokensFor(name: string, width: number, height: number): number {
  return getProfile(name).visualTokens(width, height);
}
