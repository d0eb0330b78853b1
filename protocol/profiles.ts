/**
 * Visual-token profiles (DESIGN.md, "Visual-token profiles"): how many visual tokens one page image
 * costs a named vision-language model, computed from that vendor's public image preprocessing rule.
 *
 * Pure arithmetic on the page's pixel size: no image is decoded, and no Node or Worker API is used.
 * So the edge (which prices renders) and the runner (which makes them) share this module.
 *
 * The open-weight models (GLM-4.1V, Qwen2.5-VL, Qwen3-VL) are ports of their transformers
 * `smart_resize` code, so their counts are exact. The hosted APIs (GPT-4o, Claude, Gemini) follow the
 * vendors' published pricing rules, which fix a few details (rounding) less precisely. Each
 * profile's comment says which.
 */

/** The visual-token profiles a render can be priced against. */
export type ProfileName = 'glm-4.1v' | 'qwen2.5-vl' | 'qwen3-vl' | 'gpt-4o' | 'claude' | 'gemini';

/** Every {@link ProfileName}, in the order error messages and docs list them. */
export const PROFILE_NAMES: readonly ProfileName[] = Object.freeze([
  'glm-4.1v',
  'qwen2.5-vl',
  'qwen3-vl',
  'gpt-4o',
  'claude',
  'gemini',
] as const);

/** A pixel size: `width` × `height`. */
export interface ImageSize {
  width: number;
  height: number;
}

/** One model's rule for turning a page image's pixel size into a count of visual tokens. */
export interface VisualTokenProfile {
  /** The profile's name, as requests pass it. */
  readonly name: ProfileName;
  /** One line for people: which model and what rule. */
  readonly description: string;
  /** Where the rule comes from (code or documentation page). */
  readonly source: string;
  /**
   * Visual tokens one image of `width` × `height` pixels costs.
   * @throws RangeError when either side is not a positive integer, or the model rejects the shape.
   */
  visualTokens(width: number, height: number): number;
  /**
   * The size the model's preprocessor resizes the image to before cutting it into patches or
   * tiles. Absent where the vendor does not say (Gemini).
   * @throws RangeError as {@link VisualTokenProfile.visualTokens} does.
   */
  resizedTo?(width: number, height: number): ImageSize;
}

/** Whether `s` names a visual-token profile. */
export function isProfileName(s: string): s is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(s);
}

// ---------------------------------------------------------------------------------------------
// Shared checks and Python-compatible arithmetic
// ---------------------------------------------------------------------------------------------

// Page images have whole-pixel sizes; anything else is a caller bug we'd rather see than price.
function assertImageSize(width: number, height: number): void {
  for (const [label, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isSafeInteger(v) || v <= 0) {
      throw new RangeError(`image ${label} must be a positive integer number of pixels, got ${String(v)}`);
    }
  }
}

// Python 3's round() on a float rounds half to even; `smart_resize` uses it, and page sides of
// 14 × odd px (e.g. 210 = 7.5 × 28) land exactly on .5, where Math.round would differ.
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

// ---------------------------------------------------------------------------------------------
// Patch-grid models: GLM-4.1V, Qwen2.5-VL, Qwen3-VL
// ---------------------------------------------------------------------------------------------

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

// The models reject (ValueError) images more than 200:1; we raise the same as a RangeError.
const MAX_ASPECT_RATIO = 200;

