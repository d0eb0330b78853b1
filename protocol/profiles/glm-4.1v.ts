/**
 * GLM-4.1V (Glyph's base model): transformers `Glm4vImageProcessor`.
 */
import { patchGridProfile, TRANSFORMERS_MODELS, type SmartResizeRule } from './smart-resize.ts';

/**
 * GLM-4.1V. transformers `Glm4vImageProcessor`: patch 14, merge 2 (factor 28), temporal patch 2, and
 * its class defaults size = {shortest_edge: 112 × 112, longest_edge: 28 × 28 × 15000}, used as
 * min/max pixels. The `smart_resize` function's own default max is 14 × 14 × 2 × 2 × 2 × 6144 =
 * 9 633 792, which GLM checkpoints such as GLM-OCR ship in their preprocessor_config.json; the two
 * differ only for images over ~4.8 MP, far above a page.
 */
export const GLM_41V_RULE: Readonly<SmartResizeRule> = Object.freeze({
  patchSize: 14,
  mergeSize: 2,
  framesPerImage: 2,
  minPixels: 112 * 112,
  maxPixels: 28 * 28 * 15000,
  upscaleBelowFactor: true,
});

/** The GLM-4.1V profile. */
export const glm41v = patchGridProfile({
  name: 'glm-4.1v',
  description: 'GLM-4.1V (Glyph base): smart_resize to multiples of 28 px, one token per 2x2 block of 14-px patches',
  source: `${TRANSFORMERS_MODELS}/glm4v/image_processing_glm4v.py`,
  rule: GLM_41V_RULE,
  // Glyph's A4 page at 72 dpi (595 × 842) is what GLM-4.1V was tuned on; smart_resize turns it
  // into 588 × 840, so drawing at 588 × 840 gives the model exactly the pixels it reads.
  recommendedPage: { width: 588, height: 840 },
  recommendedBecause: "Glyph's A4 72-dpi page as GLM-4.1V resizes it: 21 x 30 cells of 28 px, 630 tokens",
});
