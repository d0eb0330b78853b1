/**
 * A PDF's extracted text as the edge stores it, and back: paragraphs separated by a blank line,
 * lines by `\n`, pages by a form feed. The edge keeps this text as the document (so renders,
 * queries and decode work as for any text) and sends it back with kind `pdf`; the runner rebuilds
 * the page structure from it, so layout lines and citations name PDF pages.
 */
import { PDF_PAGE_SEPARATOR } from '../../protocol/runner-api/extract.ts';
import { BODY, blockText, type Block, type StyledDocument } from './model.ts';

/** The stored form of an extracted PDF: its text and where each page starts in it. */
export interface PdfText {
  text: string;
  pageStarts: number[];
}

/** The text of a PDF's {@link StyledDocument} in the stored form. */
export function pdfDocumentText(doc: StyledDocument): PdfText {
  const pages: string[][] = [[]];
  for (const block of doc.blocks) {
    if (block.role === 'page-break') pages.push([]);
    else if (block.role !== 'rule') pages[pages.length - 1]!.push(blockText(block).replaceAll(PDF_PAGE_SEPARATOR, ' '));
  }
  const pageStarts: number[] = [];
  let offset = 0;
  const texts = pages.map((blocks) => blocks.join('\n\n'));
  for (const t of texts) {
    pageStarts.push(offset);
    offset += t.length + PDF_PAGE_SEPARATOR.length;
  }
  return { text: texts.join(PDF_PAGE_SEPARATOR), pageStarts };
}

/**
 * The stored text of a PDF as a {@link StyledDocument}: a paragraph per blank-line-separated
 * group, a page break at each form feed, each block naming its page and its first text line on
 * the page (counted as pdf.ts counts them: blank lines between paragraphs are not lines).
 */
export function pdfTextToStyledDocument(text: string): StyledDocument {
  const pages = text.split(PDF_PAGE_SEPARATOR);
  const blocks: Block[] = [];
  pages.forEach((page, i) => {
    const pdfPage = i + 1;
    if (i > 0) blocks.push({ role: 'page-break', runs: [], keepLines: false, wrapMark: false, source: { pdfPage } });
    let line = 1;
    for (const para of page.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
      const lines = para.split('\n');
      const trimmed = para.trim();
      if (trimmed) {
        // Leading blank lines of the group are not part of it: its first line is its first text.
        const lead = lines.findIndex((l) => l.trim() !== '');
        blocks.push({
          role: 'paragraph',
          runs: [{ text: lines.slice(lead).join('\n').trimEnd(), style: BODY }],
          keepLines: false,
          wrapMark: false,
          source: { pdfPage, line },
        });
      }
      // Lines on a page are counted as pdf.js reads them: text lines, not the blank ones between paragraphs.
      line += lines.filter((l) => l.trim() !== '').length;
    }
  });
  return { kind: 'pdf', pages: pages.length, blocks };
}
