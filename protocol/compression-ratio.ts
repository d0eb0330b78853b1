/**
 * The compression ratio of a render, as the runner's manifest and the edge's responses give it.
 */

/**
 * Compression ratio: text tokens ÷ visual tokens, rounded to 2 decimals.
 * @throws RangeError when `visualTokens` is 0, or either count is negative or not finite.
 */
export function compressionRatio(textTokens: number, visualTokens: number): number {
  if (!Number.isFinite(textTokens) || textTokens < 0) {
    throw new RangeError(`textTokens must be a finite number >= 0, got ${String(textTokens)}`);
  }
  if (!Number.isFinite(visualTokens) || visualTokens <= 0) {
    throw new RangeError(`visualTokens must be a finite number > 0, got ${String(visualTokens)}`);
  }
  // Scale before dividing: 100 × text is exact for token counts, so the one rounding happens in the
  // division and halves round up (201 / 200 → 1.01, where 1.005 × 100 would give 100.4999…).
  return Math.round((textTokens * 100) / visualTokens) / 100;
}
