/**
 * PDF → its text layer, page by page, with pdf.js (Mozilla's reader; the legacy build runs in
 * Node). Text comes in the order pdf.js reads the page's content, which is reading order for
 * single-column documents; lines are grouped into paragraphs at vertical gaps, and lines set
 * clearly larger than the page's body text become headings. Every page after the first starts
 * after a `page-break` block, and every block names its page and its first line on that page,
 * so citations and the layout map can give PDF page numbers.
 *
 * Limits are checked while extracting: more pages than `maxPages` is refused before any page is
 * read, and the running character count is checked line by line, so a small file that expands to
 * a huge text is refused as soon as it passes `maxChars` (413), not after. Nothing is fetched:
 * the data is in memory, and fonts and CMaps come from the pdfjs-dist package's own files.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import { encryptedPdf, invalidPdf, KindError, noTextLayer, tooManyChars, tooManyPages } from './errors.ts';
import { BODY, type Block, HEADING_SCALE, type StyledDocument } from './model.ts';

/** Default page limit (`MAX_PDF_PAGES`). */
export const MAX_PDF_PAGES = 2000;

/** Options of {@link pdfToStyledDocument}. */
export interface PdfOptions {
  /** Most pages accepted; default {@link MAX_PDF_PAGES}. */
  maxPages?: number;
  /** Most characters of extracted text accepted; default unbounded. */
  maxChars?: number;
  /** Called after each page (page number, running character count), for progress. */
  onPage?: (page: number, chars: number) => void;
}

const require = createRequire(import.meta.url);
const PDFJS_DIR = dirname(require.resolve('pdfjs-dist/package.json'));

/** A line of text on a page: its string, size and baseline (PDF units, y up). */
interface PageLine {
  text: string;
  height: number;
  y: number;
}

/**
 * The PDF's text as a {@link StyledDocument}. Throws {@link KindError}: 400 `invalid_pdf`,
 * 422 `encrypted_pdf`, 422 `no_text_layer`, 413 `too_many_pages` or `payload_too_large`.
 * `bytes` is copied into a plain Uint8Array (pdf.js takes ownership of the buffer it is given, and refuses a Node Buffer).
 */
export async function pdfToStyledDocument(bytes: Uint8Array, options: PdfOptions = {}): Promise<StyledDocument> {
  const maxPages = options.maxPages ?? MAX_PDF_PAGES;
  const maxChars = options.maxChars ?? Number.POSITIVE_INFINITY;
  const task = getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    useWasm: false,
    verbosity: VerbosityLevel.ERRORS,
    standardFontDataUrl: join(PDFJS_DIR, 'standard_fonts/'),
    cMapUrl: join(PDFJS_DIR, 'cmaps/'),
    cMapPacked: true,
  });
  let pdf: Awaited<typeof task.promise>;
  try {
    pdf = await task.promise;
  } catch (e) {
    await task.destroy().catch(() => {});
    throw openError(e);
  }
  try {
    if (pdf.numPages > maxPages) throw tooManyPages(pdf.numPages, maxPages);
    const blocks: Block[] = [];
    let chars = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      if (n > 1)
        blocks.push({ role: 'page-break', runs: [], keepLines: false, wrapMark: false, source: { pdfPage: n } });
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      const lines = pageLines(content.items.filter((i): i is TextItem => 'str' in i));
      page.cleanup();
      for (const line of lines) {
        chars += line.text.length + 1;
        if (chars > maxChars) throw tooManyChars(maxChars, `passed on page ${n} of ${pdf.numPages}`);
      }
      blocks.push(...pageBlocks(lines, n));
      options.onPage?.(n, chars);
    }
    if (!blocks.some((b) => b.runs.some((r) => r.text.trim()))) throw noTextLayer(pdf.numPages);
    const title = (await pdf.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    return {
      kind: 'pdf',
      pages: pdf.numPages,
      ...(typeof title?.Title === 'string' && title.Title.trim() ? { title: title.Title.trim() } : {}),
      blocks,
    };
  } catch (e) {
    throw e instanceof KindError ? e : openError(e);
  } finally {
    await pdf.destroy().catch(() => {});
  }
}

