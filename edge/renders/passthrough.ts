/**
 * Compress's `passthrough`: when pages would cost the model more tokens than the text, answer with
 * the text. Decided before any page is drawn where the text alone shows it (it costs no more than
 * the cheapest image the profile bills), else from the rendered pages' real cost.
 */
import type { z } from 'zod';
import { getProfile, type ProfileName } from '../../protocol/profiles.ts';
import type { compressPassthroughSchema } from '../../protocol/public-api/compress.ts';
import { textTokenizerFor } from '../../protocol/text-tokenizers.ts';
import { compressDecision } from '../../protocol/worth-it.ts';
import type { RenderView } from './render-view.ts';

/** Body of a passthrough answer. */
export type CompressPassthrough = z.infer<typeof compressPassthroughSchema>;

/**
 * The fewest visual tokens any page costs under `profile`: a page shows at least one glyph, and
 * every profile bills a tiny image as one grid cell (GPT-4o one 512-px tile plus its base, the
 * patch models their minimum pixels), so no render of any text costs less.
 */
export function cheapestPageTokens(profile: ProfileName): number {
  const { step } = getProfile(profile).geometry.grid;
  return getProfile(profile).visualTokens(step, step);
}

/** What a passthrough answer reports beside the document. */
export interface PassthroughFacts {
  profile: ProfileName;
  text: string;
  textTokens: number;
  visualTokens: number;
  pages: number;
  rendered: boolean;
}

/**
 * True when `textTokens` already shows that no render can pay: one page (at least) costs the
 * cheapest page's tokens, and estimated `pages` cost at least that each.
 */
export function textAloneIsCheaper(profile: ProfileName, textTokens: number, pages: number): boolean {
  const least = cheapestPageTokens(profile) * Math.max(1, pages);
  return compressDecision({ textTokens, visualTokens: least }).passthrough;
}

/** The passthrough body for these facts (the caller adds `document`). */
export function passthroughBody(facts: PassthroughFacts): Omit<CompressPassthrough, 'document'> {
  const { profile, text, textTokens, visualTokens, pages, rendered } = facts;
  const { family, estimate } = textTokenizerFor(profile);
  const verdict = compressDecision({ textTokens, visualTokens: Math.max(1, visualTokens) });
  return {
    passthrough: true,
    worthIt: false,
    profile,
    text,
    tokenizer: { family, estimate },
    rendered,
    totals: { pages, visualTokens, textTokens, ratio: verdict.ratio },
  };
}

/** Whether a rendered view should be answered as a passthrough (asked for, and pages do not pay). */
export function renderedDoesNotPay(view: RenderView): boolean {
  return !view.worthIt;
}
