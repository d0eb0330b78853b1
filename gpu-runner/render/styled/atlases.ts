/**
 * One glyph atlas per (face, pixel size) of a styled render, shared by every render in the
 * thread: the planner places masks from them, the painter paints from the same ones.
 */
import { FontChain } from '../fonts.ts';
import { GlyphAtlas } from '../glyph-atlas.ts';
import type { StyleSpec } from './styles.ts';

const atlases = new Map<string, GlyphAtlas>();

/** The atlas of a style at horizontal scale `hScale`, with `inkThreshold` for auto-crop. */
export function atlasOf(spec: StyleSpec, hScale: number, inkThreshold: number): GlyphAtlas {
  const key = `${spec.face}|${spec.px}|${hScale}|${inkThreshold}`;
  let atlas = atlases.get(key);
  if (!atlas) {
    atlas = new GlyphAtlas(FontChain.for(spec.face), spec.px, hScale, inkThreshold);
    atlases.set(key, atlas);
  }
  return atlas;
}

/** Coverage from which a glyph pixel moves more than 5 gray levels off the page (Glyph's auto-crop rule). */
export function inkThreshold(fg: readonly number[], bg: readonly number[]): number {
  const gray = (c: readonly number[]) => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;
  const contrast = Math.abs(gray(fg) - gray(bg));
  return contrast > 0 ? Math.floor((5 * 255) / contrast) + 1 : 256;
}
