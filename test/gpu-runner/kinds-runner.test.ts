/**
 * Input kinds on a real runner process over HTTP: each kind's fixture rendered with its kind
 * reads back (OCR, `POST /v1/decode`) at ≥ 0.98 against the document's drawn plain text; a PDF
 * made from a public-domain chapter goes through `POST /v1/extract` and reads back ≥ 0.98 against
 * that chapter; every bad PDF gets its own error; manifests say the kind and name source lines or
 * PDF pages; citations name source lines.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerResponse, DecodeResponse, ExtractResponse, RenderManifest } from '../../protocol/runner-api.ts';
import { aggregateAccuracy, charAccuracy } from '../../gpu-runner/ocr/accuracy.ts';
import { corruptPdfs, imageOnlyPdf, intoPages, paragraphsOf, textPdf, truncated } from '../fixtures/kinds/pdfs.ts';
import { readMultipart, ROOT, signed, startRunner, type RunnerProcess } from './runner-harness.ts';

const fixture = (name: string) => readFileSync(path.join(ROOT, 'test/fixtures/kinds', name), 'utf8');
const chapter = fixture('pride-and-prejudice-ch1.txt');
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

let runner: RunnerProcess;
beforeAll(async () => {
  runner = await startRunner();
}, 90_000);
afterAll(async () => {
  await runner?.stop();
});

async function decode(body: Record<string, unknown>): Promise<DecodeResponse> {
  const response = await signed(runner.url, '/v1/decode', { preset: 'glyph-en', sample: 40, ...body });
  expect(response.status, await response.clone().text()).toBe(200);
  const result = (await response.json()) as DecodeResponse;
  const worst = result.lines
    .map((l) => ({ ...l, acc: charAccuracy(l.expected, l.got, { normalize: true }) }))
    .sort((a, b) => a.acc - b.acc)
    .slice(0, 3);
  console.log(
    `${body.kind}: ${result.linesChecked} lines, charAccuracy ${(result.charAccuracy * 100).toFixed(2)} %\n` +
      worst.map((l) => `  E ${l.expected}\n  G ${l.got}`).join('\n'),
  );
  return result;
}

async function extract(pdf: Uint8Array, query = ''): Promise<Response> {
  return signed(runner.url, `/v1/extract${query}`, pdf, { contentType: 'application/pdf' });
}

async function expectError(response: Response, status: number, code: string): Promise<void> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
}

/**
 * Accuracy with whitespace left out of both sides. PP-OCR does not write a monospace word gap (as
 * wide as a letter, so no wider than the gaps between letters) as a space: `if amount <= 0:` comes
 * back `if amount<=0:`. Spaces of monospace lines are checked by the layout instead (every source
 * line one layout line, its slice of the text with its leading spaces: render-styled.test.ts).
 */
function accuracyIgnoringSpaces(result: DecodeResponse): number {
  const strip = (s: string) => s.replace(/\s+/g, '');
  return aggregateAccuracy(
    result.lines.map((l) => ({ expected: strip(l.expected), got: strip(l.got) })),
    { normalize: true },
  ).accuracy;
}

describe('OCR read-back of each kind against its drawn plain text', () => {
  it.each([
    ['markdown', 'sample-readme.md', {}],
    ['code', 'sample.py', { fileName: 'sample.py' }],
    ['log', 'app.log', {}],
  ] as const)(
    '%s (%s, monospace lines) reads back at ≥ 0.98, spaces aside',
    { timeout: 120_000 },
    async (kind, file, extra) => {
      const result = await decode({ text: fixture(file), kind, ...extra });
      expect(result.linesChecked).toBeGreaterThanOrEqual(9);
      const figure = accuracyIgnoringSpaces(result);
      console.log(`${kind}: ignoring spaces ${(figure * 100).toFixed(2)} %`);
      expect(figure).toBeGreaterThanOrEqual(0.98);
    },
  );

  it('html (article.html, prose) reads back at ≥ 0.98', { timeout: 120_000 }, async () => {
    const result = await decode({ text: fixture('article.html'), kind: 'html' });
    expect(result.linesChecked).toBeGreaterThan(10);
    expect(result.charAccuracy).toBeGreaterThanOrEqual(0.98);
  });
});

