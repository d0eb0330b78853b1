/**
 * Which visual-token profile reads the pages for a chat model: from the request's `model` name,
 * unless the `x-glyph-profile` header names one.
 */
import { isProfileName, type ProfileName } from '../../protocol/profiles.ts';

/** Header that picks the profile whatever the model name says. */
export const PROFILE_HEADER = 'x-glyph-profile';

// Prefix → profile, longest prefixes first where two could match.
const MODEL_PREFIXES: readonly (readonly [string, ProfileName])[] = [
  ['gpt-4o', 'gpt-4o'],
  ['gpt-4.1', 'gpt-4o'],
  ['claude', 'claude'],
  ['gemini', 'gemini'],
  ['glm-4.1v', 'glm-4.1v'],
  ['qwen2.5-vl', 'qwen2.5-vl'],
  ['qwen3-vl', 'qwen3-vl'],
];

/**
 * The profile of a model name (`gpt-4o*`, `gpt-4.1*` → gpt-4o; `claude*` → claude; `gemini*` →
 * gemini; `glyph`, `glm-4.1v*` → glm-4.1v; `qwen2.5-vl*`, `qwen3-vl*`), or null when the name is
 * none of those. Case-insensitive; an `org/` prefix (as vLLM and Hugging Face name models, e.g.
 * `Qwen/Qwen3-VL-8B-Instruct`, `zai-org/Glyph`) is ignored.
 */
export function profileForModel(model: string): ProfileName | null {
  const name = model.trim().toLowerCase().split('/').at(-1) ?? '';
  if (name === 'glyph') return 'glm-4.1v';
  for (const [prefix, profile] of MODEL_PREFIXES) if (name.startsWith(prefix)) return profile;
  return null;
}

/** Outcome of {@link chooseProfile}. */
export type ProfileChoice = { ok: true; profile: ProfileName } | { ok: false; message: string; param: string };

/** The header's profile when sent (it must be a known one), else the model's. */
export function chooseProfile(model: string, header: string | undefined): ProfileChoice {
  if (header !== undefined && header.trim() !== '') {
    const name = header.trim();
    if (isProfileName(name)) return { ok: true, profile: name };
    return { ok: false, param: PROFILE_HEADER, message: `${PROFILE_HEADER}: unknown profile "${name.slice(0, 64)}"` };
  }
  const profile = profileForModel(model);
  if (profile) return { ok: true, profile };
  return {
    ok: false,
    param: 'model',
    message:
      `model "${model.slice(0, 128)}" maps to no visual-token profile (gpt-4o*, gpt-4.1*, claude*, gemini*, glyph, glm-4.1v*, ` +
      `qwen2.5-vl*, qwen3-vl*); send the ${PROFILE_HEADER} header to choose one`,
  };
}
