/**
 * The client SDK, imported the way the package exports it (`glyphgate/client`), against the local
 * stack — a real runner process and the Worker in workerd — calling every method, and checking each
 * answer against the zod schema the OpenAPI document is generated from (so the documented shapes
 * are the served ones).
 */
import { encode as encodeO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { GlyphgateClient, GlyphgateError, isJobAccepted, type JobView, type QueryStreamEvent } from 'glyphgate/client';
import * as api from '../../protocol/public-api/index.ts';
import { startEdge, startRunner, type EdgeHandle, type RunnerHandle } from '../edge/worker-stack.ts';

const novel = readFileSync(new URL('../fixtures/texts/pride_and_prejudice.txt', import.meta.url), 'utf8').replace(
  /^\uFEFF/,
  '',
);
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const QUESTION = 'Who is the single man in possession of a good fortune?';

let runner: RunnerHandle;
let edge: EdgeHandle;
let client: GlyphgateClient;

/** Parses `value` with `schema` (the documented shape), failing the test with zod's reasons. */
function documented<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
  return parsed.data as z.output<S>;
}

/** The error `promise` rejects with, which must be a GlyphgateError. */
async function rejection(promise: Promise<unknown>): Promise<GlyphgateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GlyphgateError);
  return error as GlyphgateError;
}

beforeAll(async () => {
  runner = await startRunner();
  // A low page threshold, so a few-page document becomes a job.
  edge = await startEdge({
    runners: [runner.url],
    vars: { RENDER_ASYNC_PAGE_THRESHOLD: '4', RENDER_JOB_RANGE_PAGES: '3' },
  });
  client = new GlyphgateClient({ baseUrl: `${edge.url}/`, apiKey: edge.createKey('sdk').key });
}, 180_000);

afterAll(async () => {
  await edge?.stop();
  await runner?.stop();
});

