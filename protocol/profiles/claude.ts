/**
 * Claude: Anthropic's published image cost rule.
 */
import { assertImageSize } from './pixels.ts';
import type { ImageSize, VisualTokenProfile } from './types.ts';

const MAX_LONG_EDGE = 1568;
const PIXELS_PER_TOKEN = 750;
// Anthropic's current vision page describes Claude's view as 28 × 28-px patches, the image padded
// on the right and bottom to a multiple of 28.
const PATCH = 28;
// The docs' table of the largest sizes that are not resized (1092², 951 × 1268, 896 × 1344,
// 819 × 1456, 784 × 1568) is exactly the sizes whose 28-px patches number at most 1568 (1521, 1564,
// 1536, 1560, 1568): "more than ~1,600 tokens" is that budget. The older reading, 1600 × 750 =
// 1.2 MP, would resize three of the five.
const MAX_PATCHES = 1568;
// The same docs advise images of at most ~1.15 megapixels; a fitted page keeps under that too.
const FIT_MAX_PIXELS = 1_150_000;

function patches(width: number, height: number): number {
  return Math.ceil(width / PATCH) * Math.ceil(height / PATCH);
}

// Anthropic: an image whose long edge is over 1568 px, or that is over the patch budget, is first
// scaled down, aspect kept, to the largest size that fits. The rounding of a scaled side is not
// published; we floor the short side and walk the long side down until the patches fit.
function claudeResize(width: number, height: number): ImageSize {
  assertImageSize(width, height);
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long <= MAX_LONG_EDGE && patches(width, height) <= MAX_PATCHES) return { width, height };
  const scale = Math.min(MAX_LONG_EDGE / long, PATCH * Math.sqrt(MAX_PATCHES / (width * height)));
  for (let l = Math.floor(long * scale); l >= 1; l--) {
    const s = Math.max(1, Math.floor((l * short) / long));
    if (patches(l, s) <= MAX_PATCHES) return width >= height ? { width: l, height: s } : { width: s, height: l };
  }
  return { width: 1, height: 1 }; // unreachable: a 1 × 1 image is one patch
}

/** The Claude profile. */
export const claude: VisualTokenProfile = Object.freeze({
  name: 'claude',
  description:
    'Claude: scale down to long edge <= 1568 px and <= 1568 patches of 28 px, then (width x height) / 750 tokens',
  source: 'https://docs.anthropic.com/en/docs/build-with-claude/vision#calculate-image-costs',
  geometry: Object.freeze({
    grid: Object.freeze({
      kind: 'area',
      step: PATCH,
      tokensPerCell: (PATCH * PATCH) / PIXELS_PER_TOKEN,
      baseTokens: 0,
    }),
    limits: Object.freeze({ maxLongSide: MAX_LONG_EDGE, maxPixels: FIT_MAX_PIXELS }),
    // Cost is linear in area, so a bigger page only saves margins; this is the largest page of
    // A4's shape (1 : 1.41) on the 28-px grid under 1.15 MP.
    recommendedPage: Object.freeze({ width: 896, height: 1260 }),
    recommendedBecause:
      'the largest A4-shaped page on the 28-px grid under ~1.15 MP and a 1568-px long edge: 1506 tokens',
  }),
  resizedTo: claudeResize,
  visualTokens(width: number, height: number): number {
    const { width: w, height: h } = claudeResize(width, height);
    // The docs' examples round up: 200² → ~54 (53.3), 1000² → ~1334 (1333.3), 1092² → ~1590.
    return Math.ceil((w * h) / PIXELS_PER_TOKEN);
  },
});
