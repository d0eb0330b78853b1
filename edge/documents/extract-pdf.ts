/**
 * A PDF upload → its text layer, read by a runner (`POST /v1/extract`: pdf.js off the runner's
 * event loop; the Worker has no PDF reader). The text becomes the document, so renders, queries
 * and decode work as for any upload; its pages are kept as form feeds, which the runner turns
 * back into PDF page numbers in the layout map and citations.
 */
import type { Context } from 'hono';
import { MAX_TEXT_CHARS } from '../../protocol/runner-api.ts';
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import type { AppEnv } from '../app-env.ts';
import { edgeConfig } from '../config.ts';
import type { UploadBody } from '../http/read-text.ts';
import { runnerClient } from '../runners/runner-client.ts';

/** An extracted PDF as an upload body, with its page count. */
export interface ExtractedUpload {
  body: UploadBody;
  pages: number;
}

/**
 * The text of the PDF `pdf` as an upload body. The limits are checked by the runner while it
 * extracts: MAX_PDF_PAGES before any page is read (413 `too_many_pages`), and the upload limit
 * on the running text (413 `payload_too_large` as soon as it is passed, not after).
 *
 * @throws {import('../http/errors.ts').ApiError} 400 `invalid_pdf`, 422 `encrypted_pdf` /
 *   `no_text_layer`, 413 as above; what the runner client throws when no runner answers.
 */
export async function extractPdfUpload(c: Context<AppEnv>, pdf: Uint8Array): Promise<ExtractedUpload> {
  const config = edgeConfig(c.env);
  const limits = { maxPages: config.maxPdfPages, maxChars: Math.min(config.maxUploadBytes, MAX_TEXT_CHARS) };
  const extracted = await runnerClient(c.env).extract(await sha256Hex(pdf), pdf, limits);
  const bytes = new TextEncoder().encode(extracted.text);
  return {
    body: { text: extracted.text, bytes, fields: {}, json: false, mediaType: 'application/pdf' },
    pages: extracted.pages,
  };
}
