/**
 * The shapes every visual-token profile shares: names, pixel sizes, the cost grid and the limits
 * under which the model takes a page at its own size.
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

/** Whether `s` names a visual-token profile. */
export function isProfileName(s: string): s is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(s);
}

/** A pixel size: `width` × `height`. */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * How a model charges for an image, reduced to the grid a page should sit on: a page whose sides
 * are whole multiples of `step` leaves no patch or tile partly filled.
 */
export interface CostGrid {
  /** What is counted: ViT patches merged into tokens, fixed tiles, or pixel area. */
  readonly kind: 'patches' | 'tiles' | 'area';
  /** Side of one cell of the grid, in pixels (patch × merge, or the tile side). */
  readonly step: number;
  /** Tokens one `step` × `step` cell costs (Claude's area rule: 28² / 750 ≈ 1.045). */
  readonly tokensPerCell: number;
  /** Tokens every image costs on top of its cells (GPT-4o's 85). */
  readonly baseTokens: number;
}

/**
 * Limits a page must meet for the model's preprocessing to leave it at its own size. Each is
 * absent where the vendor sets none. Pixel counts are width × height of one image.
 */
export interface NoResizeLimits {
  /** Neither side may be shorter (GLM-4.1V scales a side under 28 px up). */
  readonly minSide?: number;
  /** The longer side may not exceed this. */
  readonly maxLongSide?: number;
  /** The shorter side may not exceed this (GPT-4o scales it down to 768). */
  readonly maxShortSide?: number;
  /** width × height may not be smaller (smart_resize scales small images up). */
  readonly minPixels?: number;
  /** width × height may not be larger. */
  readonly maxPixels?: number;
  /** Longer side ÷ shorter side may not exceed this (the Qwen and GLM processors reject more than 200:1). */
  readonly maxAspectRatio?: number;
}

/** A profile's geometry: its grid, its limits and the page it reads dense text on best. */
export interface ProfileGeometry {
  readonly grid: CostGrid;
  readonly limits: NoResizeLimits;
  /** The page size recommended for dense text pages under this profile (fitted, see fit.ts). */
  readonly recommendedPage: Readonly<ImageSize>;
  /** Why that page: one line for people. */
  readonly recommendedBecause: string;
}

/** One model's rule for turning a page image's pixel size into a count of visual tokens. */
export interface VisualTokenProfile {
  /** The profile's name, as requests pass it. */
  readonly name: ProfileName;
  /** One line for people: which model and what rule. */
  readonly description: string;
  /** Where the rule comes from (code or documentation page). */
  readonly source: string;
  /** The cost grid, the no-resize limits and the recommended page. */
  readonly geometry: ProfileGeometry;
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
