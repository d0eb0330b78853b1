/** Comparison whose time does not depend on where two strings first differ. */

const encoder = new TextEncoder();

/**
 * Whether `a` and `b` are equal, in time that depends only on their lengths. Used on key hashes:
 * the D1 lookup already matched by hash, and this re-check keeps a timing side channel out even
 * if the lookup strategy changes (e.g. a prefix index).
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
