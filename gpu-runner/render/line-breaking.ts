import type { Alignment } from '../../protocol/render-config.ts';
import { canBreakBetween, isBreakingSpace, isCjk, isDropped, isInvisible } from './char-classes.ts';
import type { FontChain } from './fonts.ts';

/** One glyph to draw: its code point, font face (-1: none has it), source offset and pen x. */
export interface Glyph {
  cp: number;
  face: number;
  /** Advance in pixels. */
  advance: number;
  /** Offset of the character in the source text (UTF-16 code units) and its length there. */
  src: number;
  srcLen: number;
  /** Drawn in the newline-marker color (Glyph's red " \n "). */
  marker: boolean;
  /** Pen x in pixels from the start of the text box, set when the line is placed. */
  x: number;
}

/** An unbreakable run of glyphs and the breakable gap before it. */
export interface Box {
  glyphs: Glyph[];
  width: number;
  /** Width of the collapsible space before the box: 0 for a break between CJK characters. */
  gap: number;
  /**
   * The box goes on from the previous one with no break between them: a word wider than any
   * line, handed over in pieces (see {@link Measure.maxBoxWidth}) so that a megabyte-long word
   * never has all its glyphs in memory at once. Lines come out as if it were one box.
   */
  glued?: boolean;
}

/** A line made of boxes; `forced` lines (before a break or at a paragraph end) are not justified. */
export interface BrokenLine {
  boxes: Box[];
  width: number;
  forced: boolean;
  /** Source range when the line shows no glyph (a blank line). */
  emptyAt: number;
}

/** Per-font-size scaling and the font chain that measures glyphs. */
export interface Measure {
  chain: FontChain;
  fontPx: number;
  /**
   * A box grown wider than this is handed on and continued in a {@link Box.glued} box. Must be
   * more than any line's width, so that the first piece alone is too wide for a line (it is then
   * cut between glyphs, exactly as the whole word would be). Default: no limit.
   */
  maxBoxWidth?: number;
}

/** Tabs become this many spaces (then kept, like every run of two or more spaces). */
export const TAB_SPACES = 4;

const SPACE = 0x20;
const NBSP = 0xa0;

/**
 * Splits one source line (or a Glyph paragraph's run between newline markers) into boxes, one
 * at a time; returns the gap owed to what follows. A single space is a break opportunity; a run of
 * two or more spaces (or a tab) is kept as no-break spaces, exactly as Glyph rewrites them to
 * `&nbsp;`; CJK characters may break anywhere the kinsoku rules allow.
 */
export function* boxesOfRun(
  text: string,
  start: number,
  end: number,
  m: Measure,
  gapBefore: number,
): Generator<Box, number> {
  let gap = gapBefore;
  let box: Box | null = null;
  let prevCp = -1;
  let i = start;
  const spaceAdvance = m.chain.char(SPACE).advance * m.fontPx;
  const maxBoxWidth = m.maxBoxWidth ?? Infinity;
  // Generators cannot yield from a nested function: these return the box to hand on, if any.
  const closeBox = (): Box | null => {
    const done = box && box.glyphs.length ? box : null;
    box = null;
    return done;
  };
  const overflow = (): Box | null => {
    if (!box || box.width <= maxBoxWidth) return null;
    const full = box;
    box = { glyphs: [], width: 0, gap: 0, glued: true };
    return full;
  };
  while (i < end) {
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    if (cp === SPACE || cp === 0x09 || isBreakingSpace(cp)) {
      // Measure the whole whitespace run: one plain space breaks, longer runs are kept.
      let j = i;
      let spaces = 0;
      let onlySpacesAndTabs = true;
      while (j < end) {
        const c = text.charCodeAt(j);
        if (c === SPACE) spaces += 1;
        else if (c === 0x09) spaces += TAB_SPACES;
        else if (isBreakingSpace(c)) onlySpacesAndTabs = false;
        else break;
        j++;
      }
      if (onlySpacesAndTabs && spaces >= 2) {
        box ??= { glyphs: [], width: 0, gap };
        const nbsp = m.chain.char(NBSP);
        for (let k = i; k < j; k++) {
          const n = text.charCodeAt(k) === 0x09 ? TAB_SPACES : 1;
          for (let t = 0; t < n; t++) {
            const advance = nbsp.advance * m.fontPx;
            box!.glyphs.push({ cp: NBSP, face: nbsp.face, advance, src: k, srcLen: 1, marker: false, x: 0 });
            box!.width += advance;
            const full = overflow();
            if (full) yield full;
          }
        }
        prevCp = NBSP;
      } else {
        const done = closeBox();
        if (done) yield done;
        gap = spaceAdvance;
        prevCp = SPACE;
      }
      i = j;
      continue;
    }
    if (isDropped(cp) || isInvisible(cp)) {
      i += len;
      continue;
    }
    if (box && prevCp >= 0 && prevCp !== SPACE && canBreakBetween(prevCp, cp)) {
      const done = closeBox();
      if (done) yield done;
      gap = 0;
    }
    if (!box) {
      box = { glyphs: [], width: 0, gap };
    }
    const info = m.chain.char(cp);
    const advance = info.advance * m.fontPx;
    box.glyphs.push({ cp, face: info.face, advance, src: i, srcLen: len, marker: false, x: 0 });
    box.width += advance;
    const full = overflow();
    if (full) yield full;
    prevCp = cp;
    i += len;
  }
  const done = closeBox();
  if (done) yield done;
  // The gap owed to whatever follows: a trailing space is only a break, never ink.
  return prevCp === SPACE ? spaceAdvance : 0;
}

