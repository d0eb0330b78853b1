import type { RenderConfig } from '../../protocol/render-config.ts';
import { GlyphAtlas, SUBPIXEL_STEPS, glyphKey, type GlyphMask } from './glyph-atlas.ts';
import { FontChain } from './fonts.ts';
import { paintStyled } from './styled/paint.ts';
import type { PageLayout, ParagraphBox } from './layout.ts';
import type { StyleSpec } from './styled/styles.ts';
import type { LayoutLine, RawPage } from './types.ts';

/** A colour as red, green, blue (0–255). */
export type Rgb = [number, number, number];

/** Glyph's newline marker color. */
const MARKER_RGB: Rgb = [255, 0, 0];

/** Glyph's auto-crop tolerance: a pixel is ink when its gray differs from the background by > 5. */
const CROP_TOLERANCE = 5;

/** Config-derived state for painting pages: colors, scale, atlas. Built once per render. */
export interface Painter {
  channels: 1 | 3;
  atlas: GlyphAtlas;
  chain: FontChain;
  hScale: number;
  fg: Rgb;
  bg: Rgb;
  paraBg: Rgb;
  border: Rgb;
  borderPx: number;
  marginXPx: number;
  marginYPx: number;
  paragraphInk: boolean;
  cropWidth: boolean;
  cropLast: boolean;
  /** Cropped sides are rounded up to a multiple of this (config `auto-crop-snap`; 1: none). */
  cropSnap: number;
  ascentPx: number;
  descentPx: number;
}

/** Missing-glyph tally of a render: how many characters no shipped font has, and which. */
export interface MissingGlyphs {
  count: number;
  /** The first distinct code points missing, as "U+XXXX". */
  codePoints: string[];
}

/** How many distinct missing code points a report lists. */
const MISSING_LISTED = 16;

/** `#rgb` / `#rrggbb` → {@link Rgb}. */
export function rgb(hex: string): Rgb {
  const h = hex.slice(1);
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as Rgb;
}

const gray = (c: Rgb) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
const isGray = (c: Rgb) => c[0] === c[1] && c[1] === c[2];

const atlases = new Map<string, GlyphAtlas>();

/** Prepares painting for a config: gray output unless a color in use is not a gray. */
export function createPainter(config: RenderConfig): Painter {
  const scale = config.dpi / 72;
  const fontPx = config['font-size'] * scale;
  const hScale = config['horizontal-scale'];
  const fg = rgb(config['font-color']);
  const bg = rgb(config['page-bg-color']);
  const paraBg = rgb(config['para-bg-color']);
  const border = rgb(config['para-border-color']);
  const borderPx = config['border-width'] * scale;
  const marker = config['newline-markup'].includes('FF0000');
  const used = [fg, bg, paraBg, ...(borderPx > 0 ? [border] : []), ...(marker ? [MARKER_RGB] : [])];
  const contrast = Math.abs(gray(fg) - gray(bg));
  // Coverage from which a text pixel moves more than the tolerance away from the background.
  const threshold = contrast > 0 ? Math.floor((CROP_TOLERANCE * 255) / contrast) + 1 : 256;
  const chain = FontChain.for(config['font-family']);
  const key = `${config['font-family']}|${fontPx}|${hScale}|${threshold}`;
  let atlas = atlases.get(key);
  if (!atlas) {
    atlas = new GlyphAtlas(chain, fontPx, hScale, threshold);
    atlases.set(key, atlas);
  }
  return {
    channels: used.every(isGray) ? 1 : 3,
    atlas,
    chain,
    hScale,
    fg,
    bg,
    paraBg,
    border,
    borderPx,
    marginXPx: Math.round(config['margin-x'] * scale),
    marginYPx: Math.round(config['margin-y'] * scale),
    paragraphInk:
      Math.abs(gray(paraBg) - gray(bg)) > CROP_TOLERANCE ||
      (borderPx > 0 && Math.abs(gray(border) - gray(bg)) > CROP_TOLERANCE),
    cropWidth: config['auto-crop-width'],
    cropLast: config['auto-crop-last-page'],
    cropSnap: config['auto-crop-snap'] ?? 1,
    ascentPx: chain.vertical.ascent * fontPx,
    descentPx: chain.vertical.descent * fontPx,
  };
}

/**
 * A page's glyphs once placed, packed so that a plan crosses threads as a few transferred
 * buffers: glyph `i` is `codes[i]` (its atlas key × 2, plus 1 when drawn in the marker color) at
 * `xy[2i], xy[2i + 1]` (the mask's top-left in page pixels; pages are at most 8192 px a side).
 */
