/**
 * The one document model every input kind is turned into before it is drawn: an ordered list of
 * blocks, each with a role, styled runs of text and the place in the source it came from. The
 * renderer lays blocks out; citations and the layout map read `source` to name the source's own
 * line numbers (code, logs, Markdown, text) or PDF pages.
 *
 * Line rule, the same for every block: a `\n` inside a block's runs is a line break of the source.
 * So the n-th line of a block (0-based) comes from source line `source.line + n` (PDF: line
 * `source.line + n` of page `source.pdfPage`). In a `keepLines` block every such line stays one
 * drawn line (wrapped only when wider than the page, never joined); elsewhere the renderer's
 * reflow rule may join lines into running prose.
 */
import type { DocumentKind } from '../../protocol/document-kinds.ts';

export type { DocumentKind };

/** Font family of a run: the proportional text face or the monospace face. */
export type FontFamily = 'sans' | 'mono';

/** How a run is drawn. */
export interface RunStyle {
  family: FontFamily;
  /** Size relative to the body font size (1 = body; headings are larger). */
  scale: number;
  bold: boolean;
  italic: boolean;
  /** Text colour as `#rrggbb` (syntax colours, muted line numbers); absent: the page's font colour. */
  color?: string;
}

/** A piece of text drawn in one style. */
export interface Run {
  text: string;
  style: RunStyle;
}

/** Where a block starts in its source: a 1-based line, or a 1-based PDF page (and line on it). */
export type SourceRef = { line: number } | { pdfPage: number; line?: number };

/** Column alignment of a table (GFM's `:--`, `:-:`, `--:`; none when the source says nothing). */
export type ColumnAlign = 'left' | 'center' | 'right' | null;

/** What a block is; the renderer spaces and indents by it. */
export type BlockRole =
  | { role: 'paragraph' }
  | { role: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6 }
  /** `depth` 0 is a top-level item; `marker` is drawn before the first line (`-`, `3.`; `''` for an item's later paragraphs). */
  | { role: 'list-item'; depth: number; marker: string }
  | { role: 'code'; language?: string }
  /**
   * A table: `cells` row by row (the first row is the header when `header` is true) and each
   * column's alignment. `runs` hold the same table as an aligned monospace grid, one row a line,
   * so a renderer without a table drawer can draw the runs as they are.
   */
  | { role: 'table'; cells: string[][]; align: ColumnAlign[]; header: boolean }
  /** `depth` 1 is a quote, 2 a quote in a quote. */
  | { role: 'quote'; depth: number }
  | { role: 'log-line' }
  /** Ends a PDF page: the next block starts on a new page of the source (drawn as a thin gap or rule). */
  | { role: 'page-break' }
  /** A thematic break (`---`, `<hr>`): a horizontal rule, no text. */
  | { role: 'rule' };

/** One block of a {@link StyledDocument}. */
export type Block = BlockRole & {
  runs: Run[];
  /** Every source line stays one drawn line, never reflowed; indentation is exact (code, logs, tables, poetry). */
  keepLines: boolean;
  /** A line wider than the page wraps with a visible continuation mark (logs). */
  wrapMark: boolean;
  /** Where the block starts in the source; absent where the source has no lines a reader cites (HTML). */
  source?: SourceRef;
};

/** A document as the renderer draws it: blocks in reading order. */
export interface StyledDocument {
  kind: DocumentKind;
  /** The language a code document was highlighted as, when known. */
  language?: string;
  /** Title the source declares (HTML `<title>`, PDF metadata), not drawn unless a block carries it. */
  title?: string;
  /** PDF page count (each page ends with a `page-break` block but the last). */
  pages?: number;
  blocks: Block[];
}

/** Body text style: sans, scale 1, regular. */
export const BODY: RunStyle = Object.freeze({ family: 'sans', scale: 1, bold: false, italic: false });

/** Monospace body style. */
export const MONO: RunStyle = Object.freeze({ family: 'mono', scale: 1, bold: false, italic: false });

/** Heading scales by level (h1 1.6×, h2 1.3×, h3 1.15×, h4–h6 body size, all bold). */
export const HEADING_SCALE: Readonly<Record<1 | 2 | 3 | 4 | 5 | 6, number>> = Object.freeze({
  1: 1.6,
  2: 1.3,
  3: 1.15,
  4: 1,
  5: 1,
  6: 1,
});

/** The text of one block: its runs joined. */
export function blockText(block: Block): string {
  let text = '';
  for (const run of block.runs) text += run.text;
  return text;
}

/** {@link plainText} with where each block's text starts in it. */
export interface PlainTextIndex {
  text: string;
  /**
   * `blockStarts[i]` is the offset of block i's runs in `text` (UTF-16 code units; after a list
   * item's marker; for a page break or rule, where the next text starts).
   */
  blockStarts: number[];
}

/**
 * The document's text as drawn: what OCR read-back is compared against and text tokens are
 * counted on. Blocks are joined by one `\n`; a list item's marker and a space stand before its
 * text; page breaks and rules add no text; an empty log line is an empty line.
 */
export function plainText(doc: StyledDocument): string {
  return plainTextIndex(doc).text;
}

/** {@link plainText} plus the offset of each block in it, to map a drawn range back to its block. */
export function plainTextIndex(doc: StyledDocument): PlainTextIndex {
  const parts: string[] = [];
  const blockStarts: number[] = [];
  let offset = 0;
  for (const block of doc.blocks) {
    blockStarts.push(offset);
    if (block.role === 'page-break' || block.role === 'rule') continue;
    const marker = block.role === 'list-item' && block.marker ? `${block.marker} ` : '';
    const text = marker + blockText(block);
    blockStarts[blockStarts.length - 1] = offset + marker.length;
    parts.push(text);
    offset += text.length + 1;
  }
  return { text: parts.join('\n'), blockStarts };
}

/**
 * The source place of `offset` inside block `blockIndex` (an offset into that block's text): the
 * block's start moved down by the line breaks before `offset`. Citations use it to name a line.
 */
export function sourceAt(doc: StyledDocument, blockIndex: number, offset: number): SourceRef | undefined {
  const block = doc.blocks[blockIndex];
  if (!block?.source) return undefined;
  const text = blockText(block);
  let breaks = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) breaks++;
  const src = block.source;
  if ('pdfPage' in src) return src.line === undefined ? src : { pdfPage: src.pdfPage, line: src.line + breaks };
  return { line: src.line + breaks };
}