/** The glyphs of Glyph's newline marker " \n ": a backslash and an n, in the marker color. */
export function markerBox(src: number, srcLen: number, m: Measure): Box {
  const glyphs: Glyph[] = [];
  let width = 0;
  for (const ch of '\\n') {
    const cp = ch.codePointAt(0)!;
    const info = m.chain.char(cp);
    const advance = info.advance * m.fontPx;
    glyphs.push({ cp, face: info.face, advance, src, srcLen, marker: true, x: 0 });
    width += advance;
  }
  return { glyphs, width, gap: m.chain.char(SPACE).advance * m.fontPx };
}

/**
 * Greedy line filling (reportlab's, which Glyph uses): boxes go on the line while they fit;
 * a box wider than a whole line is cut between glyphs. `widthOf(n)` is the available width of
 * the paragraph's n-th line (the first may carry a first-line indent). Lines come out as soon as
 * they are full, so a paragraph's boxes can be produced as they are consumed.
 */
export function* breakLines(boxes: Iterable<Box>, widthOf: (n: number) => number): Generator<BrokenLine> {
  let count = 0;
  let cur: BrokenLine = { boxes: [], width: 0, forced: false, emptyAt: -1 };
  const next = (): BrokenLine => {
    const full = cur;
    cur = { boxes: [], width: 0, forced: false, emptyAt: -1 };
    count += 1;
    return full;
  };
  let avail = 0;
  // The piece of an over-wide box being cut; it stays open across the box's glued continuations.
  let piece: Box | null = null;
  const closePiece = (): void => {
    if (piece?.glyphs.length) {
      cur.width += cur.boxes.length ? piece.gap : 0;
      cur.boxes.push(cur.boxes.length ? piece : { ...piece, gap: 0 });
      cur.width += piece.width;
    }
    piece = null;
  };
  for (const box of boxes) {
    if (!(box.glued && piece)) {
      closePiece();
      avail = widthOf(count);
      if (cur.boxes.length && cur.width + box.gap + box.width > avail + 1e-6) {
        yield next();
        avail = widthOf(count);
      }
      if (box.width <= avail + 1e-6) {
        cur.width += cur.boxes.length ? box.gap : 0;
        cur.boxes.push(cur.boxes.length ? box : { ...box, gap: 0 });
        cur.width += box.width;
        continue;
      }
      // Too long for any line: cut it into line-sized pieces, the first on the current line.
      piece = { glyphs: [], width: 0, gap: cur.boxes.length ? box.gap : 0 };
    }
    let p: Box = piece!;
    for (const g of box.glyphs) {
      const used = cur.width + (cur.boxes.length ? p.gap : 0);
      if (p.glyphs.length && used + p.width + g.advance > avail + 1e-6) {
        cur.width = used + p.width;
        cur.boxes.push(p);
        yield next();
        avail = widthOf(count);
        p = { glyphs: [], width: 0, gap: 0 };
      } else if (!p.glyphs.length && cur.boxes.length && used + g.advance > avail + 1e-6) {
        yield next();
        avail = widthOf(count);
        p.gap = 0;
      }
      p.glyphs.push(g);
      p.width += g.advance;
    }
    piece = p;
  }
  closePiece();
  cur.forced = true;
  yield cur;
}

/**
 * Sets each glyph's pen x for the alignment. JUSTIFY stretches the gaps of every line but a
 * forced one (reportlab leaves a paragraph's last line and lines before `<br/>` ragged); lines
 * with no spaces stretch between CJK characters instead.
 */
export function placeLine(line: BrokenLine, avail: number, alignment: Alignment): void {
  let x = 0;
  let extraPerGap = 0;
  let stretchAll = false;
  const slack = Math.max(0, avail - line.width);
  if (alignment === 'CENTER') x = slack / 2;
  else if (alignment === 'RIGHT') x = slack;
  else if (alignment === 'JUSTIFY' && !line.forced && line.boxes.length > 1) {
    const spaced = line.boxes.slice(1).filter((b) => b.gap > 0).length;
    if (spaced > 0) extraPerGap = slack / spaced;
    else if (line.boxes.some((b) => b.glyphs.some((g) => isCjk(g.cp)))) {
      stretchAll = true;
      extraPerGap = slack / (line.boxes.length - 1);
    }
  }
  line.boxes.forEach((box, i) => {
    if (i > 0) x += box.gap + (box.gap > 0 || stretchAll ? extraPerGap : 0);
    for (const g of box.glyphs) {
      g.x = x;
      x += g.advance;
    }
  });
}
