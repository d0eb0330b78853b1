/**
 * GPT-4o with `detail: "high"`: OpenAI's published tile rule.
 */
import { assertImageSize } from './pixels.ts';
import type { ImageSize, VisualTokenProfile } from './types.ts';

const MAX_SIDE = 2048;
const SHORT_SIDE = 768;
const TILE = 512;
const TOKENS_PER_TILE = 170;
const BASE_TOKENS = 85;
// OpenAI's image input requirements give high-resolution images as "768px (short side) x 2000px
// (long side)", a little under the 2048 of the cost rule; a fitted page keeps to the smaller.
const FIT_LONG_SIDE = 2000;

// OpenAI's "detail: high" rule: fit within 2048 × 2048, then scale so the shortest side is 768.
// Both steps only shrink: a 128 × 64 image is billed one tile (255), not upscaled to 768 px.
// OpenAI does not say how a fractional side rounds; we floor, which matters only when a side lands
// within a pixel of a 512 multiple.
function gpt4oResize(width: number, height: number): ImageSize {
  assertImageSize(width, height);
  let w = width;
  let h = height;
  const longSide = Math.max(w, h);
  if (longSide > MAX_SIDE) {
    const s = MAX_SIDE / longSide;
    w *= s;
    h *= s;
  }
  const shortSide = Math.min(w, h);
  if (shortSide > SHORT_SIDE) {
    const s = SHORT_SIDE / shortSide;
    w *= s;
    h *= s;
  }
  return { width: Math.max(1, Math.floor(w)), height: Math.max(1, Math.floor(h)) };
}

/** The GPT-4o profile (high detail). */
export const gpt4o: VisualTokenProfile = Object.freeze({
  name: 'gpt-4o',
  description: 'GPT-4o, detail "high": fit in 2048x2048, shortest side down to 768, 170 tokens per 512-px tile + 85',
  source: 'https://platform.openai.com/docs/guides/images-vision#calculating-costs',
  geometry: Object.freeze({
    grid: Object.freeze({ kind: 'tiles', step: TILE, tokensPerCell: TOKENS_PER_TILE, baseTokens: BASE_TOKENS }),
    // A page on whole tiles that is never scaled: its short side is one tile (two would be 1024 >
    // 768, scaled down), its long side at most three (four would be 2048 > 2000).
    limits: Object.freeze({ maxShortSide: SHORT_SIDE, maxLongSide: FIT_LONG_SIDE }),
    recommendedPage: Object.freeze({ width: 512, height: 1536 }),
    recommendedBecause:
      'one column of three 512-px tiles, the largest unscaled tile page: 595 tokens, 85 of them paid once',
  }),
  resizedTo: gpt4oResize,
  visualTokens(width: number, height: number): number {
    const { width: w, height: h } = gpt4oResize(width, height);
    const tiles = Math.ceil(w / TILE) * Math.ceil(h / TILE);
    return tiles * TOKENS_PER_TILE + BASE_TOKENS;
  },
});
