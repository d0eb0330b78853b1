/**
 * How fast each input kind becomes a StyledDocument: median of repeated runs over inputs of a
 * realistic size, in MB/s of input (and pages/s for PDF). Run: `npx tsx gpu-runner/kinds/measure-extraction.ts`
 * (under the shared benchmark lock on a shared machine). The novel is Pride and Prejudice from the
 * test fixtures (chapter 1, repeated); code is this repository's own runner sources.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { paragraphsOf, textPdf } from '../../test/fixtures/kinds/pdfs.ts';
import { codeToStyledDocument } from './code.ts';
import { htmlToStyledDocument } from './html.ts';
import { logToStyledDocument } from './log.ts';
import { markdownToStyledDocument } from './markdown.ts';
import { plainText, type StyledDocument } from './model.ts';
import { pdfToStyledDocument } from './pdf.ts';
import { textToStyledDocument } from './text.ts';

const RUNS = Number(process.env.RUNS ?? 7);
/** Runs not counted: V8 needs a few before the parsers' hot loops are optimised. */
const WARMUP = 3;
const root = new URL('../../', import.meta.url).pathname;
const fixture = (name: string) => readFileSync(join(root, 'test/fixtures/kinds', name), 'utf8');

const chapter = fixture('pride-and-prejudice-ch1.txt');
const novel = Array.from({ length: 60 }, (_, i) => `Chapter ${i + 1}\n\n${chapter}`).join('\n\n');
const paragraphs = paragraphsOf(novel);

function tsSources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) tsSources(path, out);
    else if (name.endsWith('.ts')) out.push(readFileSync(path, 'utf8'));
  }
  return out;
}

const markdown = Array.from(
  { length: 40 },
  (_, i) => `${fixture('sample-readme.md')}\n## Chapter ${i + 1}\n\n${chapter}`,
).join('\n');
const code = tsSources(join(root, 'gpu-runner')).join('\n');
const html = `<!doctype html><html><head><title>Pride and Prejudice</title><script>throw 1</script></head><body>
<nav><a href="/">Home</a> <a href="/books">Books</a></nav><main><article><h1>Pride and Prejudice</h1>
${paragraphs.map((p) => (p.startsWith('Chapter ') ? `<h2>${p}</h2>` : `<p>${p}</p>`)).join('\n')}
</article></main><footer>All rights reserved.</footer></body></html>`;
const levels = ['INFO ', 'WARN ', 'ERROR', 'DEBUG'];
const log = Array.from(
  { length: 50_000 },
  (_, i) =>
    `2026-05-01T09:${String(i % 60).padStart(2, '0')}:00.000Z ${levels[i % 4]} request ${i} GET /v1/documents/${(i * 7919).toString(16)} 200 ${i % 97}ms`,
).join('\n');

/** Pages of about one A4 page of 11 pt text each. */
const pdfPages: string[][] = [];
for (let i = 0, page: string[] = [], size = 0; i < paragraphs.length; i++) {
  page.push(paragraphs[i]);
  size += paragraphs[i].length;
  if (size > 3000 || i === paragraphs.length - 1) {
    pdfPages.push(page);
    page = [];
    size = 0;
  }
}
const pdf = await textPdf(pdfPages);

async function measure(
  name: string,
  bytes: number,
  run: () => StyledDocument | Promise<StyledDocument>,
  pages?: number,
): Promise<void> {
  const times: number[] = [];
  let doc: StyledDocument | undefined;
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const t = performance.now();
    doc = await run();
    if (i >= WARMUP) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  const out = doc ? plainText(doc).length : 0;
  const perPage = pages ? `  ${(pages / (ms / 1000)).toFixed(0).padStart(5)} pages/s (${pages} pages)` : '';
  console.log(
    `${name.padEnd(9)} ${(bytes / 1e6).toFixed(2).padStart(6)} MB in ${ms.toFixed(0).padStart(5)} ms median  ${(bytes / 1e6 / (ms / 1000)).toFixed(2).padStart(6)} MB/s  ${doc?.blocks.length ?? 0} blocks, ${(out / 1e6).toFixed(2)} M chars${perPage}`,
  );
}

console.log(
  `median of ${RUNS} runs after ${WARMUP} warm-up runs, node ${process.version}, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
);
await measure('text', novel.length, () => textToStyledDocument(novel));
await measure('markdown', markdown.length, () => markdownToStyledDocument(markdown));
await measure('code', code.length, () => codeToStyledDocument(code, { language: 'typescript' }));
await measure('html', html.length, () => htmlToStyledDocument(html));
await measure('log', log.length, () => logToStyledDocument(log));
await measure('pdf', pdf.length, () => pdfToStyledDocument(pdf), pdfPages.length);
