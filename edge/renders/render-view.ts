/**
 * The public render result (`{ renderId, cached, config, reflowed, tokenizer, worthIt, pages,
 * totals }`) from a stored manifest, priced for the profile the caller asked for.
 */
import type { z } from 'zod';
import { compressionRatio } from '../../protocol/compression-ratio.ts';
import { visualTokensFor } from '../../protocol/profiles.ts';
import type { renderPageSchema, renderViewSchema } from '../../protocol/public-api/render.ts';
import type { RenderConfig } from '../../protocol/render-config.ts';
import { textTokenizerFor, type TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import type { ProfileName } from '../../protocol/profiles.ts';
import type { StoredManifest } from '../storage/renders.ts';

/** One page of the public render result. */
export type RenderPageView = z.infer<typeof renderPageSchema>;

/** Body of a render / compress response. */
export type RenderView = z.infer<typeof renderViewSchema>;

/** Options of {@link renderView}. */
export interface RenderViewOptions {
  manifest: StoredManifest;
  /** The render's id (its R2 location): the config hash only for fixed configs with reflow off. */
  renderId: string;
  profile: ProfileName;
  cached: boolean;
  /** Origin the page URLs are made absolute against (the request's). */
  origin: string;
  /** The config a manifest stored before configs were kept was drawn with (a fixed config's own). */
  config: RenderConfig;
  /**
   * Pages the runner painted for this response; the rest of the manifest's were kept from an
   * earlier render. Default: none for a cached render, every page otherwise.
   */
  pagesRendered?: number;
  /**
   * Text tokens in `profile`'s tokenizer family when the manifest's were counted in another
   * (storage/documents.ts keeps them per family); without it such a view reports the manifest's
   * count under the manifest's family.
   */
  textTokens?: number;
}

/** The tokenizer family `profile` counts text in, and whether `manifest`'s count is in it. */
export function needsFamilyCount(manifest: StoredManifest, profile: ProfileName): TextTokenizerFamily | undefined {
  const family = textTokenizerFor(profile).family;
  return manifest.textTokenizer.family === family ? undefined : family;
}

/**
 * Builds the response. Pixels do not depend on the profile, so one stored render serves every
 * profile: visual tokens are recomputed from page sizes when the profile differs from the one
 * the runner priced, and text tokens are the profile's family count when given.
 */
export function renderView(options: RenderViewOptions): RenderView {
  const { manifest, renderId, profile, cached, origin } = options;
  const pagesRendered = Math.min(options.pagesRendered ?? (cached ? 0 : manifest.pages.length), manifest.pages.length);
  const sha = manifest.textSha256;
  const reprice = profile !== manifest.profile;
  const pages = manifest.pages.map((p) => ({
    n: p.n,
    url: `${origin}/v1/documents/${sha}/renders/${renderId}/pages/${p.n}`,
    width: p.width,
    height: p.height,
    visualTokens: reprice ? visualTokensFor(profile, p.width, p.height) : p.visualTokens,
  }));
  const visualTokens = reprice ? pages.reduce((sum, p) => sum + p.visualTokens, 0) : manifest.totals.visualTokens;
  const own = textTokenizerFor(profile);
  const inFamily = options.textTokens !== undefined || manifest.textTokenizer.family === own.family;
  const textTokens = options.textTokens ?? manifest.totals.textTokens;
  const tokenizer = inFamily ? { family: own.family, estimate: own.estimate } : manifest.textTokenizer;
  return {
    documentId: sha,
    renderId,
    cached,
    profile,
    config: manifest.config ?? (options.config as RenderView['config']),
    reflowed: manifest.reflowed,
    tokenizer,
    // Equal counts do not pay (protocol/worth-it.ts): the model reads the same from pixels.
    worthIt: textTokens > visualTokens,
    ...(manifest.fit ? { fit: publicFit(manifest.fit) } : {}),
    kind: manifest.kind ?? 'text',
    pages,
    totals: {
      pages: pages.length,
      visualTokens,
      textTokens,
      ratio:
        reprice || textTokens !== manifest.totals.textTokens ? ratio(textTokens, visualTokens) : manifest.totals.ratio,
    },
    missingGlyphs: manifest.missingGlyphs,
    pagesRendered,
    pagesReused: manifest.pages.length - pagesRendered,
  };
}

function publicFit(fit: NonNullable<StoredManifest['fit']>): NonNullable<RenderView['fit']> {
  const { profile, fontSize, lineHeight, readback, floor, floorMet, resizedDown } = fit;
  return { profile, fontSize, lineHeight, readback, floor, floorMet, resizedDown };
}

// 0 rather than compressionRatio's RangeError for a render without visual tokens.
function ratio(textTokens: number, visualTokens: number): number {
  return visualTokens > 0 ? compressionRatio(textTokens, visualTokens) : 0;
}
