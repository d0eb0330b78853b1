import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { FontChain } from './fonts.ts';

/** Sub-pixel pen positions a glyph is rasterized at (x only): quarter pixels. */
export const SUBPIXEL_STEPS = 4;

/**
 * Key slots per code point: a chain's faces plus the .notdef box. DejaVu's faces and the ~100
 * subsets each of Noto Sans SC and TC need ~220; 256 keeps every key (× 2 with the marker bit)
 * inside a Uint32Array for every code point up to U+10FFFF.
 */
export const MAX_FACES = 256;

/**
 * One number for (face, code point, sub-pixel phase): the atlas key, and with a marker bit the
 * code of a placed glyph. Below 2^31 for every code point, so twice it fits a Uint32Array.
 */
export function glyphKey(face: number, cp: number, phase: number): number {
  return (cp * MAX_FACES + face + 1) * SUBPIXEL_STEPS + phase;
}

/** The (face, code point, phase) a {@link glyphKey} was made of. */
export function splitGlyphKey(key: number): { face: number; cp: number; phase: number } {
  const slot = Math.floor(key / SUBPIXEL_STEPS);
  return { face: (slot % MAX_FACES) - 1, cp: Math.floor(slot / MAX_FACES), phase: key % SUBPIXEL_STEPS };
}

/** A glyph's coverage mask, placed relative to the pen position on the baseline. */
export interface GlyphMask {
  /** Offset of the mask's top-left from (floor(pen x), baseline). */
  left: number;
  top: number;
  width: number;
  height: number;
  /** Coverage 0–255, row-major. */
  alpha: Uint8Array;
  /** Rightmost column and bottom row (mask-relative) with coverage ≥ the ink threshold; -1 if none. */
  inkRight: number;
  inkBottom: number;
}

const EMPTY: GlyphMask = {
  left: 0,
  top: 0,
  width: 0,
  height: 0,
  alpha: new Uint8Array(0),
  inkRight: -1,
  inkBottom: -1,
};

/**
 * Glyph masks rasterized once by Skia (@napi-rs/canvas) and then composited in JS: a page is
 * thousands of glyphs but only ~100 distinct ones, and reading a whole RGBA page back from Skia
 * costs more than drawing it, so pages are painted straight into 8-bit buffers from these masks.
 */
export class GlyphAtlas {
  private readonly masks = new Map<number, GlyphMask>();
  private readonly canvas: Canvas;
  private readonly ctx: SKRSContext2D;
  private readonly originX: number;
  private readonly baseline: number;

  /**
   * @param inkThreshold coverage from which a pixel counts as ink for auto-crop (Glyph crops
   *   where a pixel differs from the background by more than 5 gray levels).
   */
  constructor(
    private readonly chain: FontChain,
    private readonly fontPx: number,
    private readonly hScale: number,
    private readonly inkThreshold: number,
  ) {
    // A chain with more faces than key slots would silently draw one face's glyph for another's.
    if (chain.faces.length >= MAX_FACES)
      throw new RangeError(`font chain has ${chain.faces.length} faces; keys hold ${MAX_FACES - 1}`);
    const w = Math.ceil(fontPx * hScale * 4) + 16;
    const h = Math.ceil(fontPx * 3) + 16;
    this.originX = Math.ceil(fontPx * hScale) + 4;
    this.baseline = Math.ceil(fontPx * 2) + 4;
    this.canvas = createCanvas(w, h);
    this.ctx = this.canvas.getContext('2d');
  }

  /** The mask of code point `cp` in chain face `face` (-1: a .notdef box) at sub-pixel `phase`. */
  get(face: number, cp: number, phase: number): GlyphMask {
    return this.byKey(glyphKey(face, cp, phase));
  }

  /** The mask of a {@link glyphKey}. */
  byKey(key: number): GlyphMask {
    let mask = this.masks.get(key);
    if (!mask) {
      const { face, cp, phase } = splitGlyphKey(key);
      mask = this.rasterize(face, cp, phase);
      this.masks.set(key, mask);
    }
    return mask;
  }

  private rasterize(face: number, cp: number, phase: number): GlyphMask {
    const { ctx, canvas } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#000';
    ctx.strokeStyle = '#000';
    ctx.setTransform(this.hScale, 0, 0, 1, this.originX + phase / SUBPIXEL_STEPS, this.baseline);
    if (face < 0) {
      // No shipped font has the character: draw a hollow box so it is visibly not dropped.
      const adv = this.chain.char(cp).advance * this.fontPx;
      const a = this.chain.vertical.ascent * this.fontPx * 0.8;
      ctx.lineWidth = Math.max(1, this.fontPx / 12);
      ctx.strokeRect(adv * 0.1, -a, adv * 0.8, a);
    } else {
      ctx.font = `${this.fontPx}px "${this.chain.alias(face)}"`;
      ctx.fillText(String.fromCodePoint(cp), 0, 0);
    }
    const { width, height } = canvas;
    const rgba = ctx.getImageData(0, 0, width, height).data;
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (rgba[(y * width + x) * 4 + 3]! > 0) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          y1 = y;
        }
      }
    }
    if (x1 < 0) return EMPTY;
    const w = x1 - x0 + 1;
    const h = y1 - y0 + 1;
    const alpha = new Uint8Array(w * h);
    let inkRight = -1;
    let inkBottom = -1;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const a = rgba[((y + y0) * width + x + x0) * 4 + 3]!;
        alpha[y * w + x] = a;
        if (a >= this.inkThreshold) {
          if (x > inkRight) inkRight = x;
          inkBottom = y;
        }
      }
    }
    return { left: x0 - this.originX, top: y0 - this.baseline, width: w, height: h, alpha, inkRight, inkBottom };
  }
}
