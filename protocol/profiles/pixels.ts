/**
 * Checks and Python-compatible arithmetic the profile rules share.
 */

/**
 * Throws unless both sides are positive whole pixels: page images have whole-pixel sizes, and
 * anything else is a caller bug we would rather see than price.
 * @throws RangeError naming the side.
 */
export function assertImageSize(width: number, height: number): void {
  for (const [label, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isSafeInteger(v) || v <= 0) {
      throw new RangeError(`image ${label} must be a positive integer number of pixels, got ${String(v)}`);
    }
  }
}

/**
 * Python 3's round() on a float: half to even. `smart_resize` uses it, and page sides of
 * 14 × odd px (e.g. 210 = 7.5 × 28) land exactly on .5, where Math.round would differ.
 */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
