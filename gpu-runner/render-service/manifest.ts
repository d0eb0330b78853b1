/**
 * The render manifest: what a client needs before the first page image (sizes, visual tokens,
 * totals, layout). Built from a render's meta — the cached one on a hit, the plan's on a miss —
 * so hits and misses answer the same bytes.
 */
import { getProfile, type ProfileName } from '../../protocol/profiles.ts';
import type { ManifestPage, RenderManifest } from '../../protocol/runner-api.ts';
import { compressionRatio } from '../../protocol/compression-ratio.ts';
import type { CachedRenderMeta } from '../cache/types.ts';
import { planSourceLayout, type DocumentPlan } from '../planner/document-plan.ts';
import { worthIt } from '../../protocol/worth-it.ts';
import type { RenderConfig } from '../../protocol/render-config.ts';
import type { ManifestFit } from '../../protocol/runner-api.ts';
import type { TextTokenizerChoice } from '../../protocol/text-tokenizers.ts';
import { RunnerError } from '../errors.ts';

/** Pages of a render to send, 1-based inclusive. */
export interface PageRange {
  firstPage: number;
  lastPage: number;
}

/**
 * A render's meta from its plan; page `bytes` are 0 until the pages are encoded. The layout map
 * holds ranges of the text sent, also when the drawn text was reflowed.
 */
export function metaFromPlan(
  plan: DocumentPlan,
  chars: number,
  textTokens: number,
  reflowed = false,
): CachedRenderMeta {
  return {
    chars,
    textTokens,
    pages: plan.pages.map((p) => ({
      width: p.width,
      height: p.height,
      bytes: 0,
      ...(p.planSha256 ? { planSha256: p.planSha256 } : {}),
    })),
    layout: planSourceLayout(plan),
    missingGlyphs: { count: plan.missingGlyphs.count, codePoints: [...plan.missingGlyphs.codePoints] },
    ...(reflowed ? { reflowed } : {}),
  };
}

/**
 * Checks a requested page range against the document (400 naming the field) and fills in the
 * defaults; undefined when the whole document is asked for.
 */
export function resolveRange(pageCount: number, firstPage?: number, lastPage?: number): PageRange | undefined {
  if (firstPage === undefined && lastPage === undefined) return undefined;
  const first = firstPage ?? 1;
  const last = Math.min(lastPage ?? pageCount, pageCount);
  if (first > pageCount) {
    throw new RunnerError(400, 'invalid_request', `firstPage: ${first} is past the last page (${pageCount})`);
  }
  if (last < first) throw new RunnerError(400, 'invalid_request', `lastPage: ${last} is before firstPage ${first}`);
  return { firstPage: first, lastPage: last };
}

/** Options of {@link buildManifest}. */
export interface BuildManifestOptions {
  meta: CachedRenderMeta;
  textSha256: string;
  configHash: string;
  profile: ProfileName;
  /** The resolved config the pages were drawn with. */
  config: RenderConfig;
  /** The tokenizer `meta.textTokens` was counted with. */
  tokenizer: Pick<TextTokenizerChoice, 'family' | 'estimate'>;
  /** What the fit search chose, for preset `auto`. */
  fit?: ManifestFit;
  /** Only these pages (and their layout lines) are listed; totals stay the whole document's. */
  range?: PageRange;
  /** Set for an incremental render: how many leading pages the caller already held (not sent). */
  pagesReused?: number;
}

/**
 * The manifest part. With a range, `pages` and `layout` cover the range only, while `totals`
 * (pages, visual tokens, text tokens, ratio) describe the whole document, so `totals.pages` is
 * the document's page count that {@link RenderManifest.range} promises.
 */
export function buildManifest(options: BuildManifestOptions): RenderManifest {
  const { meta, range } = options;
  const profile = getProfile(options.profile);
  const all: ManifestPage[] = meta.pages.map((p, i) => ({
    n: i + 1,
    width: p.width,
    height: p.height,
    visualTokens: profile.visualTokens(p.width, p.height),
    ...(p.planSha256 ? { planSha256: p.planSha256 } : {}),
  }));
  const visualTokens = all.reduce((sum, p) => sum + p.visualTokens, 0);
  const inRange = (page: number) => !range || (page >= range.firstPage && page <= range.lastPage);
  return {
    textSha256: options.textSha256,
    configHash: options.configHash,
    // Validated when resolved; the schema's narrower `newline-markup` type is the same two values.
    config: options.config as RenderManifest['config'],
    reflowed: meta.reflowed ?? false,
    textTokenizer: { family: options.tokenizer.family, estimate: options.tokenizer.estimate },
    // No page (an empty range cannot happen; a blank text is refused) means nothing to weigh.
    worthIt: visualTokens > 0 && worthIt({ textTokens: meta.textTokens, visualTokens }).worthIt,
    ...(options.fit ? { fit: options.fit } : {}),
    profile: options.profile,
    chars: meta.chars,
    pages: range ? all.filter((p) => inRange(p.n)) : all,
    totals: {
      pages: all.length,
      visualTokens,
      textTokens: meta.textTokens,
      ratio: visualTokens > 0 ? compressionRatio(meta.textTokens, visualTokens) : 0,
    },
    layout: range ? meta.layout.filter((l) => inRange(l.page)) : meta.layout,
    missingGlyphs: meta.missingGlyphs,
    ...(options.pagesReused !== undefined ? { pagesReused: options.pagesReused } : {}),
    ...(range ? { range } : {}),
  };
}
