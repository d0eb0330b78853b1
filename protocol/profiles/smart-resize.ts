/**
 * The transformers `smart_resize` preprocessor the open-weight models share (GLM-4.1V, Qwen2.5-VL,
 * Qwen3-VL): round each side to a multiple of patch × merge, then scale into a pixel budget. The
 * port is exact, down to Python's half-to-even rounding, so the counts are the model's own.
 */
import { assertImageSize, pyRound } from './pixels.ts';
import type { ImageSize, NoResizeLimits, ProfileGeometry, ProfileName, VisualTokenProfile } from './types.ts';

/** Parameters of a transformers `smart_resize` + patch-merge preprocessor. */
export interface SmartResizeRule {
  /** Side of one ViT patch, in pixels. */
  patchSize: number;
  /** Patches merged per side into one LLM token (2 → 2 × 2 patches per token). */
  mergeSize: number;
  /**
   * Frames one still image counts as in the pixel budget. GLM-4.1V's smart_resize compares
   * `t × h × w` with min/max pixels and passes t = temporal_patch_size = 2 for an image; the
   * Qwen2-VL image processor (also used by Qwen2.5-VL and Qwen3-VL) compares `h × w` alone.
   */
  framesPerImage: number;
  minPixels: number;
  maxPixels: number;
  /** GLM-4.1V first scales an image with a side under one factor up until that side is one factor. */
  upscaleBelowFactor: boolean;
}

/** The models reject (ValueError) images more than 200:1; we raise the same as a RangeError. */
export const MAX_ASPECT_RATIO = 200;

/**
 * The size `smart_resize` gives a `width` × `height` image under `rule`.
 * @throws RangeError for a size that is not whole pixels or is more than 200:1.
 */
export function smartResize(rule: SmartResizeRule, width: number, height: number): ImageSize {
  assertImageSize(width, height);
  const factor = rule.patchSize * rule.mergeSize;
  let h = height;
  let w = width;
  if (rule.upscaleBelowFactor && (h < factor || w < factor)) {
    // Python: scale = max(factor / height, factor / width); int(height * scale) truncates.
    const scale = Math.max(factor / h, factor / w);
    h = Math.trunc(h * scale);
    w = Math.trunc(w * scale);
  }
  if (Math.max(h, w) / Math.min(h, w) > MAX_ASPECT_RATIO) {
    throw new RangeError(
      `aspect ratio of ${width}x${height} exceeds ${MAX_ASPECT_RATIO}:1, which the model's image processor rejects`,
    );
  }
  let hBar = pyRound(h / factor) * factor;
  let wBar = pyRound(w / factor) * factor;
  // With t frames and temporal factor t, t_bar = t, so "t_bar × h_bar × w_bar" is this product.
  const t = rule.framesPerImage;
  if (t * hBar * wBar > rule.maxPixels) {
    const beta = Math.sqrt((t * h * w) / rule.maxPixels);
    hBar = Math.max(factor, Math.floor(h / beta / factor) * factor);
    wBar = Math.max(factor, Math.floor(w / beta / factor) * factor);
  } else if (t * hBar * wBar < rule.minPixels) {
    const beta = Math.sqrt(rule.minPixels / (t * h * w));
    hBar = Math.ceil((h * beta) / factor) * factor;
    wBar = Math.ceil((w * beta) / factor) * factor;
  }
  return { width: wBar, height: hBar };
}

/**
 * The limits under which `smart_resize` returns an image's own size: sides on the factor grid
 * round to themselves, so only the pixel budget (per frame), GLM's small-side upscale and the
 * 200:1 check remain.
 */
export function smartResizeLimits(rule: SmartResizeRule): NoResizeLimits {
  const factor = rule.patchSize * rule.mergeSize;
  return Object.freeze({
    ...(rule.upscaleBelowFactor ? { minSide: factor } : {}),
    minPixels: Math.ceil(rule.minPixels / rule.framesPerImage),
    maxPixels: Math.floor(rule.maxPixels / rule.framesPerImage),
    maxAspectRatio: MAX_ASPECT_RATIO,
  });
}

/** Options for {@link patchGridProfile}. */
export interface PatchGridProfileOptions {
  name: ProfileName;
  description: string;
  source: string;
  rule: SmartResizeRule;
  recommendedPage: ImageSize;
  recommendedBecause: string;
}

/** A profile whose cost is one token per merge × merge block of patches after `smart_resize`. */
export function patchGridProfile(options: PatchGridProfileOptions): VisualTokenProfile {
  const { rule } = options;
  const resizedTo = (width: number, height: number): ImageSize => smartResize(rule, width, height);
  const geometry: ProfileGeometry = Object.freeze({
    grid: Object.freeze({ kind: 'patches', step: rule.patchSize * rule.mergeSize, tokensPerCell: 1, baseTokens: 0 }),
    limits: smartResizeLimits(rule),
    recommendedPage: Object.freeze({ ...options.recommendedPage }),
    recommendedBecause: options.recommendedBecause,
  });
  return Object.freeze({
    name: options.name,
    description: options.description,
    source: options.source,
    geometry,
    resizedTo,
    visualTokens(width: number, height: number): number {
      const size = resizedTo(width, height);
      // One still image is one temporal patch (grid_t = 1); each merge×merge block of patches is
      // one LLM token. Both sides are multiples of patch × merge, so the division is exact.
      const gridH = size.height / rule.patchSize;
      const gridW = size.width / rule.patchSize;
      return (gridH * gridW) / (rule.mergeSize * rule.mergeSize);
    },
  });
}

/** Where the transformers image processors live, for the profiles' `source`. */
export const TRANSFORMERS_MODELS = 'https://github.com/huggingface/transformers/blob/main/src/transformers/models';
