import { NEWLINE_MARKER, pageSizePoints, type RenderConfig } from '../../protocol/render-config.ts';
import { FontChain } from './fonts.ts';
import { boxesOfRun, breakLines, markerBox, placeLine, type Box, type Glyph, type Measure } from './line-breaking.ts';

/**
 * Glyph joins every 30 source lines into one reportlab Paragraph; paragraph spacing, first-line
 * indent and paragraph background apply to those groups, so we group the same way.
 */
export const GLYPH_LINES_PER_PARAGRAPH = 30;

/** reportlab's Frame pads its content by 6 pt on every side (SimpleDocTemplate's one frame). */
export const FRAME_PADDING_PT = 6;

const NBSP = 0xa0;

/** A line placed on a page: glyphs with pen x relative to `x`, baseline in page pixels. */
export interface PlacedLine {
  /** Row of the line on its page (0-based; blank rows count). */
  row: number;
  x: number;
  baseline: number;
  glyphs: Glyph[];
  /** Source range [start, end) shown by the line. */
  start: number;
  end: number;
}

/** A paragraph's background/border rectangle on one page, in unscaled page pixels. */
export interface ParagraphBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Everything needed to paint one page. */
export interface PageLayout {
  index: number;
  /** Page size in pixels before horizontal scaling and cropping. */
  width: number;
  height: number;
  lines: PlacedLine[];
  paragraphs: ParagraphBox[];
  last: boolean;
  /** Source offset up to which the text is laid out (for progress). */
  consumed: number;
}

/** Pixel geometry derived from a config. */
export interface PageGeometry {
  scale: number;
  fontPx: number;
  leading: number;
  width: number;
  height: number;
  frameLeft: number;
  frameTop: number;
  frameBottom: number;
  frameWidth: number;
}

/** Pixel geometry of a config: page, frame and type sizes (pixels = points × dpi / 72). */
export function pageGeometry(config: RenderConfig): PageGeometry {
  const scale = config.dpi / 72;
  const [pw, ph] = pageSizePoints(config);
  const pad = FRAME_PADDING_PT;
  return {
    scale,
    fontPx: config['font-size'] * scale,
    leading: config['line-height'] * scale,
    width: Math.ceil(pw * scale - 1e-9),
    height: Math.ceil(ph * scale - 1e-9),
    frameLeft: (config['margin-x'] + pad) * scale,
    frameTop: (config['margin-y'] + pad) * scale,
    frameBottom: (ph - config['margin-y'] - pad) * scale,
    frameWidth: (pw - 2 * config['margin-x'] - 2 * pad) * scale,
  };
}

/** Iterates the source lines of `text` ("\r\n", "\r" and "\n" all end a line). */
function* sourceLines(text: string): Generator<{ start: number; end: number; sepLen: number }> {
  let start = 0;
  // The next "\n" and "\r" are searched for again only once passed: looking for both afresh on
  // every line scans to the end of a text without "\r" each time (quadratic: 400 000 short lines
  // took 19 s to lay out).
  let n = text.indexOf('\n');
  let r = text.indexOf('\r');
  for (;;) {
    if (n >= 0 && n < start) n = text.indexOf('\n', start);
    if (r >= 0 && r < start) r = text.indexOf('\r', start);
    const at = n < 0 ? r : r < 0 ? n : Math.min(n, r);
    if (at < 0) {
      yield { start, end: text.length, sepLen: 0 };
      return;
    }
    const sepLen = text[at] === '\r' && text[at + 1] === '\n' ? 2 : 1;
    yield { start, end: at, sepLen };
    start = at + sepLen;
  }
}

/**
 * Lays out `text` page by page, as Glyph's reportlab pipeline does: 30-line paragraphs in one
 * frame per page, greedy wrapping, leading = line-height. Pages come out one at a time, and a
 * paragraph is broken into lines as its boxes are made, so memory stays bounded by about two
 * pages whatever the length of the document, of its paragraphs or of its words.
 */
