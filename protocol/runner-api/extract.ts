/**
 * `POST /v1/extract`: a PDF's bytes in (`application/pdf`, query `maxPages`, `maxChars`), its
 * text layer out. The edge stores `text` as the document's text and renders it as kind `pdf`.
 */
import { z } from 'zod';

/** Separates pages in {@link ExtractResponse.text}: a form feed, never part of a text layer's lines. */
export const PDF_PAGE_SEPARATOR = '\f';

/** Response of `POST /v1/extract`. */
export const extractResponseSchema = z.object({
  kind: z.literal('pdf'),
  /**
   * The text layer in reading order: paragraphs separated by a blank line, lines by `\n`, pages
   * by {@link PDF_PAGE_SEPARATOR}; the n-th piece is page n.
   */
  text: z.string(),
  /** Page count of the PDF. */
  pages: z.number().int().min(1),
  /** UTF-16 offset in `text` where each page starts (`pageStarts[0]` is 0). */
  pageStarts: z.array(z.number().int()),
  /** The title the PDF's metadata declares, when it has one. */
  title: z.string().optional(),
});
/** Response of `POST /v1/extract`. */
export type ExtractResponse = z.infer<typeof extractResponseSchema>;
