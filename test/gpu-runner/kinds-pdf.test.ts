import { beforeAll, describe, expect, it } from 'vitest';
import { KindError } from '../../gpu-runner/kinds/errors.ts';
import { blockText, plainText } from '../../gpu-runner/kinds/model.ts';
import { MAX_PDF_PAGES, pdfToStyledDocument } from '../../gpu-runner/kinds/pdf.ts';
import { corruptPdfs, imageOnlyPdf, intoPages, paragraphsOf, textPdf, truncated } from '../fixtures/kinds/pdfs.ts';
import { fixture, squash } from './kinds-helpers.ts';

const chapter = fixture('pride-and-prejudice-ch1.txt');
const pages = intoPages(paragraphsOf(chapter), 3);
let pdf: Uint8Array;

beforeAll(async () => {
  pdf = await textPdf(pages);
});

/** The error `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<KindError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof KindError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('pdfToStyledDocument', () => {
  it('extracts the text of a PDF made from a public-domain chapter, equal to it modulo whitespace', async () => {
    const doc = await pdfToStyledDocument(pdf);
    expect(doc.pages).toBe(3);
    expect(squash(plainText(doc))).toBe(squash(chapter));
    expect(doc.title).toBe('Pride and Prejudice, chapter 1');
  });

  it('keeps page boundaries: a page break before each page, each block names its page', async () => {
    const doc = await pdfToStyledDocument(pdf);
    expect(doc.blocks.filter((b) => b.role === 'page-break').map((b) => b.source)).toEqual([
      { pdfPage: 2 },
      { pdfPage: 3 },
    ]);
    pages.forEach((paragraphs, i) => {
      const onPage = doc.blocks.filter(
        (b) => b.role !== 'page-break' && b.source && 'pdfPage' in b.source && b.source.pdfPage === i + 1,
      );
      expect(squash(onPage.map(blockText).join(' '))).toBe(squash(paragraphs.join(' ')));
    });
  });

  it('splits paragraphs at their gaps and numbers lines on the page', async () => {
    const doc = await pdfToStyledDocument(pdf);
    const first = doc.blocks.filter((b) => b.source && 'pdfPage' in b.source && b.source.pdfPage === 1);
    expect(first.map((b) => squash(blockText(b)))).toEqual(pages[0].map(squash));
    let line = 1;
    for (const b of first) {
      expect(b.source).toEqual({ pdfPage: 1, line });
      line += blockText(b).split('\n').length;
    }
  });

  it('makes a line set in clearly larger type a heading', async () => {
    const doc = await pdfToStyledDocument(await textPdf([pages[0]], { title: 'Chapter One' }));
    expect(doc.blocks[0]).toMatchObject({ role: 'heading', source: { pdfPage: 1, line: 1 } });
    expect(blockText(doc.blocks[0])).toBe('Chapter One');
    expect(doc.blocks[1].role).toBe('paragraph');
  });

  it('refuses a PDF with no text layer: 422 no_text_layer', async () => {
    const e = await refusal(pdfToStyledDocument(await imageOnlyPdf()));
    expect([e.status, e.code]).toEqual([422, 'no_text_layer']);
  });

  it('refuses a password-protected PDF: 422 encrypted_pdf', async () => {
    const e = await refusal(pdfToStyledDocument(await textPdf(pages, { userPassword: 'secret' })));
    expect([e.status, e.code]).toEqual([422, 'encrypted_pdf']);
    expect(e.getResponse().status).toBe(422);
    expect(await e.getResponse().json()).toEqual({ error: { code: 'encrypted_pdf', message: e.message } });
  });

  it('reads a PDF encrypted with permissions only (no open password), as every viewer does', async () => {
    const doc = await pdfToStyledDocument(await textPdf(pages, { ownerPassword: 'owner' }));
    expect(squash(plainText(doc))).toBe(squash(chapter));
  });

  it.each(Object.entries(corruptPdfs()))('refuses a corrupt file (%s): 400 invalid_pdf', async (_, bytes) => {
    const e = await refusal(pdfToStyledDocument(bytes));
    expect([e.status, e.code]).toEqual([400, 'invalid_pdf']);
  });

  it('refuses a truncated PDF: 400 invalid_pdf', async () => {
    const e = await refusal(pdfToStyledDocument(truncated(pdf)));
    expect([e.status, e.code]).toEqual([400, 'invalid_pdf']);
  });

  it('refuses more pages than maxPages before reading any (413 too_many_pages); the default is 2000', async () => {
    expect(MAX_PDF_PAGES).toBe(2000);
    const seen: number[] = [];
    const e = await refusal(pdfToStyledDocument(pdf, { maxPages: 2, onPage: (n) => seen.push(n) }));
    expect([e.status, e.code]).toEqual([413, 'too_many_pages']);
    expect(seen).toEqual([]);
    await expect(pdfToStyledDocument(pdf, { maxPages: 3 })).resolves.toMatchObject({ pages: 3 });
  });

  it('refuses text past maxChars while extracting, as soon as the running total passes (413 payload_too_large)', async () => {
    const big = await textPdf(Array.from({ length: 12 }, (_, i) => pages[i % 3]));
    const perPage = chapter.length / 3;
    const seen: number[] = [];
    const e = await refusal(
      pdfToStyledDocument(big, { maxChars: Math.round(perPage * 2.5), onPage: (n) => seen.push(n) }),
    );
    expect([e.status, e.code]).toEqual([413, 'payload_too_large']);
    // Stopped on page 3 of 12: the pages after the one that passed the limit were never read.
    expect(seen).toEqual([1, 2]);
    expect(e.message).toContain('page 3 of 12');
  });

  it('does not change the bytes it is given', async () => {
    const copy = pdf.slice();
    await pdfToStyledDocument(pdf);
    expect(pdf).toEqual(copy);
  });
});
