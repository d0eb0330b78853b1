/**
 * Input kinds → one {@link StyledDocument}: the entry point the renderer, the CLI and upload
 * routes call with the kind `resolveDocumentKind` chose. Text kinds take a string (or UTF-8
 * bytes); PDF takes bytes.
 */
import type { DocumentKind } from '../../protocol/document-kinds.ts';
import { type CodeOptions, codeToStyledDocument } from './code.ts';
import { type HtmlOptions, htmlToStyledDocument } from './html.ts';
import { type LogOptions, logToStyledDocument } from './log.ts';
import { type MarkdownOptions, markdownToStyledDocument } from './markdown.ts';
import type { StyledDocument } from './model.ts';
import { type PdfOptions, pdfToStyledDocument } from './pdf.ts';
import { pdfDocumentText, pdfTextToStyledDocument } from './pdf-text.ts';
import { textToStyledDocument } from './text.ts';

export {
  codeToStyledDocument,
  htmlToStyledDocument,
  logToStyledDocument,
  markdownToStyledDocument,
  pdfToStyledDocument,
  textToStyledDocument,
};
export { KindError } from './errors.ts';
export { pdfDocumentText, pdfTextToStyledDocument, type PdfText } from './pdf-text.ts';
export { MAX_PDF_PAGES } from './pdf.ts';
export * from './model.ts';

/** Options of {@link toStyledDocument}: the kind plus that kind's options. */
export type ToStyledDocumentOptions = { kind: DocumentKind } & CodeOptions &
  HtmlOptions &
  LogOptions &
  MarkdownOptions &
  PdfOptions;

const decoder = new TextDecoder('utf-8');

/** Any input as a {@link StyledDocument}, by `options.kind`. Throws `KindError` for a refused PDF. */
export async function toStyledDocument(
  input: string | Uint8Array,
  options: ToStyledDocumentOptions,
): Promise<StyledDocument> {
  if (options.kind === 'pdf') {
    // A string is the text `/v1/extract` made of a PDF (what the edge stores and renders from).
    return typeof input === 'string' ? pdfTextToStyledDocument(input) : pdfToStyledDocument(input, options);
  }
  const text = typeof input === 'string' ? input : decoder.decode(input);
  switch (options.kind) {
    case 'markdown':
      return markdownToStyledDocument(text, options);
    case 'code':
      return codeToStyledDocument(text, options);
    case 'html':
      return htmlToStyledDocument(text, options);
    case 'log':
      return logToStyledDocument(text, options);
    case 'text':
      return textToStyledDocument(text);
  }
}
