/**
 * Input kinds through the real Worker (workerd) and a real runner: the kind is chosen by
 * `?kind=&language=` (which win) or the Content-Type, stored with the document, sent to the
 * runner with every render, query and decode, and named in upload and render answers; a bad
 * `kind`/`language` is a 400 naming it; a PDF upload is stored as its text layer (pages kept,
 * layout lines and citations naming PDF pages), and every bad PDF gets its error through the edge
 * (400 `invalid_pdf`, 422 `encrypted_pdf`, 422 `no_text_layer`, 413 at MAX_PDF_PAGES and at the
 * upload limit while extracting).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentViewSchema } from '../../protocol/public-api/documents.ts';
import { corruptPdfs, imageOnlyPdf, intoPages, paragraphsOf, textPdf } from '../fixtures/kinds/pdfs.ts';
import { freePort, startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/kinds/${name}`, import.meta.url), 'utf8');
const chapter = fixture('pride-and-prejudice-ch1.txt');

let edge: EdgeHandle;
let runner: RunnerHandle;
let key: string;

beforeAll(async () => {
  const port = String(await freePort());
  runner = await startRunner({ GLYPH_RUNNER_PORT: port });
  // A small page limit and upload limit, so both 413s are reached by small PDFs.
  edge = await startEdge({
    runners: [`http://127.0.0.1:${port}`],
    vars: { MAX_PDF_PAGES: '3', MAX_UPLOAD_BYTES: '40000' },
  });
  key = edge.createKey('kinds').key;
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await edge?.stop();
});

function upload(body: BodyInit | Uint8Array, contentType: string, query = ''): Promise<Response> {
  // pdfkit's bytes may view any ArrayBuffer; fetch's BodyInit takes a plain ArrayBuffer view.
  const init = body instanceof Uint8Array ? new Uint8Array(body) : body;
  return edge.call(key, `/v1/documents${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: init,
  });
}

async function expectError(response: Response, status: number, code: string, names?: string): Promise<void> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
  if (names) expect(body.error.message).toContain(names);
}

async function render(id: string): Promise<{ kind: string; renderId: string; pages: unknown[] }> {
  const response = await edge.call(key, `/v1/documents/${id}/render`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ preset: 'glyph-en' }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { kind: string; renderId: string; pages: unknown[] };
}

async function layout(
  id: string,
  renderId: string,
): Promise<Array<{ page: number; line: number; source?: { line?: number; pdfPage?: number } }>> {
  const response = await edge.call(key, `/v1/documents/${id}/renders/${renderId}/layout`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (
    (await response.json()) as {
      lines: Array<{ page: number; line: number; source?: { line?: number; pdfPage?: number } }>;
    }
  ).lines;
}

describe('choosing the kind', () => {
  it('by Content-Type: text/markdown, text/x-python, text/x-log, text/html; renders say the kind', {
    timeout: 180_000,
  }, async () => {
    const cases = [
      ['text/markdown', 'sample-readme.md', 'markdown', undefined],
      ['text/x-python', 'sample.py', 'code', 'python'],
      ['text/x-log', 'app.log', 'log', undefined],
      ['text/html; charset=utf-8', 'article.html', 'html', undefined],
    ] as const;
    for (const [type, file, kind, language] of cases) {
      const response = await upload(fixture(file), type);
      expect(response.status, await response.clone().text()).toBe(201);
      const doc = documentViewSchema.parse(await response.json());
      expect({ kind: doc.kind, language: doc.language }).toEqual({ kind, language });
      const view = await render(doc.id);
      expect(view.kind).toBe(kind);
    }
  });

  it('by ?kind=&language=, which win over the Content-Type; the same text as another kind is another render', {
    timeout: 180_000,
  }, async () => {
    const source = fixture('sample.ts');
    const asText = await upload(source, 'text/plain');
    const plain = documentViewSchema.parse(await asText.json());
    expect(plain.kind).toBe('text');
    const plainRender = await render(plain.id);
    expect(plainRender.kind).toBe('text');

    const asCode = await upload(source, 'text/plain', '?kind=code&language=typescript');
    expect(asCode.status).toBe(200); // same text, same document
    const code = documentViewSchema.parse(await asCode.json());
    expect({ id: code.id, kind: code.kind, language: code.language }).toEqual({
      id: plain.id,
      kind: 'code',
      language: 'typescript',
    });
    const codeRender = await render(code.id);
    expect(codeRender.kind).toBe('code');
    expect(codeRender.renderId).not.toBe(plainRender.renderId);
    // Every layout line names its source line, and they come in the source's order.
    const lines = await layout(code.id, codeRender.renderId);
    const numbers = lines.map((l) => l.source?.line ?? 0);
    expect(numbers.every((n) => n > 0)).toBe(true);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);

    const markdownWins = await upload('# Title\n\nBody text.\n', 'text/x-python', '?kind=markdown');
    expect(documentViewSchema.parse(await markdownWins.json()).kind).toBe('markdown');
    // JSON `{"text": …}` is the upload's envelope, not a JSON document; a form type is no language.
    const enveloped = await upload(JSON.stringify({ text: 'Just prose in an envelope.' }), 'application/json');
    expect(documentViewSchema.parse(await enveloped.json()).kind).toBe('text');
    expect((await upload('a=b', 'application/x-www-form-urlencoded')).status).toBe(415);
    const languageOnly = await upload('fn main() {}\n', 'text/plain', '?language=rust');
    expect(documentViewSchema.parse(await languageOnly.json())).toMatchObject({ kind: 'code', language: 'rust' });
  });

  it('refuses a bad kind or language with a 400 naming it', async () => {
    await expectError(await upload('hello', 'text/plain', '?kind=spreadsheet'), 400, 'invalid_request', 'kind');
    await expectError(
      await upload('hello', 'text/plain', '?kind=code&language=no%20such%20language!'),
      400,
      'invalid_request',
      'language',
    );
    await expectError(await upload('hello', 'text/plain', '?kind=pdf'), 400, 'invalid_pdf');
  });

  it('answers a query on a code document with citations that name source lines', { timeout: 120_000 }, async () => {
    const source = fixture('sample.py');
    const doc = documentViewSchema.parse(await (await upload(source, 'text/x-python')).json());
    const response = await edge.call(key, `/v1/documents/${doc.id}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        question: 'What does restock raise when the amount is not positive?',
        preset: 'glyph-en',
      }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { citations: Array<{ text: string; sourceLine?: number }> };
    expect(body.citations.length).toBeGreaterThan(0);
    const lines = source.split('\n');
    for (const c of body.citations)
      expect(lines[c.sourceLine! - 1]!.replace(/\s+/g, ' ')).toContain(c.text.slice(0, 15));
  });
});

describe('PDF uploads', () => {
  it('stores the text layer with its pages; renders name PDF pages; decode reads it back', {
    timeout: 240_000,
  }, async () => {
    const pdf = await textPdf(intoPages(paragraphsOf(chapter), 2));
    const response = await upload(pdf, 'application/pdf');
    expect(response.status, await response.clone().text()).toBe(201);
    const doc = documentViewSchema.parse(await response.json());
    expect(doc.kind).toBe('pdf');
    expect(doc.pdfPages).toBe(2);
    const view = await render(doc.id);
    expect(view.kind).toBe('pdf');
    const lines = await layout(doc.id, view.renderId);
    expect(new Set(lines.map((l) => l.source?.pdfPage))).toEqual(new Set([1, 2]));

    const decode = await edge.call(key, `/v1/documents/${doc.id}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ preset: 'glyph-en', sample: 30 }),
    });
    expect(decode.status, await decode.clone().text()).toBe(200);
    expect(((await decode.json()) as { charAccuracy: number }).charAccuracy).toBeGreaterThanOrEqual(0.98);
  });

  it('gets each bad PDF its own error through the edge', { timeout: 180_000 }, async () => {
    await expectError(await upload(await imageOnlyPdf(), 'application/pdf'), 422, 'no_text_layer');
    await expectError(
      await upload(await textPdf([['A secret.']], { userPassword: 'pw' }), 'application/pdf'),
      422,
      'encrypted_pdf',
    );
    await expectError(await upload(corruptPdfs()['header then garbage']!, 'application/pdf'), 400, 'invalid_pdf');
    await expectError(await upload(corruptPdfs()['not a pdf']!, 'application/pdf'), 400, 'invalid_pdf');
    // MAX_PDF_PAGES is 3 here: four pages are refused before any page is read.
    const four = await textPdf([['One.'], ['Two.'], ['Three.'], ['Four.']]);
    await expectError(await upload(four, 'application/pdf'), 413, 'too_many_pages');
    // A small PDF (13 kB) whose text (54 000 characters) passes the upload limit (40 000 here)
    // is refused while extracting.
    const long = 'The quick brown fox jumps over the lazy dog. '.repeat(600);
    const big = await textPdf([[long], [long]], { fontSize: 4 });
    expect(big.byteLength).toBeLessThan(40_000);
    await expectError(await upload(big, 'application/pdf'), 413, 'payload_too_large');
  });
});
