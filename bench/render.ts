/**
 * `npm run bench:render` — renderer throughput and memory: pages/s, chars/page and peak RSS for
 * glyph-en on the English novel and on Glyph's case2.txt, PNG and raw output, plus a 1 MB text.
 * Each case runs in its own process (so peak RSS is that case's alone), 3 times; medians shown.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderPages, type RenderOutput } from '../gpu-runner/render/index.ts';
import { NEWLINE_MARKER, resolveRenderConfig } from '../protocol/render-config.ts';
import { visualTokensFor } from '../protocol/profiles.ts';
import { median } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = (p: string) => `${root}../shared/fixtures/${p}`;
const local = (p: string) => `${root}test/fixtures/${p}`;
const pick = (p: string) => (existsSync(shared(p)) ? shared(p) : local(p));

const texts: Record<string, () => string> = {
  novel: () => readFileSync(pick('texts/pride_and_prejudice.txt'), 'utf8'),
  case2: () => readFileSync(pick('glyph/case2.txt'), 'utf8'),
  '1MB': () => {
    const novel = texts.novel!();
    const target = 1024 * 1024;
    return novel.repeat(Math.ceil(target / novel.length)).slice(0, target);
  },
};

interface CaseResult {
  pages: number;
  chars: number;
  seconds: number;
  peakRssMb: number;
  visualTokens: number;
}

async function runCase(name: string, output: RenderOutput): Promise<CaseResult> {
  const config = resolveRenderConfig({ preset: 'glyph-en' });
  // Warm-up: fonts parsed, glyph masks rasterized, sharp loaded; not part of the timed run.
  for await (const _ of renderPages(readFileSync(pick('glyph/input.txt'), 'utf8'), config, { output })) void _;
  const text = texts[name]!();
  const started = performance.now();
  let pages = 0;
  let visualTokens = 0;
  for await (const page of renderPages(text, config, { output })) {
    pages += 1;
    visualTokens += visualTokensFor('glm-4.1v', page.width, page.height);
  }
  const seconds = (performance.now() - started) / 1000;
  return { pages, chars: text.length, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, visualTokens };
}

async function main() {
  const [, , mode, name, output] = process.argv;
  if (mode === '--case') {
    process.stdout.write(JSON.stringify(await runCase(name!, output as RenderOutput)));
    return;
  }
  const repeats = Number(process.env.BENCH_REPEATS ?? 3);
  const rows: string[][] = [];
  for (const [name, output] of [
    ['novel', 'png'],
    ['novel', 'raw'],
    ['case2', 'png'],
    ['case2', 'raw'],
    ['1MB', 'png'],
  ] as const) {
    const results: CaseResult[] = [];
    for (let i = 0; i < repeats; i++) {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--case', name, output],
        {
          encoding: 'utf8',
        },
      );
      results.push(JSON.parse(out) as CaseResult);
    }
    const r = results[0]!;
    rows.push([
      name,
      output,
      String(r.pages),
      String(Math.round(r.chars / r.pages)),
      median(results.map((x) => x.pages / x.seconds)).toFixed(1),
      median(results.map((x) => x.peakRssMb)).toFixed(0),
    ]);
  }
  const header = ['text', 'output', 'pages', 'chars/page', 'pages/s (median)', 'peak RSS MB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`glyph-en, ${repeats} runs per case, each in its own process\n`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));

  // Imported here, not at the top: the tokenizer's 7.5 MB bundle would inflate the cases' RSS.
  const { countTextTokens } = await import('../gpu-runner/tokens/qwen3.ts');
  const { compressionRatio } = await import('../protocol/compression-ratio.ts');
  const novel = texts.novel!();
  const novelRun = await runCase('novel', 'raw');
  const textTokens = countTextTokens(novel);
  console.log(
    `\nnovel compression at glyph-en: ${textTokens} Qwen3 text tokens / ${novelRun.visualTokens} glm-4.1v visual tokens = ${compressionRatio(textTokens, novelRun.visualTokens)}×`,
  );
  let markerVisual = 0;
  const marker = resolveRenderConfig({ config: { 'newline-markup': NEWLINE_MARKER } });
  for await (const p of renderPages(novel, marker, { output: 'raw' }))
    markerVisual += visualTokensFor('glm-4.1v', p.width, p.height);
  console.log(
    `novel with the red newline marker (paragraphs flow): ${textTokens} / ${markerVisual} = ${compressionRatio(textTokens, markerVisual)}×`,
  );
  for (const file of ['glyph/case1.txt', 'glyph/case2.txt']) {
    const text = readFileSync(pick(file), 'utf8');
    let visual = 0;
    for await (const p of renderPages(text, resolveRenderConfig({}), { output: 'raw' }))
      visual += visualTokensFor('glm-4.1v', p.width, p.height);
    const t = countTextTokens(text);
    console.log(`${file} compression: ${t} / ${visual} = ${compressionRatio(t, visual)}×`);
  }
}

await main();
