/**
 * `npm run bench:inputs` — each input kind end to end on this machine: the kinds fixtures (and
 * the public-domain chapter as a PDF) repeated to a few dozen pages, converted to a
 * StyledDocument (PDF: its text layer extracted by pdf.js, then drawn from the stored text as the
 * edge does), laid out by the styled renderer and painted to PNG with glyph-en. Prints pages/s
 * (whole pipeline: convert + lay out + paint + encode; median of 3 runs after a warm-up) and the
 * compression ratio (Qwen3 tokens of the drawn plain text ÷ glm-4.1v visual tokens); plain text
 * through the plain renderer for comparison.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DocumentKind } from '../protocol/document-kinds.ts';
import { compressionRatio } from '../protocol/compression-ratio.ts';
import { visualTokensFor } from '../protocol/profiles.ts';
import { resolveRenderConfig } from '../protocol/render-config.ts';
import { pdfDocumentText, toStyledDocument } from '../gpu-runner/kinds/index.ts';
import { paintPlan, planPages, type PlacedPage } from '../gpu-runner/render/index.ts';
import { planStyledDocument } from '../gpu-runner/render/styled/index.ts';
import { countTextTokens } from '../gpu-runner/tokens/qwen3.ts';
import { intoPages, paragraphsOf, textPdf } from '../test/fixtures/kinds/pdfs.ts';
import { median } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => readFileSync(`${root}test/fixtures/kinds/${name}`, 'utf8');
const config = resolveRenderConfig({ preset: 'glyph-en' });
const RUNS = 3;

/** A fixture repeated `times` (kept valid for its kind: a log's lines, Markdown sections, code functions). */
const inputs: Array<{
  kind: DocumentKind;
  label: string;
  make: () => Promise<string | Uint8Array>;
  options?: { language?: string };
}> = [
  { kind: 'text', label: 'text (chapter ×8)', make: async () => fixture('pride-and-prejudice-ch1.txt').repeat(8) },
  { kind: 'markdown', label: 'markdown (README ×40)', make: async () => fixture('sample-readme.md').repeat(40) },
  {
    kind: 'code',
    label: 'code (sample.py ×60)',
    make: async () => fixture('sample.py').repeat(60),
    options: { language: 'python' },
  },
  { kind: 'log', label: 'log (app.log ×80)', make: async () => fixture('app.log').repeat(80) },
  { kind: 'html', label: 'html (article ×30)', make: async () => htmlRepeated(30) },
  {
    kind: 'pdf',
    label: 'pdf (chapter ×8 in 24 PDF pages)',
    make: async () => textPdf(intoPages(paragraphsOf(fixture('pride-and-prejudice-ch1.txt').repeat(8)), 24)),
  },
];

function htmlRepeated(times: number): string {
  const article = fixture('article.html');
  const body = /<article[\s\S]*<\/article>/i.exec(article)?.[0] ?? article;
  return article.replace(body, Array.from({ length: times }, () => body).join('\n'));
}

interface Row {
  label: string;
  pages: number;
  chars: number;
  pagesPerSecond: number;
  extractMs?: number;
  ratio: number;
}

async function runOnce(kind: DocumentKind, input: string | Uint8Array, options: { language?: string }) {
  const started = performance.now();
  let extractMs: number | undefined;
  let text: string;
  let pages: PlacedPage[];
  if (kind === 'text') {
    text = input as string;
    pages = planPages(text, config).pages;
  } else {
    let source = input;
    if (kind === 'pdf') {
      // Upload: the text layer extracted (what the edge stores); render: drawn from that text.
      const t = performance.now();
      source = pdfDocumentText(await toStyledDocument(input as Uint8Array, { kind: 'pdf' })).text;
      extractMs = performance.now() - t;
    }
    const doc = await toStyledDocument(source, { kind, ...options });
    const plan = planStyledDocument(doc, config);
    text = plan.plainText;
    pages = plan.pages;
  }
  let visualTokens = 0;
  let painted = 0;
  for await (const page of paintPlan(pages, config, { output: 'png' })) {
    visualTokens += visualTokensFor('glm-4.1v', page.width, page.height);
    painted++;
  }
  return { seconds: (performance.now() - started) / 1000, pages: painted, text, visualTokens, extractMs };
}

const rows: Row[] = [];
for (const { kind, label, make, options } of inputs) {
  const input = await make();
  await runOnce(kind, input, options ?? {}); // warm-up: converters loaded, glyph masks rasterized
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runOnce(kind, input, options ?? {}));
  const last = runs.at(-1)!;
  // Tokens of what is drawn: the plain text, or a structured kind's drawn plain text.
  const textTokens = countTextTokens(last.text);
  rows.push({
    label,
    pages: last.pages,
    chars: last.text.length,
    pagesPerSecond: median(runs.map((r) => r.pages / r.seconds)),
    ...(kind === 'pdf' ? { extractMs: median(runs.map((r) => r.extractMs!)) } : {}),
    ratio: compressionRatio(textTokens, last.visualTokens),
  });
}

const table = [
  '| input | pages | chars drawn | pages/s (median of 3) | PDF extract (ms) | ratio (Qwen3 ÷ glm-4.1v) |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.label} | ${r.pages} | ${r.chars} | ${r.pagesPerSecond.toFixed(1)} | ${r.extractMs === undefined ? '' : r.extractMs.toFixed(0)} | ${r.ratio.toFixed(2)} |`,
  ),
];
console.log(table.join('\n'));
