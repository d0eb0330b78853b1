/**
 * Lays a {@link StyledDocument} out into pages of lines: every run in its own face, size and
 * colour; headings larger and bold; list items indented with their markers hung in front of the
 * text; quotes indented; `keepLines` blocks (code, logs, tables) kept line for line with their
 * leading spaces exact, a line wider than the frame wrapped between characters, the continuation
 * led by a muted `↪` when the block asks for a wrap mark; other blocks filled as running prose.
 *
 * Offsets (`src`, line `start`/`end`) index the document's {@link plainText}, which is the text
 * decode compares against and tokens are counted on; each line also names the place in the
 * source it shows (a source line, or a PDF page), which the layout map and citations report.
 */
import type { RenderConfig } from '../../../protocol/render-config.ts';
import { blockText, plainTextIndex, type Block, type SourceRef, type StyledDocument } from '../../kinds/model.ts';
import { isBreakingSpace, isDropped, isInvisible } from '../char-classes.ts';
import { FontChain } from '../fonts.ts';
import { pageGeometry, type PageGeometry, type ParagraphBox } from '../layout.ts';
import { MONO_SCALE, MUTED_COLOR, StyleTable } from './styles.ts';

/** The continuation mark drawn before the rest of a wrapped line. */
export const WRAP_MARK = '↪';

/** A glyph of a styled line: pen x relative to its line's `x`, its style's index in the table. */
export interface StyledGlyph {
  cp: number;
  /** Face index in the style's font chain; -1: no shipped font has it. */
  face: number;
  style: number;
  advance: number;
  src: number;
  srcLen: number;
  x: number;
  /** The continuation mark: drawn, but not part of the line's text or box. */
  mark: boolean;
}

/** Where a laid-out line comes from in the source. */
export type LineSource = { line: number } | { pdfPage: number; line?: number };

/** A laid-out line of a styled page. */
export interface StyledLine {
  row: number;
  /** Left edge of the line's text (its box), page pixels before horizontal scaling. */
  x: number;
  baseline: number;
  /** Largest font size on the line, in pixels (its box height follows it). */
  px: number;
  glyphs: StyledGlyph[];
  start: number;
  end: number;
  source?: LineSource;
}

/** One laid-out page of a styled document. */
export interface StyledPageLayout {
  index: number;
  width: number;
  height: number;
  lines: StyledLine[];
  /** Horizontal rules and quote bars, page pixels before horizontal scaling. */
  rules: ParagraphBox[];
  last: boolean;
}

/** A styled document laid out: its pages, the style table and the text the offsets index. */
export interface StyledLayout {
  pages: StyledPageLayout[];
  styles: StyleTable;
  plainText: string;
}

