/**
 * A render job: what every work route (render, decode, answer) knows about its document once the
 * request is validated — the text, its resolved render config and profile, and the cache key.
 */
import type { DocumentKind } from '../../protocol/document-kinds.ts';
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import { isProfileName, PROFILE_NAMES, type ProfileName } from '../../protocol/profiles.ts';
import {
  isAutoPreset,
  renderConfigHash,
  resolveRenderConfig,
  type ReflowMode,
  type RenderConfig,
} from '../../protocol/render-config.ts';
import type { ManifestFit } from '../../protocol/runner-api.ts';
import {
  textTokenizerFor,
  type TextTokenizerChoice,
  type TextTokenizerFamily,
} from '../../protocol/text-tokenizers.ts';
import { resolveAutoConfig, type FitSearches } from '../fit/index.ts';
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
  /** How hard-wrapped prose is treated before layout (the planner reflows; the layout map stays in `text`'s offsets). */
  reflow: ReflowMode;
  /** The tokenizer that counts `text`'s tokens for the profile. */
  tokenizer: TextTokenizerChoice;
  /** Set for preset `auto`: what the fit search chose. */
  fit?: ManifestFit;
  /** Input kind of `text` (`text` unless the request named another). */
  kind: DocumentKind;
  /** A code document's language, or the file name to take it from. */
  language?: string;
  fileName?: string;
}

/** True when a job is drawn by the styled renderer (any kind but plain text). */
export function isStyled(job: RenderJob): boolean {
  return job.kind !== 'text';
}

/** The kind fields of a job as planner options. */
export function kindOptions(job: RenderJob): { kind?: RenderJob['kind']; language?: string; fileName?: string } {
  if (job.kind === 'text') return {};
  return {
    kind: job.kind,
    ...(job.language ? { language: job.language } : {}),
    ...(job.fileName ? { fileName: job.fileName } : {}),
  };
}

/** Fields of a request body that {@link resolveJob} reads. */
export interface JobFields {
  text: string;
  preset?: string;
  config?: Record<string, unknown>;
  profile?: string;
  auto?: { profile: string; readbackFloor?: number };
  reflow?: ReflowMode;
  kind?: DocumentKind;
  language?: string;
  fileName?: string;
}

/** What {@link resolveJob} needs beyond the request to resolve preset `auto`. */
export interface ResolveJobContext {
  /** The runner's fit searches; without them `auto` is refused (503). */
  fits?: FitSearches;
  signal?: AbortSignal;
}

/**
 * Resolves the render config (400 `invalid_config` naming the key; preset `auto` through the fit
 * search, waiting on it if it is still running), the profile (400 `invalid_profile`) and the
 * cache key of a request; 400 `no_visible_text` for a blank text.
 */
export async function resolveJob(fields: JobFields, context: ResolveJobContext = {}): Promise<RenderJob> {
  if (!hasVisibleText(fields.text)) throw new NoVisibleTextError();
  const auto =
    fields.auto ?? (isAutoPreset(fields.preset) ? { profile: fields.profile ?? DEFAULT_PROFILE } : undefined);
  if (fields.auto && fields.preset !== undefined && !isAutoPreset(fields.preset)) {
    throw new RunnerError(
      400,
      'invalid_config',
      `preset: "${truncate(fields.preset)}" cannot be combined with auto; send preset "auto" or none`,
    );
  }
  const profile = auto?.profile ?? fields.profile ?? DEFAULT_PROFILE;
  if (!isProfileName(profile)) {
    throw new RunnerError(
      400,
      'invalid_profile',
      `profile: unknown visual-token profile "${truncate(profile)}"; expected one of ${PROFILE_NAMES.join(', ')}`,
    );
  }
  let config: RenderConfig;
  let fit: ManifestFit | undefined;
  if (auto) {
    if (!context.fits)
      throw new RunnerError(
        503,
        'fit_unavailable',
        'preset auto needs the OCR model, which this runner has not loaded',
      );
    ({ config, fit } = await resolveAutoConfig({
      profile,
      text: fields.text,
      readbackFloor: auto.readbackFloor,
      override: fields.config,
      searches: context.fits,
      signal: context.signal,
    }));
  } else config = resolveRenderConfig({ preset: fields.preset, config: fields.config });
  // Absent: drawn as sent (the edge always names the mode; its public default is auto).
  const reflow = fields.reflow ?? 'off';
  const tokenizer = textTokenizerFor(profile);
  const [configHash, textSha256] = await Promise.all([renderConfigHash(config), sha256Hex(fields.text)]);
  // The same text and config reflowed otherwise, or counted with another tokenizer, is another
  // cached render: both are in the key beside the config.
  const kind = fields.kind ?? 'text';
  const styled = {
    kind,
    ...(fields.language ? { language: fields.language } : {}),
    ...(fields.fileName ? { fileName: fields.fileName } : {}),
  };
  const keyHash = await renderKeyHash({ configHash, reflow, family: tokenizer.family, ...styled });
  return {
    text: fields.text,
    config,
    configHash,
    textSha256,
    key: renderCacheKey(textSha256, keyHash),
    profile,
    reflow,
    tokenizer,
    ...(fit ? { fit } : {}),
    ...styled,
  };
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** What besides the text makes a cached render another one. */
export interface RenderKeyParts {
  configHash: string;
  reflow: ReflowMode;
  family: TextTokenizerFamily;
  kind: DocumentKind;
  language?: string;
  fileName?: string;
}

/**
 * The render's part of its cache key: the config hash, the reflow mode and the tokenizer family
 * (the same text reflowed otherwise or counted with another tokenizer is another render), and for
 * a structured kind the kind, language and file name (the same text drawn as another kind is other
 * pages). Plain text keeps the shorter form, so its cached renders stay where they are.
 */
export async function renderKeyHash(parts: RenderKeyParts): Promise<string> {
  const renderHash = await sha256Hex(`${parts.configHash}|reflow=${parts.reflow}|tokens=${parts.family}`);
  if (parts.kind === 'text') return renderHash;
  return sha256Hex(`${renderHash}|${parts.kind}|${parts.language ?? ''}|${parts.fileName ?? ''}`);
}