function smartResize(rule: SmartResizeRule, width: number, height: number): ImageSize {
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

function patchGridProfile(
  name: ProfileName,
  description: string,
  source: string,
  rule: SmartResizeRule,
): VisualTokenProfile {
  const resizedTo = (width: number, height: number): ImageSize => smartResize(rule, width, height);
  return Object.freeze({
    name,
    description,
    source,
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

/**
 * GLM-4.1V (Glyph's base model). transformers `Glm4vImageProcessor`: patch 14, merge 2 (factor 28),
 * temporal patch 2, and its class defaults size = {shortest_edge: 112 × 112, longest_edge:
 * 28 × 28 × 15000}, used as min/max pixels. The `smart_resize` function's own default max is
 * 14 × 14 × 2 × 2 × 2 × 6144 = 9 633 792, which GLM checkpoints such as GLM-OCR ship in their
 * preprocessor_config.json; the two differ only for images over ~4.8 MP, far above a page.
 */
export const GLM_41V_RULE: Readonly<SmartResizeRule> = Object.freeze({
  patchSize: 14,
  mergeSize: 2,
  framesPerImage: 2,
  minPixels: 112 * 112,
  maxPixels: 28 * 28 * 15000,
  upscaleBelowFactor: true,
});

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

// ---------------------------------------------------------------------------------------------
// Hosted APIs: GPT-4o, Claude, Gemini
// ---------------------------------------------------------------------------------------------

const GPT4O_MAX_SIDE = 2048;
const GPT4O_SHORT_SIDE = 768;
const GPT4O_TILE = 512;
const GPT4O_TOKENS_PER_TILE = 170;
const GPT4O_BASE_TOKENS = 85;

// OpenAI's "detail: high" rule: fit within 2048 × 2048, then scale so the shortest side is 768.
// Both steps only shrink: a 128 × 64 image is billed one tile (255), not upscaled to 768 px.
// OpenAI does not say how a fractional side rounds; we floor, which matters only when a side lands
// within a pixel of a 512 multiple.
function gpt4oResize(width: number, height: number): ImageSize {
  assertImageSize(width, height);
  let w = width;
  let h = height;
  const longSide = Math.max(w, h);
  if (longSide > GPT4O_MAX_SIDE) {
    const s = GPT4O_MAX_SIDE / longSide;
    w *= s;
    h *= s;
  }
  const shortSide = Math.min(w, h);
  if (shortSide > GPT4O_SHORT_SIDE) {
    const s = GPT4O_SHORT_SIDE / shortSide;
    w *= s;
    h *= s;
  }
  return { width: Math.max(1, Math.floor(w)), height: Math.max(1, Math.floor(h)) };
}

const gpt4o: VisualTokenProfile = Object.freeze({
  name: 'gpt-4o',
  description:
    'GPT-4o, detail "high": fit in 2048x2048, shortest side down to 768, 170 tokens per 512-px tile + 85',
  source: 'https://platform.openai.com/docs/guides/images-vision#calculating-costs',
  resizedTo: gpt4oResize,
  visualTokens(width: number, height: number): number {
    const { width: w, height: h } = gpt4oResize(width, height);
    const tiles = Math.ceil(w / GPT4O_TILE) * Math.ceil(h / GPT4O_TILE);
    return tiles * GPT4O_TOKENS_PER_TILE + GPT4O_BASE_TOKENS;
  },
});

const CLAUDE_MAX_LONG_EDGE = 1568;
const CLAUDE_PIXELS_PER_TOKEN = 750;
// "more than ~1,600 tokens … will first be scaled down": 1600 × 750 = 1.2 MP, in line with the
// docs' table of largest unresized sizes (1092 × 1092 = 1590 tokens).
const CLAUDE_MAX_TOKENS = 1600;

// Anthropic: an image whose long edge is over 1568 px, or that would cost over ~1600 tokens, is
// first scaled down (aspect kept) to fit. Rounding of the scaled sides is not published; we floor.
function claudeResize(width: number, height: number): ImageSize {
  assertImageSize(width, height);
  const maxPixels = CLAUDE_MAX_TOKENS * CLAUDE_PIXELS_PER_TOKEN;
  const s = Math.min(1, CLAUDE_MAX_LONG_EDGE / Math.max(width, height), Math.sqrt(maxPixels / (width * height)));
  if (s >= 1) return { width, height };
  return { width: Math.max(1, Math.floor(width * s)), height: Math.max(1, Math.floor(height * s)) };
}

const claude: VisualTokenProfile = Object.freeze({
  name: 'claude',
  description: 'Claude: scale down to long edge <= 1568 px and <= ~1600 tokens, then (width x height) / 750',
  source: 'https://docs.anthropic.com/en/docs/build-with-claude/vision#calculate-image-costs',
  resizedTo: claudeResize,
  visualTokens(width: number, height: number): number {
    const { width: w, height: h } = claudeResize(width, height);
    // The docs' examples round up: 200² → ~54 (53.3), 1000² → ~1334 (1333.3), 1092² → ~1590.
    return Math.ceil((w * h) / CLAUDE_PIXELS_PER_TOKEN);
  },
});

const GEMINI_SMALL_SIDE = 384;
const GEMINI_TILE = 768;
const GEMINI_TOKENS_PER_TILE = 258;

const gemini: VisualTokenProfile = Object.freeze({
  name: 'gemini',
  description: 'Gemini 2.x: 258 tokens if both sides <= 384 px, else 258 per 768x768 tile',
  source: 'https://ai.google.dev/gemini-api/docs/tokens#multimodal-tokens',
  // Google documents the 384 / 768 / 258 figures but not how a page is cut into tiles; we count
  // the 768-px tiles that cover the image (ceil per side), the plain reading of the docs.
  visualTokens(width: number, height: number): number {
    assertImageSize(width, height);
    if (width <= GEMINI_SMALL_SIDE && height <= GEMINI_SMALL_SIDE) return GEMINI_TOKENS_PER_TILE;
    return Math.ceil(width / GEMINI_TILE) * Math.ceil(height / GEMINI_TILE) * GEMINI_TOKENS_PER_TILE;
  },
});

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

const TRANSFORMERS = 'https://github.com/huggingface/transformers/blob/main/src/transformers/models';

const PROFILES: Readonly<Record<ProfileName, VisualTokenProfile>> = Object.freeze({
  'glm-4.1v': patchGridProfile(
    'glm-4.1v',
    'GLM-4.1V (Glyph base): smart_resize to multiples of 28 px, one token per 2x2 block of 14-px patches',
    `${TRANSFORMERS}/glm4v/image_processing_glm4v.py`,
    GLM_41V_RULE,
  ),
  'qwen2.5-vl': patchGridProfile(
    'qwen2.5-vl',
    'Qwen2.5-VL: smart_resize to multiples of 28 px (<= 1280 tokens), one token per 2x2 block of 14-px patches',
    `${TRANSFORMERS}/qwen2_vl/image_processing_qwen2_vl.py`,
    QWEN25_VL_RULE,
  ),
  'qwen3-vl': patchGridProfile(
    'qwen3-vl',
    'Qwen3-VL: smart_resize to multiples of 32 px, one token per 2x2 block of 16-px patches',
    'https://huggingface.co/Qwen/Qwen3-VL-8B-Instruct/blob/main/preprocessor_config.json',
    QWEN3_VL_RULE,
  ),
  'gpt-4o': gpt4o,
  claude,
  gemini,
});

/**
 * The profile called `name`.
 * @throws Error naming the unknown profile and listing the allowed ones.
 */
export function getProfile(name: string): VisualTokenProfile {
  if (!isProfileName(name)) {
    throw new Error(`unknown visual-token profile "${name}"; expected one of: ${PROFILE_NAMES.join(', ')}`);
  }
  return PROFILES[name];
}

/**
 * Visual tokens one `width` × `height` image costs under the profile called `name`.
 * @throws Error for an unknown profile; RangeError for a size the profile rejects.
 */
export function visualTokensFor(name: string, width: number, height: number): number {
  return getProfile(name).visualTokens(width, height);
}
