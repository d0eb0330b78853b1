/**
 * Pages fitted to a model: sizes on the profile's cost grid (no patch or tile partly filled) that
 * its preprocessing takes as they are (never scaled), and what a model does to any other size.
 */
import { assertImageSize } from './pixels.ts';
import { getProfile } from './registry.ts';
import type { ImageSize, NoResizeLimits, VisualTokenProfile } from './types.ts';

/** A profile, or its name. */
export type ProfileRef = VisualTokenProfile | string;

function profileOf(ref: ProfileRef): VisualTokenProfile {
  return typeof ref === 'string' ? getProfile(ref) : ref;
}

function withinLimits(limits: NoResizeLimits, width: number, height: number): boolean {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  const pixels = width * height;
  return (
    (limits.minSide === undefined || short >= limits.minSide) &&
    (limits.maxLongSide === undefined || long <= limits.maxLongSide) &&
    (limits.maxShortSide === undefined || short <= limits.maxShortSide) &&
    (limits.minPixels === undefined || pixels >= limits.minPixels) &&
    (limits.maxPixels === undefined || pixels <= limits.maxPixels) &&
    (limits.maxAspectRatio === undefined || long / short <= limits.maxAspectRatio)
  );
}

/**
 * Whether a `width` × `height` page is fitted to the profile: both sides whole multiples of its
 * grid step, and inside every no-resize limit.
 * @throws Error for an unknown profile name; RangeError for sizes that are not whole pixels.
 */
export function isFittedPage(profile: ProfileRef, width: number, height: number): boolean {
  assertImageSize(width, height);
  const { grid, limits } = profileOf(profile).geometry;
  return width % grid.step === 0 && height % grid.step === 0 && withinLimits(limits, width, height);
}

/** Bounds on the sizes {@link fittedPageSizes} lists, on top of the model's own limits. */
export interface PageBounds {
  /** Widest page listed, in pixels (default 2048: wider than any text page we draw). */
  maxWidth?: number;
  /** Tallest page listed, in pixels (default 2048). */
  maxHeight?: number;
  /** Largest width × height listed (default: no bound beyond the model's). */
  maxPixels?: number;
}

const DEFAULT_MAX_SIDE = 2048;

/** Pixels per visual token of a page: how much page one token buys. */
export function pixelsPerToken(profile: ProfileRef, size: ImageSize): number {
  return (size.width * size.height) / profileOf(profile).visualTokens(size.width, size.height);
}

/**
 * Every fitted page size inside `bounds`, cheapest per pixel first (then larger first, then wider
 * first). For the patch-grid models every fitted page costs the same per pixel; for GPT-4o the
 * per-image 85 tokens make longer tile columns cheaper.
 * @throws Error for an unknown profile name; RangeError for bounds that are not positive integers.
 */
export function fittedPageSizes(profile: ProfileRef, bounds: PageBounds = {}): ImageSize[] {
  const p = profileOf(profile);
  const maxWidth = bounds.maxWidth ?? DEFAULT_MAX_SIDE;
  const maxHeight = bounds.maxHeight ?? DEFAULT_MAX_SIDE;
  assertImageSize(maxWidth, maxHeight);
  const maxPixels = bounds.maxPixels ?? Number.POSITIVE_INFINITY;
  const { step } = p.geometry.grid;
  const sizes: Array<ImageSize & { rate: number }> = [];
  for (let width = step; width <= maxWidth; width += step) {
    for (let height = step; height <= maxHeight; height += step) {
      if (width * height > maxPixels) break;
      if (!withinLimits(p.geometry.limits, width, height)) continue;
      sizes.push({ width, height, rate: pixelsPerToken(p, { width, height }) });
    }
  }
  sizes.sort((a, b) => b.rate - a.rate || b.width * b.height - a.width * a.height || b.width - a.width);
  return sizes.map(({ width, height }) => ({ width, height }));
}

/** What {@link fitPage} is asked for: a box to fit inside, or a shape. */
export type FitRequest =
  | {
      /** The page must fit inside `width` × `height` (e.g. a page size snapped down to the grid). */
      width: number;
      height: number;
    }
  | {
      /** Width ÷ height wanted. */
      aspect: number;
      /** Largest width × height (default: the profile's recommended page's area). */
      maxPixels?: number;
      /** How far the shape may stray, as |ln(got ÷ wanted)| (default 0.02, about 2 %). */
      tolerance?: number;
    };

