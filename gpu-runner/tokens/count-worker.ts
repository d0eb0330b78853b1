/**
 * Counts a text's Qwen3 tokens in a worker thread (`workerData` is the text; the count is posted
 * back): the CLI counts a long text while it renders, instead of after (see startTokenCount).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { countTextTokens } from './qwen3.ts';

parentPort?.postMessage(countTextTokens(workerData as string));
