/**
 * Turning a signed request into a validated job: content type, JSON, schema, render config,
 * profile and cache key. Every failure is a 4xx {@link ApiError} that names the field or key.
 */
import type { z } from 'zod';
import { isProfileName, PROFILE_NAMES, type ProfileName } from '../../protocol/profiles.ts';
import { renderConfigHash, resolveRenderConfig, type RenderConfig } from '../../protocol/render-config.ts';
import { renderCacheKey } from '../cache/key.ts';
import { hasVisibleText } from '../render/char-classes.ts';
import { ApiError, NoVisibleTextError } from './errors.ts';

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

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks the content type and parses `body` (the verified raw bytes) with `schema`.
 * 415 unless `application/json`; 400 `invalid_json` or `invalid_request` naming the field.
 */
export function parseJsonBody<S extends z.ZodType>(contentType: string | undefined, body: Uint8Array, schema: S): z.infer<S> {
  const mediaType = contentType?.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ApiError(415, 'unsupported_media_type', `content-type must be application/json, got ${mediaType || 'none'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body));
  } catch {
    throw new ApiError(400, 'invalid_json', 'the body is not valid UTF-8 JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', describeIssue(parsed.error.issues[0]));
  return parsed.data;
}

/** One zod issue as `field: message`, or the unknown field's name. */
function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid request body';
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  const field = issue.path.map(String).join('.');
  if (!field) return `body: ${issue.message}`;
  return issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`;
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
    throw new ApiError(400, 'invalid_profile', `profile: unknown visual-token profile "${truncate(profile)}"; expected one of ${PROFILE_NAMES.join(', ')}`);
  }
  const [configHash, textSha256] = await Promise.all([renderConfigHash(config), sha256Hex(fields.text)]);
  return { text: fields.text, config, configHash, textSha256, key: renderCacheKey(textSha256, configHash), profile };
}

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text` (Web Crypto: hashed off the main thread). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
