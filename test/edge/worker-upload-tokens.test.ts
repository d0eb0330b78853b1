/**
 * `POST /v1/documents` answers the text's Qwen3 token count (issue 15 item 4), counted by a real
 * runner (`POST /v1/tokens`) at upload and stored in D1: 8 000 characters of Chinese give the
 * count the runner's tokenizer gives, a re-upload answers 200 with the same number (no runner
 * asked), and with no runner the text is stored and the answer is 503 with Retry-After, after
 * which the same upload answers 200 with the count. Every answer matches the OpenAPI schema.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTextTokens } from '../../gpu-runner/tokens/qwen3.ts';
import { documentViewSchema } from '../../protocol/public-api/documents.ts';
import { freePort, startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

const excerpt = readFileSync(new URL('../fixtures/texts/shen-yin-yu-excerpt.txt', import.meta.url), 'utf8');
/** `n` code points of the Chinese fixture, repeated. */
function chinese(n: number, salt = ''): string {
  const points = [...(salt + excerpt.repeat(Math.ceil(n / excerpt.length) + 1))];
  return points.slice(0, n).join('');
}

let edge: EdgeHandle;
let runner: RunnerHandle;
let port: string;
let key: string;

const upload = (text: string) =>
  edge.call(key, '/v1/documents', {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: text,
  });

beforeAll(async () => {
  port = String(await freePort());
  runner = await startRunner({ GLYPH_RUNNER_PORT: port });
  edge = await startEdge({ runners: [`http://127.0.0.1:${port}`] });
  key = edge.createKey('upload-tokens').key;
}, 180_000);

afterAll(async () => {
  await runner?.stop();
  await edge?.stop();
});

describe('upload textTokens', () => {
  it("is the runner's Qwen3 count of 8 000 characters of Chinese, at upload and again on re-upload", async () => {
    const text = chinese(8000);
    const expected = countTextTokens(text);
    const before = await runner.requests('/v1/tokens');
    const first = await upload(text);
    expect(first.status).toBe(201);
    const body = documentViewSchema.parse(await first.json());
    expect(body.chars).toBe(8000);
    expect(body.textTokens).toBe(expected);
    expect(await runner.requests('/v1/tokens')).toBe(before + 1);

    const again = await upload(text);
    expect(again.status).toBe(200);
    expect(documentViewSchema.parse(await again.json())).toEqual(body);
    // Stored in D1 with the document: the re-upload asked no runner.
    expect(await runner.requests('/v1/tokens')).toBe(before + 1);
  });

  it('with no runner: the text is stored, 503 runners_unavailable with Retry-After; the retry answers the count', async () => {
    const text = chinese(3000, '再試。');
    await runner.stop();
    const refused = await upload(text);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('runners_unavailable');

    runner = await startRunner({ GLYPH_RUNNER_PORT: port });
    const retried = await upload(text);
    // 200: the first try stored it.
    expect(retried.status).toBe(200);
    expect(documentViewSchema.parse(await retried.json()).textTokens).toBe(countTextTokens(text));
  }, 120_000);

  it('is an integer, never null, in the OpenAPI document', async () => {
    const doc = (await (await edge.call(null, '/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties: Record<string, { type?: unknown }>; required?: string[] }> };
    };
    const schema = doc.components.schemas.Document!;
    expect(schema.properties.textTokens!.type).toBe('integer');
    expect(schema.required).toContain('textTokens');
  });
});
