/**
 * Gemini 2.x: Google's published image token rule.
 */
import { assertImageSize } from './pixels.ts';
import type { VisualTokenProfile } from './types.ts';

const SMALL_SIDE = 384;
const TILE = 768;
const TOKENS_PER_TILE = 258;

/** The Gemini profile (2.x image tokens). */
export const gemini: VisualTokenProfile = Object.freeze({
  name: 'gemini',
  description: 'Gemini 2.x: 258 tokens if both sides <= 384 px, else 258 per 768x768 tile',
  source: 'https://ai.google.dev/gemini-api/docs/tokens#multimodal-tokens',
  geometry: Object.freeze({
    grid: Object.freeze({ kind: 'tiles', step: TILE, tokensPerCell: TOKENS_PER_TILE, baseTokens: 0 }),
    // Google publishes no size at which Gemini scales an image down; a page of whole 768-px tiles
    // needs no cropping or scaling to be cut into them.
    limits: Object.freeze({}),
    recommendedPage: Object.freeze({ width: 768, height: 768 }),
    recommendedBecause:
      'one 768-px tile: 258 tokens; larger tile pages cost the same per pixel and waste more on a last page',
  }),
  // Google documents the 384 / 768 / 258 figures but not how a page is cut into tiles; we count
  // the 768-px tiles that cover the image (ceil per side), the plain reading of the docs.
  visualTokens(width: number, height: number): number {
    assertImageSize(width, height);
    if (width <= SMALL_SIDE && height <= SMALL_SIDE) return TOKENS_PER_TILE;
    return Math.ceil(width / TILE) * Math.ceil(height / TILE) * TOKENS_PER_TILE;
  },
});