export interface PlacedGlyphs {
  codes: Uint32Array;
  xy: Int16Array;
}

/** What painting a page needs: its final size and placed glyphs, and its paragraph boxes. */
export interface PaintablePage {
  index: number;
  width: number;
  height: number;
  channels: 1 | 3;
  glyphs: PlacedGlyphs;
  paragraphs: ParagraphBox[];
  /** Set for a styled document's page (render/styled/): per-glyph styles and rules. */
  styled?: StyledPaint;
}

/** What a styled page adds to painting: its style table, each glyph's style, and rules. */
export interface StyledPaint {
  styles: StyleSpec[];
  /** `styleOf[i]` is the style of glyph i (parallel to `glyphs.codes`). */
  styleOf: Uint16Array;
  /** Filled rectangles (rules, quote bars), final page pixels. */
  rules: ParagraphBox[];
}

/** A page whose glyphs are placed and whose final (cropped) size is known, not yet painted. */
export interface PlacedPage extends PaintablePage {
  /** The page's lines in the layout map. */
  lines: LayoutLine[];
}

/**
 * Places one page's glyph masks and works out its final size: auto-crop boxes come from the
 * masks' ink extents, so a page's size (and visual-token cost) is known before any pixel is
 * painted, and the buffer is then allocated at its final size with nothing copied.
 */
export function placePage(layout: PageLayout, p: Painter, missing: MissingGlyphs): PlacedPage {
  let total = 0;
  for (const line of layout.lines) total += line.glyphs.length;
  const codes = new Uint32Array(total);
  const xy = new Int16Array(2 * total);
  let n = 0;
  let inkRight = -1;
  let inkBottom = -1;
  const lineMaps: LayoutLine[] = [];
  const fullWidth = Math.floor(layout.width * p.hScale);
  for (const line of layout.lines) {
    let lineRight = 0;
    for (const g of line.glyphs) {
      if (g.face < 0) noteMissing(missing, g.cp);
      const penX = (line.x + g.x) * p.hScale;
      const ix = Math.floor(penX);
      const phase = Math.min(SUBPIXEL_STEPS - 1, Math.floor((penX - ix) * SUBPIXEL_STEPS));
      const key = glyphKey(g.face, g.cp, phase);
      const mask = p.atlas.byKey(key);
      lineRight = (line.x + g.x + g.advance) * p.hScale;
      if (!mask.width) continue;
      const x = ix + mask.left;
      const y = line.baseline + mask.top;
      codes[n] = key * 2 + (g.marker ? 1 : 0);
      xy[2 * n] = x;
      xy[2 * n + 1] = y;
      n++;
      if (mask.inkRight >= 0) {
        inkRight = Math.max(inkRight, x + mask.inkRight);
        inkBottom = Math.max(inkBottom, y + mask.inkBottom);
      }
    }
    const x = Math.floor(line.x * p.hScale);
    const top = Math.floor(line.baseline - p.ascentPx);
    lineMaps.push({
      page: layout.index,
      line: line.row,
      box: { x, y: top, width: Math.ceil(lineRight) - x, height: Math.ceil(line.baseline + p.descentPx) - top },
      start: line.start,
      end: line.end,
    });
  }
  const paragraphs = layout.paragraphs.map((b) => scaleBox(b, p.hScale));
  if (p.paragraphInk) {
    for (const b of paragraphs) {
      inkRight = Math.max(inkRight, Math.min(fullWidth, Math.ceil(b.x + b.width)) - 1);
      inkBottom = Math.max(inkBottom, Math.min(layout.height, Math.ceil(b.y + b.height)) - 1);
    }
  }
  let width = fullWidth;
  let height = layout.height;
  const snap = (px: number) => Math.ceil(px / p.cropSnap) * p.cropSnap;
  if (p.cropWidth && inkRight >= 0) width = Math.min(width, snap(inkRight + 1 + p.marginXPx));
  if (p.cropLast && layout.last && inkBottom >= 0) height = Math.min(height, snap(inkBottom + p.marginYPx));
  for (const l of lineMaps) clampBox(l, width, height);
  const glyphs = { codes: codes.subarray(0, n), xy: xy.subarray(0, 2 * n) };
  return { index: layout.index, width, height, channels: p.channels, lines: lineMaps, glyphs, paragraphs };
}

