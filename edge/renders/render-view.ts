/**
 * The public render result (DESIGN.md: `{ renderId, cached, pages, totals }`) from a stored
 * manifest, priced for the profile the caller asked for.
 */
import type { z } from 'zod';
import { compressionRatio } from '../../protocol/compression-ratio.ts';
import { visualTokensFor } from '../../protocol/profiles.ts';
import type { renderPageSchema, renderViewSchema } from '../../protocol/public-api/render.ts';
import type { StoredManifest } from '../storage/renders.ts';

/** One page of the public render result. */
export type RenderPageView = z.infer<typeof renderPageSchema>;

/** Body of a render / compress response. */
export type RenderView = z.infer<typeof renderViewSchema>;

/** Options of {@link renderView}. */
export interface RenderViewOptions {
  manifest: StoredManifest;
  profile: string;
  cached: boolean;
  /** Origin the page URLs are made absolute against (the request's). */
  origin: string;
}

/**
 * Builds the response. Pixels do not depend on the profile, so one stored render serves every
 * profile: visual tokens are recomputed from page sizes when the profile differs from the one
 * the runner priced.
 */
export function renderView(options: RenderViewOptions): RenderView {
  const { manifest, profile, cached, origin } = options;
  const sha = manifest.textSha256;
  const renderId = manifest.configHash;
  const reprice = profile !== manifest.profile;
  const pages = manifest.pages.map((p) => ({
    n: p.n,
    url: `${origin}/v1/documents/${sha}/renders/${renderId}/pages/${p.n}`,
    width: p.width,
    height: p.height,
    visualTokens: reprice ? visualTokensFor(profile, p.width, p.height) : p.visualTokens,
  }));
  const visualTokens = reprice ? pages.reduce((sum, p) => sum + p.visualTokens, 0) : manifest.totals.visualTokens;
  const textTokens = manifest.totals.textTokens;
  return {
    documentId: sha,
    renderId,
    cached,
    profile,
    pages,
    totals: {
      pages: pages.length,
      visualTokens,
      textTokens,
      ratio: reprice ? ratio(textTokens, visualTokens) : manifest.totals.ratio,
    },
    missingGlyphs: manifest.missingGlyphs,
  };
}

// 0 rather than compressionRatio's RangeError for a render without visual tokens.
function ratio(textTokens: number, visualTokens: number): number {
  return visualTokens > 0 ? compressionRatio(textTokens, visualTokens) : 0;
}
