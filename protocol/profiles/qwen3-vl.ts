/**
 * Qwen3-VL: the Qwen2-VL image processor with 16-px patches and Qwen3-VL's pixel budget.
 */
import { patchGridProfile, type SmartResizeRule } from './smart-resize.ts';

/**
 * Qwen3-VL. Its checkpoints' preprocessor_config.json runs the same Qwen2-VL image processor with
 * patch 16, merge 2 (factor 32) and size = {shortest_edge: 65 536, longest_edge: 16 777 216}.
 */
export const QWEN3_VL_RULE: Readonly<SmartResizeRule> = Object.freeze({
  patchSize: 16,
  mergeSize: 2,
  framesPerImage: 1,
  minPixels: 65_536,
  maxPixels: 16_777_216,
  upscaleBelowFactor: false,
});

/** The Qwen3-VL profile. */
export const qwen3vl = patchGridProfile({
  name: 'qwen3-vl',
  description: 'Qwen3-VL: smart_resize to multiples of 32 px, one token per 2x2 block of 16-px patches',
  source: 'https://huggingface.co/Qwen/Qwen3-VL-8B-Instruct/blob/main/preprocessor_config.json',
  rule: QWEN3_VL_RULE,
  // smart_resize rounds Glyph's 595 × 842 page to 608 × 832; drawing at that size is the view the
  // model already had of a Glyph page, with no resampling of the text.
  recommendedPage: { width: 608, height: 832 },
  recommendedBecause: "Glyph's A4 72-dpi page as Qwen3-VL resizes it: 19 x 26 cells of 32 px, 494 tokens",
});
