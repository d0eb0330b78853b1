/**
 * Qwen2.5-VL: transformers `Qwen2VLImageProcessor` with its class defaults.
 */
import { patchGridProfile, TRANSFORMERS_MODELS, type SmartResizeRule } from './smart-resize.ts';

/**
 * Qwen2.5-VL. transformers `Qwen2VLImageProcessor`: patch 14, merge 2 (factor 28), and its class
 * defaults min_pixels = 56 × 56, max_pixels = 28 × 28 × 1280 (1280 tokens, also the cap Qwen's
 * model card uses in its min/max_pixels example). The Qwen2.5-VL checkpoints' own
 * preprocessor_config.json allows more (max 12 845 056 = 16384 × 28 × 28); the cap matters only for
 * images over ~1 MP, i.e. not for 72-dpi pages.
 */
export const QWEN25_VL_RULE: Readonly<SmartResizeRule> = Object.freeze({
  patchSize: 14,
  mergeSize: 2,
  framesPerImage: 1,
  minPixels: 56 * 56,
  maxPixels: 28 * 28 * 1280,
  upscaleBelowFactor: false,
});

/** The Qwen2.5-VL profile. */
export const qwen25vl = patchGridProfile({
  name: 'qwen2.5-vl',
  description:
    'Qwen2.5-VL: smart_resize to multiples of 28 px (<= 1280 tokens), one token per 2x2 block of 14-px patches',
  source: `${TRANSFORMERS_MODELS}/qwen2_vl/image_processing_qwen2_vl.py`,
  rule: QWEN25_VL_RULE,
  recommendedPage: { width: 588, height: 840 },
  recommendedBecause:
    "Glyph's A4 72-dpi page on the 28-px grid (as smart_resize rounds it): 630 tokens, under the 1280 cap",
});