/**
 * The fitted page for a request. With a box: the largest fitted page inside it (ties: the shape
 * closest to the box's). With an aspect: the largest fitted page within `maxPixels` whose shape is
 * within `tolerance` of it, else the one whose shape is closest.
 * @throws RangeError when no fitted page fits the request (a box smaller than one grid cell).
 */
export function fitPage(profile: ProfileRef, request: FitRequest): ImageSize {
  const p = profileOf(profile);
  if ('aspect' in request) {
    const { aspect } = request;
    if (!Number.isFinite(aspect) || aspect <= 0)
      throw new RangeError(`aspect must be a positive number, got ${String(aspect)}`);
    const rec = p.geometry.recommendedPage;
    const maxPixels = request.maxPixels ?? rec.width * rec.height;
    const tolerance = request.tolerance ?? 0.02;
    if (!Number.isFinite(maxPixels) || maxPixels < 1)
      throw new RangeError(`maxPixels must be a positive number, got ${String(maxPixels)}`);
    // No side can be longer than the budget over one cell, nor than the model's long-side limit.
    const { step } = p.geometry.grid;
    const side = Math.max(
      step,
      Math.min(Math.floor(maxPixels / step), p.geometry.limits.maxLongSide ?? Number.POSITIVE_INFINITY),
    );
    const candidates = fittedPageSizes(p, { maxWidth: side, maxHeight: side, maxPixels });
    const error = (s: ImageSize) => Math.abs(Math.log(s.width / s.height / aspect));
    const close = candidates.filter((s) => error(s) <= tolerance);
    const pool = close.length > 0 ? close : candidates;
    const best = pickBest(pool, (a, b) =>
      close.length > 0
        ? b.width * b.height - a.width * a.height || error(a) - error(b)
        : error(a) - error(b) || b.width * b.height - a.width * a.height,
    );
    if (!best) throw new RangeError(`no page fitted to ${p.name} has at most ${maxPixels} pixels`);
    return best;
  }
  assertImageSize(request.width, request.height);
  const boxAspect = request.width / request.height;
  const error = (s: ImageSize) => Math.abs(Math.log(s.width / s.height / boxAspect));
  const best = pickBest(
    fittedPageSizes(p, { maxWidth: request.width, maxHeight: request.height }),
    (a, b) => b.width * b.height - a.width * a.height || error(a) - error(b),
  );
  if (!best) throw new RangeError(`no page fitted to ${p.name} fits inside ${request.width}x${request.height}`);
  return best;
}

function pickBest(sizes: ImageSize[], compare: (a: ImageSize, b: ImageSize) => number): ImageSize | undefined {
  let best: ImageSize | undefined;
  for (const s of sizes) if (!best || compare(s, best) < 0) best = s;
  return best;
}

/** The page size the profile recommends for dense text pages (always a fitted page). */
export function recommendedPageSize(profile: ProfileRef): ImageSize {
  const { width, height } = profileOf(profile).geometry.recommendedPage;
  return { width, height };
}

/** What a model's preprocessing does to one image. */
export interface ModelView {
  /** The size the model reads the image at. */
  size: ImageSize;
  /** Whether either side was scaled down: its text reaches the model smaller than drawn. */
  resizedDown: boolean;
  /** Whether either side was scaled up. */
  resizedUp: boolean;
}

/**
 * What the profile's model does to a `width` × `height` image, so callers can tell a page that is
 * cheaper only because it is shrunk, and render the model's view of it. Undefined where the vendor
 * publishes no resize rule (Gemini).
 * @throws Error for an unknown profile name; RangeError for sizes the profile rejects.
 */
export function modelView(profile: ProfileRef, width: number, height: number): ModelView | undefined {
  const p = profileOf(profile);
  assertImageSize(width, height);
  if (!p.resizedTo) return undefined;
  const size = p.resizedTo(width, height);
  return {
    size,
    resizedDown: size.width < width || size.height < height,
    resizedUp: size.width > width || size.height > height,
  };
}
