/**
 * Checks on {@link CachedRenderMeta}: reading it back from storage, sizing it, and bounds on
 * page numbers. Storage can be corrupted or written by an older build, so what comes back is
 * validated before anyone trusts `pages.length` to index files.
 */
import type { CachedRenderMeta } from './types.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Parses `meta.json` text; throws an Error when it is not a well-formed render meta. */
export function parseCachedRenderMeta(json: string): CachedRenderMeta {
  const meta: unknown = JSON.parse(json);
  if (!isCachedRenderMeta(meta)) throw new Error('render cache: malformed meta.json');
  return meta;
}

/** Structural check of a meta (top level and pages; layout lines are trusted as an array). */
export function isCachedRenderMeta(v: unknown): v is CachedRenderMeta {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  if (!isCount(m.chars) || !isCount(m.textTokens)) return false;
  if (!Array.isArray(m.pages) || !Array.isArray(m.layout)) return false;
  for (const p of m.pages as unknown[]) {
    if (typeof p !== 'object' || p === null) return false;
    const q = p as Record<string, unknown>;
    if (!isCount(q.width) || !isCount(q.height) || !isCount(q.bytes)) return false;
    if (q.planSha256 !== undefined && (typeof q.planSha256 !== 'string' || !SHA256_HEX.test(q.planSha256)))
      return false;
  }
  const g = m.missingGlyphs as Record<string, unknown> | undefined;
  return typeof g === 'object' && g !== null && isCount(g.count) && Array.isArray(g.codePoints);
}

/** Sum of the PNG sizes of a render. */
export function pageBytesOf(meta: CachedRenderMeta): number {
  let total = 0;
  for (const p of meta.pages) total += p.bytes;
  return total;
}

/**
 * Rough in-memory size of a meta without serializing it: a layout line is two small objects
 * with seven numbers (~160 bytes in V8), and a 1 MB text has ~20k lines, so the layout is not
 * negligible next to the pages, but JSON.stringify on every insert would cost more than it tells.
 */
export function metaBytesEstimate(meta: CachedRenderMeta): number {
  let codePoints = 0;
  for (const c of meta.missingGlyphs.codePoints) codePoints += 32 + c.length * 2;
  // A page entry: sizes (~64 bytes) plus, when kept, its 64-character plan hash (~150 bytes as a JS string).
  const perPage = 64 + (meta.pages[0]?.planSha256 !== undefined ? 150 : 0);
  return 512 + meta.pages.length * perPage + meta.layout.length * 160 + codePoints;
}

/** Throws a RangeError unless `n` is a page of the render. */
export function assertPageNumber(meta: CachedRenderMeta, n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > meta.pages.length) {
    throw new RangeError(`render cache: page ${n} is outside 1..${meta.pages.length}`);
  }
}