/** An item of a block's text: a glyph to place, a source line break, or a word gap. */
interface Item {
  cp: number;
  style: number;
  src: number;
  srcLen: number;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;

/** Vertical space before a block, in lines of body leading, by role. */
function spaceBefore(block: Block): number {
  switch (block.role) {
    case 'heading':
      return block.level <= 2 ? 1 : 0.8;
    case 'list-item':
      return block.marker ? 0.25 : 0.35;
    case 'log-line':
      return 0;
    default:
      return 0.5;
  }
}

/** Lays out `doc` with `config`'s page, margins, font size and leading; see the module comment. */
export function layoutStyledDocument(doc: StyledDocument, config: RenderConfig): StyledLayout {
  const geo: PageGeometry = pageGeometry(config);
  const styles = new StyleTable(config);
  const { text, blockStarts } = plainTextIndex(doc);
  const s = geo.scale;
  const left = geo.frameLeft + config['left-indent'] * s;
  const right = geo.frameLeft + geo.frameWidth - config['right-indent'] * s;
  const em = geo.fontPx;
  const markStyle = styles.spec('DejaVu Sans Mono', geo.fontPx * MONO_SCALE, MUTED_COLOR);
  const pages: StyledPageLayout[] = [];
  let page = newPage(0);
  let y = geo.frameTop;
  let row = 0;

  function newPage(index: number): StyledPageLayout {
    return { index, width: geo.width, height: geo.height, lines: [], rules: [], last: false };
  }
  function nextPage(): void {
    pages.push(page);
    page = newPage(page.index + 1);
    y = geo.frameTop;
    row = 0;
  }
  const fits = (height: number) => y + height <= geo.frameBottom + 1e-6;
  const measure = (cp: number, style: number): { face: number; advance: number } => {
    const spec = styles.specs[style]!;
    const info = FontChain.for(spec.face).char(cp);
    return { face: info.face, advance: info.advance * spec.px };
  };

  /** Places one finished line: a new page when it does not fit; a blank row when it has no ink. */
  function emit(glyphs: StyledGlyph[], x: number, px: number, source: LineSource | undefined): void {
    // A hung list marker is part of the line (its text and box); a continuation mark is not.
    const hang = Math.min(0, ...glyphs.filter((g) => !g.mark).map((g) => g.x));
    if (hang < 0) {
      for (const g of glyphs) g.x -= hang;
      x += hang;
    }
    const height = geo.leading * (px / em);
    if (!fits(height) && (page.lines.length || row > 0)) nextPage();
    const ink = glyphs.filter((g) => !g.mark && g.cp !== SPACE);
    if (ink.length) {
      const textGlyphs = glyphs.filter((g) => !g.mark);
      const last = textGlyphs[textGlyphs.length - 1]!;
      page.lines.push({
        row,
        x,
        baseline: Math.round(y + px),
        px,
        glyphs,
        start: textGlyphs[0]!.src,
        end: last.src + last.srcLen,
        ...(source ? { source } : {}),
      });
    }
    y += height;
    row += 1;
  }

  function space(lines: number): void {
    if (row === 0) return; // dropped at the top of a page, as reportlab drops spaceBefore
    y += geo.leading * lines;
  }

  function rule(x0: number, x1: number, thickness: number): void {
    if (!fits(geo.leading)) nextPage();
    const mid = y + geo.leading / 2;
    page.rules.push({ x: x0, y: Math.round(mid - thickness / 2), width: x1 - x0, height: thickness });
    y += geo.leading;
    row += 1;
  }

  doc.blocks.forEach((block, b) => {
    if (block.role === 'page-break') {
      space(0.5);
      rule(left, right, 1);
      return;
    }
    if (block.role === 'rule') {
      space(0.25);
      rule(left, right, Math.max(1, Math.round(s)));
      return;
    }
    space(spaceBefore(block));
    const start = blockStarts[b]!;
    const runsText = blockText(block);
    if (!runsText && !(block.role === 'list-item' && block.marker)) return;
    // Items of the block's runs, offsets into the plain text.
    const items: Item[] = [];
    let src = start;
    for (const run of block.runs) {
      const style = styles.of(run.style, em);
      for (let i = 0; i < run.text.length; ) {
        const cp = run.text.codePointAt(i)!;
        const len = cp > 0xffff ? 2 : 1;
        items.push({ cp, style, src: src + i, srcLen: len });
        i += len;
      }
      src += run.text.length;
    }
    const baseStyle =
      items.find((it) => it.cp !== NEWLINE)?.style ??
      styles.of(block.runs[0]?.style ?? { family: 'sans', scale: 1, bold: false, italic: false }, em);
    let indent = 0;
    const markerGlyphs: StyledGlyph[] = [];
    if (block.role === 'list-item') {
      const hang = 1.6 * em;
      indent = block.depth * hang + hang;
      if (block.marker) {
        const mStart = start - block.marker.length - 1;
        let mx = 0;
        for (let i = 0; i < block.marker.length; i++) {
          const m = measure(block.marker.charCodeAt(i), baseStyle);
          markerGlyphs.push({
            cp: block.marker.charCodeAt(i),
            face: m.face,
            style: baseStyle,
            advance: m.advance,
            src: mStart + i,
            srcLen: 1,
            x: mx,
            mark: false,
          });
          mx += m.advance;
        }
        // A marker wider than the hang (`10.` in a long list) pushes the text on, never over it.
        indent = Math.max(indent, block.depth * hang + mx + measure(SPACE, baseStyle).advance);
        const markerLeft = block.depth * hang;
        for (const g of markerGlyphs) g.x += markerLeft - indent;
      }
    } else if (block.role === 'quote') {
      indent = block.depth * 1.2 * em;
    }
    const x0 = left + indent;
    const width = right - x0;
    const sourceOf = (n: number): LineSource | undefined => lineSource(block.source, n);
    const pxOf = (glyphs: StyledGlyph[]) =>
      Math.max(styles.specs[baseStyle]!.px, ...glyphs.map((g) => styles.specs[g.style]!.px));
    const quoteTop = y;
    const quotePage = page;

    if (block.keepLines) {
      let n = 0;
      let line: Item[] = [];
      const flushSourceLine = () => {
        const glyphs = toGlyphs(line);
        // Cut between characters where the frame ends; continuations carry the mark.
        let first = true;
        let i = 0;
        do {
          const out: StyledGlyph[] = [];
          let x = 0;
          let offset = 0;
          if (!first && block.wrapMark) {
            const m = measure(WRAP_MARK.codePointAt(0)!, markStyle);
            offset = m.advance + measure(SPACE, markStyle).advance;
            out.push({
              cp: WRAP_MARK.codePointAt(0)!,
              face: m.face,
              style: markStyle,
              advance: m.advance,
              src: glyphs[i]?.src ?? 0,
              srcLen: 0,
              x: -offset,
              mark: true,
            });
          }
          const avail = width - offset;
          while (i < glyphs.length) {
            const g = glyphs[i]!;
            if (x + g.advance > avail + 1e-6 && out.some((o) => !o.mark)) break;
            out.push({ ...g, x });
            x += g.advance;
            i++;
          }
          const prefix = first ? markerGlyphs : [];
          emit([...prefix, ...out], x0 + offset, pxOf(out), sourceOf(n));
          first = false;
        } while (i < glyphs.length);
        line = [];
        n++;
      };
      // A table's header rule (`---+---`, its second line) is drawn as a rule, not as dashes:
      // a row of hyphens reads as dots, to a model as to OCR.
      const headerRule = block.role === 'table' && block.header;
      let gridRight = x0;
      const flushOrRule = () => {
        if (headerRule && n === 1) {
          if (!fits(geo.leading)) nextPage();
          page.rules.push({ x: x0, y: Math.round(y + geo.leading / 2), width: Math.max(1, gridRight - x0), height: 1 });
          y += geo.leading;
          row += 1;
          line = [];
          n++;
          return;
        }
        if (headerRule && n === 0) gridRight = x0 + toGlyphs(line).reduce((w, g) => w + g.advance, 0);
        flushSourceLine();
      };
      for (const it of items) {
        if (it.cp === NEWLINE) flushOrRule();
        else line.push(it);
      }
      flushOrRule();
    } else {
      // Running prose: source line breaks and whitespace runs are word gaps; words fill lines.
      const words: Array<{ glyphs: StyledGlyph[]; width: number; line: number }> = [];
      let word: StyledGlyph[] = [];
      let n = 0;
      let wordLine = 0;
      const endWord = () => {
        if (word.length) words.push({ glyphs: word, width: word.reduce((w, g) => w + g.advance, 0), line: wordLine });
        word = [];
      };
      for (const it of items) {
        if (it.cp === NEWLINE || it.cp === SPACE || it.cp === 0x09 || isBreakingSpace(it.cp)) {
          endWord();
          if (it.cp === NEWLINE) n++;
          continue;
        }
        if (!word.length) wordLine = n;
        word.push(...toGlyphs([it]));
      }
      endWord();
      let out: StyledGlyph[] = [];
      let x = 0;
      let lineOf = words[0]?.line ?? 0;
      let first = true;
      const flush = () => {
        emit(first ? [...markerGlyphs, ...out] : out, x0, pxOf(out), sourceOf(lineOf));
        first = false;
        out = [];
        x = 0;
      };
      for (const w of words) {
        const gap = out.length ? measure(SPACE, w.glyphs[0]!.style).advance : 0;
        if (out.length && x + gap + w.width > width + 1e-6) flush();
        if (!out.length) lineOf = w.line;
        x += out.length ? gap : 0;
        for (const g of w.glyphs) {
          if (out.length && x + g.advance > width + 1e-6) {
            flush();
            lineOf = w.line;
          }
          out.push({ ...g, x });
          x += g.advance;
        }
      }
      if (out.length || markerGlyphs.length) flush();
    }
    if (block.role === 'quote' && page === quotePage) {
      const barX = left + (block.depth - 1) * 1.2 * em + 0.3 * em;
      page.rules.push({
        x: barX,
        y: Math.round(quoteTop),
        width: Math.max(1, Math.round(0.15 * em)),
        height: Math.round(y - quoteTop),
      });
    }

    function toGlyphs(list: Item[]): StyledGlyph[] {
      const glyphs: StyledGlyph[] = [];
      for (const it of list) {
        if (isDropped(it.cp) || isInvisible(it.cp)) continue;
        const m = measure(it.cp, it.style);
        glyphs.push({
          cp: it.cp,
          face: m.face,
          style: it.style,
          advance: m.advance,
          src: it.src,
          srcLen: it.srcLen,
          x: 0,
          mark: false,
        });
      }
      return glyphs;
    }
  });
  if (page.lines.length || page.rules.length) pages.push(page);
  if (pages.length) pages[pages.length - 1]!.last = true;
  return { pages, styles, plainText: text };
}

/** The source place of line `n` (0-based) of a block that starts at `source`. */
function lineSource(source: SourceRef | undefined, n: number): LineSource | undefined {
  if (!source) return undefined;
  if ('pdfPage' in source)
    return source.line === undefined ? { pdfPage: source.pdfPage } : { pdfPage: source.pdfPage, line: source.line + n };
  return { line: source.line + n };
}