/** What pdf.js threw on opening (or reading) a file, as the answer it deserves. */
function openError(e: unknown): KindError {
  if (e instanceof KindError) return e;
  // pdf.js rebuilds its exceptions on this side of its worker channel; their names are stable.
  const name = (e as { name?: unknown } | null)?.name;
  const message = e instanceof Error ? e.message : 'unreadable';
  if (name === 'PasswordException') return encryptedPdf();
  return invalidPdf(message);
}

/** Text items joined into lines: a line ends at an item's end-of-line flag or a baseline change. */
function pageLines(items: TextItem[]): PageLine[] {
  const lines: PageLine[] = [];
  let text = '';
  let height = 0;
  let y: number | undefined;
  const end = (): void => {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (clean && y !== undefined) lines.push({ text: clean, height, y });
    text = '';
    height = 0;
    y = undefined;
  };
  for (const item of items) {
    const itemY = item.transform[5];
    if (y !== undefined && item.str && Math.abs(itemY - y) > Math.max(1, item.height) * 0.5) end();
    if (item.str) {
      y ??= itemY;
      text += item.str;
      height = Math.max(height, item.height);
    }
    if (item.hasEOL) end();
  }
  end();
  return lines;
}

/**
 * A page's lines as blocks: a new paragraph where the gap to the previous line is clearly more
 * than the page's usual line pitch, headings where the type is clearly larger than the body's.
 */
function pageBlocks(lines: PageLine[], pdfPage: number): Block[] {
  if (!lines.length) return [];
  const body = median(lines.map((l) => l.height)) || 1;
  const pitches = lines
    .slice(1)
    .map((l, i) => lines[i].y - l.y)
    .filter((d) => d > 0);
  // The line pitch is the common small gap; a page of one-line paragraphs has no such gap, so it
  // is capped at what body type is set with (1.3×), never taken from the paragraph gaps.
  const pitch = Math.min(quantile(pitches, 0.2) || body * 1.2, body * 1.3);
  const blocks: Block[] = [];
  let start = 0;
  for (let i = 1; i <= lines.length; i++) {
    const gap = i < lines.length ? lines[i - 1].y - lines[i].y : Number.POSITIVE_INFINITY;
    const sizeChange =
      i < lines.length && headingLevel(lines[i].height, body) !== headingLevel(lines[i - 1].height, body);
    // A gap that is negative (a new column) or well over one line pitch ends the paragraph.
    if (i < lines.length && gap > 0 && gap < pitch * 1.3 && !sizeChange) continue;
    const group = lines.slice(start, i);
    const level = headingLevel(Math.min(...group.map((l) => l.height)), body);
    const text = group.map((l) => l.text).join('\n');
    const source = { pdfPage, line: start + 1 };
    blocks.push(
      level
        ? {
            role: 'heading',
            level,
            runs: [{ text, style: { ...BODY, bold: true, scale: HEADING_SCALE[level] } }],
            keepLines: false,
            wrapMark: false,
            source,
          }
        : { role: 'paragraph', runs: [{ text, style: BODY }], keepLines: false, wrapMark: false, source },
    );
    start = i;
  }
  return blocks;
}

/** Heading level for type `height` on a page whose body type is `body` high; 0 for body text. */
function headingLevel(height: number, body: number): 0 | 1 | 2 | 3 {
  const ratio = height / body;
  if (ratio >= 1.5) return 1;
  if (ratio >= 1.25) return 2;
  if (ratio >= 1.12) return 3;
  return 0;
}

function median(values: number[]): number {
  return quantile(values, 0.5);
}

function quantile(values: number[], q: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}