describe('PDF', () => {
  it('extracts a PDF made from a public-domain chapter, page by page, and its pages read back ≥ 0.98 against the chapter', {
    timeout: 180_000,
  }, async () => {
    const pdf = await textPdf(intoPages(paragraphsOf(chapter), 3));
    const response = await extract(pdf);
    expect(response.status).toBe(200);
    const extracted = (await response.json()) as ExtractResponse;
    expect(extracted.kind).toBe('pdf');
    expect(extracted.pages).toBe(3);
    expect(extracted.text.split('\f')).toHaveLength(3);
    expect(extracted.pageStarts[0]).toBe(0);
    expect(extracted.text[extracted.pageStarts[1]! - 1]).toBe('\f');
    // The text layer is the chapter (line breaks aside).
    expect(charAccuracy(squash(chapter), squash(extracted.text), { normalize: true })).toBeGreaterThanOrEqual(0.98);
    // The drawn pages, read back line by line, against the chapter's own text: each OCR'd line
    // is found in the chapter (the extracted lines only join and split the chapter's words).
    const result = await decode({ text: extracted.text, kind: 'pdf', sample: 60 });
    expect(result.charAccuracy).toBeGreaterThanOrEqual(0.98);
    const chapterText = squash(chapter);
    const found = result.lines.filter((l) => chapterText.includes(squash(l.expected))).length;
    expect(found / result.lines.length).toBeGreaterThanOrEqual(0.98);

    const render = await signed(runner.url, '/v1/render', { text: extracted.text, kind: 'pdf', preset: 'glyph-en' });
    const manifest = JSON.parse(new TextDecoder().decode((await readMultipart(render))[0]!.bytes)) as RenderManifest;
    expect(manifest.kind).toBe('pdf');
    const pdfPages = new Set(manifest.layout.map((l) => l.source?.pdfPage));
    expect([...pdfPages].sort()).toEqual([1, 2, 3]);
  });

  it('refuses each bad PDF with its own error', { timeout: 120_000 }, async () => {
    await expectError(await extract(await imageOnlyPdf()), 422, 'no_text_layer');
    await expectError(await extract(await textPdf([['secret']], { userPassword: 'pw' })), 422, 'encrypted_pdf');
    for (const bytes of Object.values(corruptPdfs())) await expectError(await extract(bytes), 400, 'invalid_pdf');
    await expectError(await extract(truncated(await textPdf([paragraphsOf(chapter)]))), 400, 'invalid_pdf');
    const three = await textPdf(intoPages(paragraphsOf(chapter), 3));
    await expectError(await extract(three, '?maxPages=2'), 413, 'too_many_pages');
    await expectError(await extract(three, '?maxChars=1000'), 413, 'payload_too_large');
    await expectError(await extract(three, '?maxPages=0'), 400, 'invalid_request');
  });
});

describe('manifests and citations name the source', () => {
  it('a code render says its kind and gives every layout line its source line; citations carry it', {
    timeout: 120_000,
  }, async () => {
    const source = fixture('sample.py');
    const response = await signed(runner.url, '/v1/render', {
      text: source,
      kind: 'code',
      language: 'python',
      preset: 'glyph-en',
    });
    expect(response.status).toBe(200);
    const parts = await readMultipart(response);
    const manifest = JSON.parse(new TextDecoder().decode(parts[0]!.bytes)) as RenderManifest;
    expect(manifest.kind).toBe('code');
    const lines = source.split('\n');
    for (const l of manifest.layout) expect(l.source?.line).toBeGreaterThan(0);
    const restock = manifest.layout.find((l) => lines[l.source!.line! - 1]!.includes('def restock'))!;
    expect(restock).toBeDefined();
    // The same text as plain text is another render (another cache entry, no kind, no sources).
    const plain = await signed(runner.url, '/v1/render', { text: source, preset: 'glyph-en' });
    const plainManifest = JSON.parse(
      new TextDecoder().decode((await readMultipart(plain))[0]!.bytes),
    ) as RenderManifest;
    expect(plainManifest.kind).toBe('text');
    expect(plainManifest.layout.every((l) => l.source === undefined)).toBe(true);

    const answer = await signed(runner.url, '/v1/answer', {
      text: source,
      kind: 'code',
      language: 'python',
      preset: 'glyph-en',
      question: 'What does restock raise when the amount is not positive?',
    });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as AnswerResponse;
    expect(body.citations.length).toBeGreaterThan(0);
    for (const c of body.citations) {
      expect(c.sourceLine).toBeGreaterThan(0);
      expect(squash(lines[c.sourceLine! - 1]!)).toContain(squash(c.text).slice(0, 20));
    }
  });
});
