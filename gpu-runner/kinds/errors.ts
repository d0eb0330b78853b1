/**
 * Why an input could not be turned into a document, as the HTTP answer it becomes: the status and
 * machine-readable code the runner (and, through it, the edge) sends as `{error:{code,message}}`.
 */
import { RunnerError } from '../errors.ts';

/** Statuses an extraction error answers with. */
export type KindErrorStatus = 400 | 413 | 422;

/** Codes an extraction error carries. */
export type KindErrorCode = 'invalid_pdf' | 'encrypted_pdf' | 'no_text_layer' | 'payload_too_large' | 'too_many_pages';

/** An input refused while extracting it; a {@link RunnerError}, so it carries its response. */
export class KindError extends RunnerError {
  override name = 'KindError';
  declare readonly status: KindErrorStatus;
  declare readonly code: KindErrorCode;
  constructor(status: KindErrorStatus, code: KindErrorCode, message: string) {
    super(status, code, message);
  }
}

/** 400 `invalid_pdf`: the bytes are not a PDF pdf.js can read. */
export function invalidPdf(detail: string): KindError {
  return new KindError(400, 'invalid_pdf', `the file is not a readable PDF (${detail})`);
}

/** 422 `encrypted_pdf`: the PDF needs a password to open. */
export function encryptedPdf(): KindError {
  return new KindError(422, 'encrypted_pdf', 'the PDF is encrypted with a password; send it decrypted');
}

/** 422 `no_text_layer`: the PDF has pages but no text on them (scanned images). */
export function noTextLayer(pages: number): KindError {
  return new KindError(
    422,
    'no_text_layer',
    `the PDF has no text layer on any of its ${pages} page(s); it is images only (run OCR on it first)`,
  );
}

/** 413 `payload_too_large`: the extracted text passed the character limit. */
export function tooManyChars(maxChars: number, where: string): KindError {
  return new KindError(413, 'payload_too_large', `the extracted text is longer than ${maxChars} characters (${where})`);
}

/** 413 `too_many_pages`: the PDF has more pages than allowed. */
export function tooManyPages(pages: number, maxPages: number): KindError {
  return new KindError(413, 'too_many_pages', `the PDF has ${pages} pages; at most ${maxPages} are accepted`);
}
