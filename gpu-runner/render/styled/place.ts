/**
 * A styled document's plan: its pages laid out (layout.ts), every glyph's mask placed from its
 * style's atlas, the final page sizes (auto-crop from the masks' ink, as the plain renderer does)
 * and the layout map with each line's source. Painting then needs nothing but the plan.
 */
import type { RenderConfig } from '../../../protocol/render-config.ts';
import type { StyledDocument } from '../../kinds/model.ts';
import { glyphKey, SUBPIXEL_STEPS } from '../glyph-atlas.ts';
import { clampBox, createPainter, noteMissing, rgb, type MissingGlyphs, type PlacedPage } from '../paint.ts';
import type { RenderPlan } from '../render-pages.ts';
import type { LayoutLine } from '../types.ts';
import { atlasOf, inkThreshold } from './atlases.ts';
import { layoutStyledDocument } from './layout.ts';
import { FontChain } from '../fonts.ts';

/** A styled plan: the renderer's plan plus the text its offsets index. */
export interface StyledPlan extends RenderPlan {
  /** The document's plain text ({@link plainText}): what the layout map's offsets index. */
  plainText: string;
}

const isGray = (c: number[]) => c[0] === c[1] && c[1] === c[2];

/** Lays out and places every page of `doc`; the same config paints it (`paintPlan`). */
export function planStyledDocument(doc: StyledDocument, config: RenderConfig): StyledPlan {
  const painter = createPainter(config);
  const { pages: layouts, styles, plainText } = layoutStyledDocument(doc, config);
  const specs = styles.specs;
  const threshold = inkThreshold(painter.fg, painter.bg);
  const atlases = specs.map((spec) => atlasOf(spec, painter.hScale, threshold));
  const chains = specs.map((spec) => FontChain.for(spec.face));
  const channels: 1 | 3 = painter.channels === 3 || specs.some((sp) => !isGray(rgb(sp.color))) ? 3 : 1;
  const missingGlyphs: MissingGlyphs = { count: 0, codePoints: [] };
  const hScale = painter.hScale;
  const pages: PlacedPage[] = layouts.map((layout) => {
    let total = 0;
    for (const line of layout.lines) total += line.glyphs.length;
    const codes = new Uint32Array(total);
    const xy = new Int16Array(2 * total);
    const styleOf = new Uint16Array(total);
    let n = 0;
    let inkRight = -1;
    let inkBottom = -1;
    const lines: LayoutLine[] = [];
    for (const line of layout.lines) {
      let lineRight = line.x * hScale;
      let ascent = 0;
      let descent = 0;
      for (const g of line.glyphs) {
        const spec = specs[g.style]!;
        ascent = Math.max(ascent, chains[g.style]!.vertical.ascent * spec.px);
        descent = Math.max(descent, chains[g.style]!.vertical.descent * spec.px);
        if (g.face < 0) noteMissing(missingGlyphs, g.cp);
        const penX = (line.x + g.x) * hScale;
        const ix = Math.floor(penX);
        const phase = Math.min(SUBPIXEL_STEPS - 1, Math.floor((penX - ix) * SUBPIXEL_STEPS));
        const key = glyphKey(g.face, g.cp, phase);
        const mask = atlases[g.style]!.byKey(key);
        if (!g.mark) lineRight = Math.max(lineRight, (line.x + g.x + g.advance) * hScale);
        if (!mask.width) continue;
        const x = ix + mask.left;
        const y = line.baseline + mask.top;
        codes[n] = key * 2;
        xy[2 * n] = x;
        xy[2 * n + 1] = y;
        styleOf[n] = g.style;
        n++;
        if (mask.inkRight >= 0) {
          inkRight = Math.max(inkRight, x + mask.inkRight);
          inkBottom = Math.max(inkBottom, y + mask.inkBottom);
        }
      }
      const x = Math.floor(line.x * hScale);
      const top = Math.floor(line.baseline - ascent);
      lines.push({
        page: layout.index,
        line: line.row,
        box: { x, y: top, width: Math.ceil(lineRight) - x, height: Math.ceil(line.baseline + descent) - top },
        start: line.start,
        end: line.end,
        ...(line.source ? { source: { ...line.source } } : {}),
      });
    }
    const rules = layout.rules.map((r) => ({ x: r.x * hScale, y: r.y, width: r.width * hScale, height: r.height }));
    for (const r of rules) {
      inkRight = Math.max(inkRight, Math.ceil(r.x + r.width) - 1);
      inkBottom = Math.max(inkBottom, Math.ceil(r.y + r.height) - 1);
    }
    let width = Math.floor(layout.width * hScale);
    let height = layout.height;
    // Cropped sides round up to the profile's grid when the config asks (`auto-crop-snap`).
    const snap = (px: number) => Math.ceil(px / painter.cropSnap) * painter.cropSnap;
    if (painter.cropWidth && inkRight >= 0) width = Math.min(width, snap(inkRight + 1 + painter.marginXPx));
    if (painter.cropLast && layout.last && inkBottom >= 0)
      height = Math.min(height, snap(inkBottom + painter.marginYPx));
    for (const l of lines) clampBox(l, width, height);
    return {
      index: layout.index,
      width,
      height,
      channels,
      lines,
      glyphs: { codes: codes.subarray(0, n), xy: xy.subarray(0, 2 * n) },
      paragraphs: [],
      styled: { styles: specs, styleOf: styleOf.subarray(0, n), rules },
    };
  });
  return { pages, missingGlyphs, plainText };
}