describe('GlyphgateClient against the local stack', () => {
  let id: string;
  let renderId: string;

  it('uploads text, markdown and JSON, and says whether it stored anything', async () => {
    // Chapter 1, where the questions below have answers.
    const text = novel.slice(35_000, 41_000);
    const first = await client.uploadDocument(text);
    expect(first.created).toBe(true);
    documented(api.documentViewSchema, first);
    const again = await client.uploadDocument({ text });
    expect(again).toMatchObject({ id: first.id, created: false });
    const markdown = await client.uploadDocument('# Title\n\nSome *markdown*.', { contentType: 'text/markdown' });
    expect(markdown.created).toBe(true);
    id = first.id;
  });

  it('renders, and fetches and revalidates a page', async () => {
    const result = await client.render(id, {
      preset: 'glyph-en',
      profile: 'qwen2.5-vl',
      idempotencyKey: 'sdk-render-1',
    });
    if (isJobAccepted(result)) throw new Error('a one-page document should not be a job');
    const view = documented(api.renderViewSchema, result);
    expect(view).toMatchObject({ documentId: id, profile: 'qwen2.5-vl', cached: false });
    expect(view.totals.pages).toBe(view.pages.length);
    renderId = view.renderId;

    const page = await client.page(id, renderId, 1);
    expect(page.status).toBe(200);
    expect([...page.png!.slice(0, 8)]).toEqual(PNG_MAGIC);
    expect(page.etag).toMatch(/^"[0-9a-f]{64}"$/);
    const revalidated = await client.page(id, renderId, 1, { etag: page.etag });
    expect(revalidated).toEqual({ status: 304, etag: page.etag });
  });

  it('compresses in one call, as JSON and as text with query parameters', async () => {
    const sent = novel.slice(10_000, 14_000);
    const json = await client.compress(sent, { profile: 'gpt-4o' });
    if (isJobAccepted(json)) throw new Error('unexpected job');
    expect(documented(api.compressedSchema, json).profile).toBe('gpt-4o');
    // The totals count with the profile's own tokenizer (o200k for gpt-4o); the document keeps
    // the Qwen3 count an upload reports.
    expect(json.tokenizer).toEqual({ family: 'o200k', estimate: false });
    expect(json.totals.textTokens).toBe(encodeO200k(sent).length);
    expect(json.document.textTokens).toBeGreaterThan(0);
    const text = await client.compress(novel.slice(14_000, 18_000), {
      contentType: 'text/plain',
      preset: 'glyph-en',
      config: { 'font-size': 10 },
    });
    if (isJobAccepted(text)) throw new Error('unexpected job');
    documented(api.compressedSchema, text);
    expect(text.document.chars).toBe(4000);
  });

  it('answers a query, then streams one, from the runner and from the cache', async () => {
    const answer = documented(api.answerSchema, await client.query(id, { question: QUESTION }));
    expect(answer.cached).toBe(false);
    expect(answer.citations.length).toBeGreaterThan(0);

    const collect = async (question: string, noCache = false): Promise<QueryStreamEvent[]> => {
      const events: QueryStreamEvent[] = [];
      for await (const event of client.queryStream(id, { question, noCache })) events.push(event);
      return events;
    };
    for (const [events, cached] of [
      [await collect('Where is Netherfield Park?'), undefined],
      [await collect(QUESTION), true],
      [await collect(QUESTION, true), undefined],
    ] as const) {
      const done = events.at(-1)!;
      expect(done.event).toBe('done');
      if (done.event !== 'done') continue;
      documented(api.answerDoneSchema, done.data);
      expect(done.data.cached).toBe(cached);
      const deltas = events.slice(0, -1);
      expect(deltas.length).toBeGreaterThan(0);
      expect(deltas.every((e) => e.event === 'delta')).toBe(true);
      expect(deltas.map((e) => (e.event === 'delta' ? e.data.text : '')).join('')).toBe(done.data.answer);
    }
  });

  it('reads the pages back with OCR', async () => {
    const decoded = documented(api.decodeViewSchema, await client.decode(id, { sample: 2 }));
    expect(decoded).toMatchObject({ linesChecked: 2, cached: false });
    expect(decoded.charAccuracy).toBeGreaterThan(0.5);
    expect((await client.decode(id, { sample: 2 })).cached).toBe(true);
    expect((await client.decode(id, { sample: 2, noCache: true })).cached).toBe(false);
  });

  it('throws GlyphgateError with the status and code of the API error', async () => {
    const missing = await rejection(client.render('f'.repeat(64)));
    expect(missing).toMatchObject({ status: 404, code: 'not_found', message: 'document not found' });
    expect(await rejection(client.page(id, renderId, 999))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await rejection(client.job('job_nope'))).toMatchObject({ status: 400, code: 'invalid_job_id' });
    expect(await rejection(client.render(id, { profile: 'gpt-9' as never }))).toMatchObject({
      status: 400,
      code: 'invalid_profile',
    });
    expect(await rejection(client.query(id, { question: '  ' }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
    const stranger = new GlyphgateClient({ baseUrl: edge.url, apiKey: 'gg_not-a-key-we-issued' });
    expect(await rejection(stranger.usage())).toMatchObject({ status: 401, code: 'unauthorized' });
    const nowhere = new GlyphgateClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'x' });
    expect(await rejection(nowhere.usage())).toMatchObject({ status: 0, code: 'network_error' });
  });

  it('renders a document over the page threshold as a job, and waits for it', async () => {
    const big = await client.uploadDocument(novel.slice(41_000, 101_000));
    const accepted = await client.render(big.id);
    if (!isJobAccepted(accepted)) throw new Error('expected a job');
    documented(api.jobAcceptedSchema, accepted);

    const seen: JobView[] = [];
    const job = await client.waitForJob(accepted.jobId, {
      intervalMs: 200,
      signal: AbortSignal.timeout(120_000),
      onProgress: (j) => seen.push(j),
    });
    documented(api.jobViewSchema, job);
    expect(job).toMatchObject({ status: 'done', progress: 1, renderId: accepted.renderId });
    expect(job.pagesDone).toBe(job.pagesTotal);
    expect(seen.at(-1)).toEqual(job);

    const rendered = await client.render(big.id);
    if (isJobAccepted(rendered)) throw new Error('expected the finished render');
    expect(rendered).toMatchObject({ cached: true, renderId: accepted.renderId });
    expect(rendered.pages.length).toBe(job.pagesTotal);

    const aborted = new AbortController();
    aborted.abort(new Error('stop'));
    await expect(client.waitForJob(accepted.jobId, { signal: aborted.signal })).rejects.toThrow('stop');
  }, 150_000);

  it('reports usage', async () => {
    // Rows are written just after each response (waitUntil): wait for the last decode's.
    await expect.poll(async () => (await client.usage()).totals.byOperation.decode?.calls).toBe(3);
    const usage = documented(
      api.usageViewSchema,
      await client.usage({ from: new Date(Date.now() - 3_600_000), limit: 5 }),
    );
    expect(usage.tenant).toBe('sdk');
    expect(usage.rows.length).toBe(5);
    expect(usage.truncated).toBe(true);
    expect(Object.keys(usage.totals.byOperation).sort()).toEqual(['decode', 'query', 'render', 'upload']);
    expect(await rejection(client.usage({ from: 'yesterday' }))).toMatchObject({
      status: 400,
      code: 'invalid_request',
    });
  });
});