export function* layoutPages(text: string, config: RenderConfig): Generator<PageLayout> {
  const geo = pageGeometry(config);
  const chain = FontChain.for(config['font-family']);
  const s = geo.scale;
  const left = config['left-indent'] * s;
  const avail = geo.frameWidth - left - config['right-indent'] * s;
  const firstIndent = config['first-line-indent'] * s;
  // Wider than any line (the first line gains a negative first-line indent): see Box.glued.
  const m: Measure = { chain, fontPx: geo.fontPx, maxBoxWidth: avail + Math.abs(firstIndent) + 1 };
  const useMarker = config['newline-markup'] === NEWLINE_MARKER;
  const drawParagraphBoxes =
    config['para-bg-color'].toUpperCase() !== config['page-bg-color'].toUpperCase() || config['border-width'] > 0;

  let page = newPage(0);
  let y = geo.frameTop;
  let row = 0;
  // Source offset of the last glyph of the last line in the map (see the tab rule below).
  let lastSrc = -1;
  let pending: PageLayout | null = null;
  const out: PageLayout[] = [];

  function newPage(index: number): PageLayout {
    return { index, width: geo.width, height: geo.height, lines: [], paragraphs: [], last: false, consumed: 0 };
  }
  function nextPage(consumed: number) {
    page.consumed = consumed;
    out.push(page);
    page = newPage(page.index + 1);
    y = geo.frameTop;
    row = 0;
  }

  let group: Array<{ start: number; end: number; sepLen: number }> = [];
  const flush = function* (): Generator<PageLayout> {
    if (!group.length) return;
    const paragraphs = useMarker ? [group] : group.map((l) => [l]);
    // spaceBefore is dropped at the top of a frame, as reportlab does.
    if (row > 0 && config['space-before'] > 0) {
      y += config['space-before'] * s;
      if (y + geo.leading > geo.frameBottom + 1e-6) nextPage(group[0]!.start);
    }
    let paraTop = y;
    let firstLine = true;
    for (const runs of paragraphs) {
      const isFirst = firstLine;
      const widthOf = (n: number) => avail - (isFirst && n === 0 ? firstIndent : 0);
      let n = 0;
      for (const line of breakLines(paragraphBoxes(runs), widthOf)) {
        if (y + geo.leading > geo.frameBottom + 1e-6) {
          if (drawParagraphBoxes) page.paragraphs.push(paragraphBox(paraTop, y));
          nextPage(line.boxes[0]?.glyphs[0]?.src ?? runs[0]!.start);
          paraTop = y;
          // Hand the full page on now: a long paragraph must not hold all its pages.
          yield* out.splice(0);
        }
        const lineAvail = widthOf(n);
        placeLine(line, lineAvail, config.alignment);
        const glyphs = line.boxes.flatMap((b) => b.glyphs);
        // A line of kept spaces only has no ink: it is a blank row, not a line of the map.
        if (glyphs.some((g) => g.cp !== NBSP)) {
          const lastGlyph = glyphs[glyphs.length - 1]!;
          // A tab is drawn as four spaces, and a word too long for a line may break between them
          // (as Glyph's reportlab does): the tab belongs to the line it starts on, so that the
          // map's source ranges never overlap.
          let first = 0;
          while (glyphs[first]!.src === lastSrc && glyphs[first]!.cp === NBSP) first++;
          lastSrc = lastGlyph.src;
          page.lines.push({
            row,
            x: geo.frameLeft + left + (isFirst && n === 0 ? firstIndent : 0),
            baseline: Math.round(y + geo.fontPx),
            glyphs,
            start: glyphs[first]!.src,
            end: lastGlyph.src + lastGlyph.srcLen,
          });
        }
        y += geo.leading;
        row += 1;
        n += 1;
      }
      firstLine = false;
    }
    if (drawParagraphBoxes) page.paragraphs.push(paragraphBox(paraTop, y));
    y += config['space-after'] * s;
    group = [];
    yield* out.splice(0);
  };

  /** The boxes of one paragraph's runs, with Glyph's red marker between them in marker mode. */
  function* paragraphBoxes(runs: Array<{ start: number; end: number; sepLen: number }>): Generator<Box> {
    let gap = 0;
    for (let k = 0; k < runs.length; k++) {
      const run = runs[k]!;
      gap = yield* boxesOfRun(text, run.start, run.end, m, k === 0 ? 0 : Math.max(gap, 0));
      if (useMarker && k < runs.length - 1 && run.sepLen > 0) {
        yield markerBox(run.end, run.sepLen, m);
        gap = m.chain.char(0x20).advance * m.fontPx;
      }
    }
  }

  function paragraphBox(top: number, bottom: number): ParagraphBox {
    const pad = config['border-padding'] * s;
    return {
      x: geo.frameLeft + left - pad,
      y: top - pad,
      width: avail + 2 * pad,
      height: bottom - top + 2 * pad,
    };
  }

  for (const line of sourceLines(text)) {
    group.push(line);
    if (group.length === GLYPH_LINES_PER_PARAGRAPH) {
      for (const p of flush()) {
        if (pending) yield pending;
        pending = p;
      }
    }
  }
  for (const p of flush()) {
    if (pending) yield pending;
    pending = p;
  }
  // A trailing page with nothing on it (the text ended at a page break, or only blank lines
  // followed) is not emitted; a text with no visible character gives no page at all.
  if (page.lines.length || page.paragraphs.length) {
    if (pending) yield pending;
    pending = page;
  }
  if (pending) {
    pending.consumed = text.length;
    pending.last = true;
    yield pending;
  }
}