/** Paints a placed page: background, paragraph boxes, then every glyph from its mask. */
export function paintPlaced(page: PaintablePage, p: Painter): RawPage {
  if (page.styled) return paintStyled(page, page.styled, p);
  const { width, height } = page;
  const raw: RawPage = { width, height, channels: p.channels, data: new Uint8Array(width * height * p.channels) };
  fill(raw, 0, 0, width, height, p.bg);
  for (const b of page.paragraphs) paintParagraph(raw, b, p);
  const { codes, xy } = page.glyphs;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    blend(raw, p.atlas.byKey(code >>> 1), xy[2 * i]!, xy[2 * i + 1]!, code & 1 ? MARKER_RGB : p.fg);
  }
  return raw;
}

/** Counts a code point no font has, listing the first few distinct ones. */
export function noteMissing(missing: MissingGlyphs, cp: number): void {
  missing.count += 1;
  if (missing.codePoints.length < MISSING_LISTED) {
    const name = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    if (!missing.codePoints.includes(name)) missing.codePoints.push(name);
  }
}

function scaleBox(b: ParagraphBox, h: number): ParagraphBox {
  return { x: b.x * h, y: b.y, width: b.width * h, height: b.height };
}

/** Clips a layout line's box to the page (auto-crop may cut a line's box). */
export function clampBox(l: LayoutLine, width: number, height: number): void {
  const b = l.box;
  const x1 = Math.min(width, b.x + b.width);
  const y1 = Math.min(height, b.y + b.height);
  b.x = Math.max(0, b.x);
  b.y = Math.max(0, b.y);
  b.width = Math.max(0, x1 - b.x);
  b.height = Math.max(0, y1 - b.y);
}

function paintParagraph(raw: RawPage, b: ParagraphBox, p: Painter): void {
  const x0 = Math.round(b.x);
  const y0 = Math.round(b.y);
  const x1 = Math.round(b.x + b.width);
  const y1 = Math.round(b.y + b.height);
  fill(raw, x0, y0, x1, y1, p.paraBg);
  if (p.borderPx > 0) {
    const t = Math.max(1, Math.round(p.borderPx));
    fill(raw, x0, y0, x1, y0 + t, p.border);
    fill(raw, x0, y1 - t, x1, y1, p.border);
    fill(raw, x0, y0, x0 + t, y1, p.border);
    fill(raw, x1 - t, y0, x1, y1, p.border);
  }
}

/** Fills a rectangle (clipped to the page) with a colour. */
export function fill(raw: RawPage, x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
  const { width, height, channels, data } = raw;
  x0 = Math.max(0, x0);
  y0 = Math.max(0, y0);
  x1 = Math.min(width, x1);
  y1 = Math.min(height, y1);
  if (x0 >= x1 || y0 >= y1) return;
  if (channels === 1) {
    for (let y = y0; y < y1; y++) data.fill(c[0], y * width + x0, y * width + x1);
    return;
  }
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * width + x) * 3;
      data[o] = c[0];
      data[o + 1] = c[1];
      data[o + 2] = c[2];
    }
  }
}

/** Source-over compositing of mask `m` with its top-left at (gx, gy) in color `c`: dst += (c − dst) × coverage. */
export function blend(raw: RawPage, m: GlyphMask, gx: number, gy: number, c: Rgb): void {
  const { width, height, channels, data } = raw;
  const mx0 = Math.max(0, -gx);
  const my0 = Math.max(0, -gy);
  const mx1 = Math.min(m.width, width - gx);
  const my1 = Math.min(m.height, height - gy);
  const alpha = m.alpha;
  if (channels === 1) {
    const v = c[0];
    for (let my = my0; my < my1; my++) {
      let o = (gy + my) * width + gx + mx0;
      let a = my * m.width + mx0;
      for (let mx = mx0; mx < mx1; mx++, o++, a++) {
        const cov = alpha[a]!;
        if (cov === 0) continue;
        const d = data[o]!;
        data[o] = (d + ((v - d) * cov + 127) / 255) | 0;
      }
    }
    return;
  }
  for (let my = my0; my < my1; my++) {
    for (let mx = mx0; mx < mx1; mx++) {
      const cov = alpha[my * m.width + mx]!;
      if (cov === 0) continue;
      const o = ((gy + my) * width + gx + mx) * 3;
      for (let k = 0; k < 3; k++) {
        const d = data[o + k]!;
        data[o + k] = (d + ((c[k]! - d) * cov + 127) / 255) | 0;
      }
    }
  }
}
