/**
 * `POST /v1/tokens` on a real runner: Qwen3 by default (the count an upload reports), or the
 * family a profile reads with — checked against each tokenizer package's own count.
 */
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TokensResponse } from '../../protocol/runner-api.ts';
import { countTextTokens } from '../../gpu-runner/tokens/qwen3.ts';
import { signed, startRunner, type RunnerProcess } from './runner-harness.ts';

const TEXT = 'It is a truth universally acknowledged — 凡事豫則立，不豫則廢。 Emoji too: 🧪🧪.';
let runner: RunnerProcess;

beforeAll(async () => {
  runner = await startRunner();
});

afterAll(async () => {
  await runner?.stop();
});

it('counts Qwen3 tokens when no family is named', async () => {
  const response = await signed(runner.url, '/v1/tokens', { text: TEXT });
  expect(response.status).toBe(200);
  expect((await response.json()) as TokensResponse).toEqual({ textTokens: countTextTokens(TEXT), tokenizer: 'qwen3' });
});

it('counts in the family asked for (o200k: the gpt-tokenizer count)', async () => {
  const response = await signed(runner.url, '/v1/tokens', { text: TEXT, family: 'o200k' });
  expect(response.status).toBe(200);
  const body = (await response.json()) as TokensResponse;
  expect(body).toEqual({ textTokens: encode(TEXT).length, tokenizer: 'o200k' });
  expect(body.textTokens).not.toBe(countTextTokens(TEXT));
});

it('refuses an unknown family with 400 naming it', async () => {
  const response = await signed(runner.url, '/v1/tokens', { text: TEXT, family: 'cl100k' });
  expect(response.status).toBe(400);
  expect(JSON.stringify(await response.json())).toContain('family');
});
