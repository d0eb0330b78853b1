/**
 * The runner's HTTP API, on a real runner process: signed multipart renders (manifest first,
 * PNG pages, cache hit on repeat), page ranges, answers (JSON and SSE), and every error status
 * the routes promise (400 naming the field or key, 401, 404, 413, 415).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerResponse, RenderManifest } from '../../protocol/runner-api.ts';
import {
  PNG_SIGNATURE,
  ROOT,
  metric,
  readMultipart,
  signed,
  startRunner,
  type RunnerProcess,
} from './runner-harness.ts';

const case1 = readFileSync(path.join(ROOT, 'test/fixtures/glyph/case1.txt'), 'utf8');
const novel = readFileSync(path.join(ROOT, 'test/fixtures/texts/pride_and_prejudice.txt'), 'utf8');
type ErrorBody = { error: { code: string; message: string } };

let runner: RunnerProcess;

beforeAll(async () => {
  // A 1 MB body limit makes the 413 cheap to provoke; case1 (16 KB) and the novel (0.8 MB) fit.
  runner = await startRunner({ GLYPH_MAX_BODY_MB: '1' });
});

afterAll(async () => {
  await runner?.stop();
});

function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

async function expectError(response: Response, status: number, code: string, mentions?: string): Promise<ErrorBody> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  if (mentions) expect(body.error.message).toContain(mentions);
  return body;
}

describe('POST /v1/render', () => {
  let first: { manifest: RenderManifest; pages: Uint8Array[] };

  it('streams the manifest first, then one PNG part per page', async () => {
    const response = await signed(runner.url, '/v1/render', { text: case1, preset: 'glyph-en' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=glyph-[0-9a-f]{48}$/);
    expect(response.headers.get('x-glyph-cache')).toBe('miss');
    const parts = await readMultipart(response);
    expect(parts[0]!.name).toBe('manifest');
    expect(parts[0]!.mediaType).toBe('application/json');
    const manifest = JSON.parse(new TextDecoder().decode(parts[0]!.bytes)) as RenderManifest;
    expect(manifest.pages).toHaveLength(2);
    expect(manifest.totals.pages).toBe(2);
    expect(manifest.profile).toBe('glm-4.1v');
    expect(manifest.chars).toBe(case1.length);
    expect(manifest.totals.visualTokens).toBe(manifest.pages.reduce((s, p) => s + p.visualTokens, 0));
    expect(manifest.totals.ratio).toBeCloseTo(manifest.totals.textTokens / manifest.totals.visualTokens, 2);
    expect(manifest.totals.ratio).toBeGreaterThan(3);
    expect(manifest.textSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.layout.length).toBeGreaterThan(100);
    expect(new Set(manifest.layout.map((l) => l.page))).toEqual(new Set([1, 2]));

    const pageParts = parts.slice(1);
    expect(pageParts.map((p) => p.name)).toEqual(['page-1', 'page-2']);
    pageParts.forEach((part, i) => {
      expect(part.mediaType).toBe('image/png');
      expect([...part.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      expect(pngSize(part.bytes)).toEqual({ width: manifest.pages[i]!.width, height: manifest.pages[i]!.height });
    });
    first = { manifest, pages: pageParts.map((p) => p.bytes) };
  });

  it('answers a repeat from the cache, byte for byte', async () => {
    const hitsBefore = await metric(runner.url, 'glyph_cache_hits_total');
    const response = await signed(runner.url, '/v1/render', { text: case1, preset: 'glyph-en' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-glyph-cache')).toBe('hit');
    const parts = await readMultipart(response);
    expect(JSON.parse(new TextDecoder().decode(parts[0]!.bytes))).toEqual(first.manifest);
    expect(parts.slice(1).map((p) => Buffer.from(p.bytes))).toEqual(first.pages.map((p) => Buffer.from(p)));
    expect(await metric(runner.url, 'glyph_cache_hits_total')).toBe(hitsBefore + 1);
    expect(await metric(runner.url, 'glyph_cache_hits_total', { tier: 'memory' })).toBeGreaterThanOrEqual(1);
  });

  it('prices the same pages with another profile', async () => {
    const response = await signed(runner.url, '/v1/render', { text: case1, profile: 'gpt-4o' });
    const manifest = JSON.parse(new TextDecoder().decode((await readMultipart(response))[0]!.bytes)) as RenderManifest;
    expect(manifest.profile).toBe('gpt-4o');
    expect(manifest.configHash).toBe(first.manifest.configHash);
    expect(manifest.pages.map((p) => p.visualTokens)).not.toEqual(first.manifest.pages.map((p) => p.visualTokens));
  });

  it('renders a page range: only those parts, totals of the whole document', async () => {
    const response = await signed(runner.url, '/v1/render', { text: case1 + ' ', firstPage: 2 });
    const parts = await readMultipart(response);
    const manifest = JSON.parse(new TextDecoder().decode(parts[0]!.bytes)) as RenderManifest;
    expect(manifest.range).toEqual({ firstPage: 2, lastPage: 2 });
    expect(manifest.totals.pages).toBe(2);
    expect(manifest.pages.map((p) => p.n)).toEqual([2]);
    expect(manifest.layout.every((l) => l.page === 2)).toBe(true);
    expect(parts.slice(1).map((p) => p.name)).toEqual(['page-2']);
    const bad = await signed(runner.url, '/v1/render', { text: case1, firstPage: 3 });
    await expectError(bad, 400, 'invalid_request', 'firstPage');
  });

  it('serves identical concurrent renders from one render (single flight)', async () => {
    const text = `Single flight.\n${novel.slice(0, 60_000)}`;
    const joinsBefore = await metric(runner.url, 'glyph_render_single_flight_joins_total');
    const pagesBefore = await metric(runner.url, 'glyph_pages_rendered_total');
    const responses = await Promise.all([1, 2, 3].map(() => signed(runner.url, '/v1/render', { text })));
    const bodies = await Promise.all(
      responses.map(async (r) => (await readMultipart(r)).map((p) => Buffer.from(p.bytes))),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    const pages = bodies[0]!.length - 1;
    expect(await metric(runner.url, 'glyph_render_single_flight_joins_total')).toBe(joinsBefore + 2);
    expect(await metric(runner.url, 'glyph_pages_rendered_total')).toBe(pagesBefore + pages);
  });

  it('sends the first page while later pages are still being painted', async () => {
    const pagesBefore = await metric(runner.url, 'glyph_pages_rendered_total');
    const response = await signed(runner.url, '/v1/render', { text: novel });
    expect(response.headers.get('x-glyph-cache')).toBe('miss');
    const reader = response.body!.getReader();
    let seen = '';
    while (!seen.includes('name="page-1"')) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      seen += Buffer.from(value!).toString('latin1');
    }
    // 185 pages take seconds to paint and encode: the render is still running now.
    const ready = (await (await signed(runner.url, '/readyz')).json()) as { rendersInFlight: number };
    expect(ready.rendersInFlight).toBe(1);
    // The only client leaving aborts the render (and its cache write) instead of finishing it for nobody.
    await reader.cancel();
    const deadline = Date.now() + 10_000;
    let inFlight = 1;
    while (inFlight > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      inFlight = ((await (await signed(runner.url, '/readyz')).json()) as { rendersInFlight: number }).rendersInFlight;
    }
    expect(inFlight).toBe(0);
    expect((await metric(runner.url, 'glyph_pages_rendered_total')) - pagesBefore).toBeLessThan(185);
    const again = await signed(runner.url, '/v1/render', { text: novel, lastPage: 1 });
    expect(again.headers.get('x-glyph-cache')).toBe('miss');
    await again.arrayBuffer();
  });
});

describe('errors', () => {
  it.each([
    ['empty text', { text: '' }, 'invalid_request', 'text'],
    ['text of the wrong type', { text: 5 }, 'invalid_request', 'text'],
    ['an unknown field', { text: 'x', colour: 'red' }, 'invalid_request', 'colour'],
    ['a config value out of range', { text: 'x', config: { dpi: 5 } }, 'invalid_config', 'dpi'],
    ['an unknown config key', { text: 'x', config: { 'font-weight': 700 } }, 'invalid_config', 'font-weight'],
    ['a bad alignment', { text: 'x', config: { alignment: 'MIDDLE' } }, 'invalid_config', 'alignment'],
    ['an unknown preset', { text: 'x', preset: 'glyph-fr' }, 'invalid_config', 'preset'],
    ['an unknown profile', { text: 'x', profile: 'gpt-9' }, 'invalid_profile', 'profile'],
    ['a text with nothing to draw', { text: ' \n\n ' }, 'no_visible_text', 'text'],
  ])('400 for %s, naming it', async (_, body, code, mentions) => {
    await expectError(await signed(runner.url, '/v1/render', body), 400, code, mentions);
  });

  it('400 for a body that is not JSON', async () => {
    await expectError(await signed(runner.url, '/v1/render', '{"text": '), 400, 'invalid_json');
  });

  it('400 on decode and answer too (schema fields)', async () => {
    await expectError(
      await signed(runner.url, '/v1/decode', { text: 'x', sample: 0 }),
      400,
      'invalid_request',
      'sample',
    );
    await expectError(
      await signed(runner.url, '/v1/answer', { text: 'x', question: '  ' }),
      400,
      'invalid_request',
      'question',
    );
  });

  it('415 for a content type other than JSON', async () => {
    const response = await signed(runner.url, '/v1/render', JSON.stringify({ text: 'x' }), {
      contentType: 'text/plain',
    });
    await expectError(response, 415, 'unsupported_media_type', 'application/json');
  });

  it('413 for a body over GLYPH_MAX_BODY_MB, before any signature check', async () => {
    const big = JSON.stringify({ text: 'a'.repeat(1024 * 1024 + 10) });
    const response = await fetch(`${runner.url}/v1/render`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    await expectError(response, 413, 'body_too_large');
  });

  it('401 for an unsigned request, a bad signature, and /readyz unsigned', async () => {
    const unsigned = await fetch(`${runner.url}/v1/render`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x' }),
    });
    await expectError(unsigned, 401, 'missing_signature_headers');
    await expectError(await fetch(`${runner.url}/readyz`), 401, 'missing_signature_headers');
  });

  it('404 JSON for a signed request to an unknown route', async () => {
    await expectError(await signed(runner.url, '/v1/nothing', { text: 'x' }), 404, 'not_found');
  });
});

describe('health, readiness, metrics', () => {
  it('/healthz and /metrics answer unsigned', async () => {
    const health = await fetch(`${runner.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const metrics = await fetch(`${runner.url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    for (const name of [
      'glyph_http_requests_total',
      'glyph_http_request_duration_seconds_bucket',
      'glyph_queue_depth',
      'glyph_ocr_batch_size',
      'glyph_cache_misses_total',
      'glyph_process_resident_memory_bytes',
    ]) {
      expect(text).toContain(name);
    }
    expect(
      await metric(runner.url, 'glyph_http_requests_total', { route: '/v1/render', status: '200' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await metric(runner.url, 'glyph_http_requests_total', { route: '/v1/render', status: '400' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('/readyz (signed) reports the model, the execution provider and why not CUDA, the queue and the backend', async () => {
    const response = await signed(runner.url, '/readyz');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      ready: true,
      status: 'ready',
      device: 'cpu',
      executionProvider: 'cpu',
      models: { ocr: true },
      queue: { concurrency: 2, maxQueued: 16 },
      backend: 'extractive',
    });
    // The harness starts runners with GLYPH_DEVICE=cpu: the reason says so, in /readyz and at start.
    expect(body.cpuReason).toMatch(/^GLYPH_DEVICE=cpu/);
    expect(runner.output()).toMatch(/device cpu: ONNX execution provider cpu .*"cpuReason":"GLYPH_DEVICE=cpu/);
  });
});

describe('POST /v1/answer', () => {
  const question = 'What did Mathilde borrow from Madame Forestier?';

  it('answers from the document with citations that point into its layout', async () => {
    const response = await signed(runner.url, '/v1/answer', { text: case1, question });
    expect(response.status).toBe(200);
    const body = (await response.json()) as AnswerResponse;
    expect(body.answerer).toBe('extractive');
    expect(body.citations.length).toBeGreaterThan(0);
    for (const c of body.citations) {
      expect([1, 2]).toContain(c.page);
      expect(c.text.length).toBeGreaterThan(0);
    }
  });

  it('streams Server-Sent Events: delta, then done with the whole response', async () => {
    const response = await signed(runner.url, '/v1/answer', { text: case1, question, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => ({
      event: m[1],
      data: JSON.parse(m[2]!),
    }));
    expect(events[0]!.event).toBe('delta');
    expect(events.at(-1)!.event).toBe('done');
    expect((events.at(-1)!.data as AnswerResponse).answerer).toBe('extractive');
  });
});
