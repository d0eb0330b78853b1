/**
 * The edge Worker end to end, in workerd (wrangler dev --local) with a real runner process:
 * upload → render → pages → query → re-query, single-flight renders, tenant isolation, and
 * async jobs for big documents.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

const novel = readFileSync(new URL('../fixtures/texts/pride_and_prejudice.txt', import.meta.url), 'utf8');
const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const text = (body: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let runner: RunnerHandle;
let edge: EdgeHandle;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  runner = await startRunner();
  edge = await startEdge({
    runners: [runner.url],
    vars: { RENDER_ASYNC_PAGE_THRESHOLD: '100', RENDER_JOB_RANGE_PAGES: '25', MAX_UPLOAD_BYTES: '2000000' },
  });
  keyA = edge.createKey('tenant-a').key;
  keyB = edge.createKey('tenant-b').key;
}, 180_000);

afterAll(async () => {
  await edge?.stop();
  await runner?.stop();
});

async function upload(
  key: string,
  body: string,
): Promise<{ status: number; id: string; doc: Record<string, unknown> }> {
  const res = await edge.call(key, '/v1/documents', text(body));
  const doc = (await res.json()) as Record<string, unknown>;
  return { status: res.status, id: doc.id as string, doc };
}

describe('edge worker: upload → render → pages → query', () => {
  it('serves the whole flow, with caches that save runner calls', async () => {
    const body = novel.slice(0, 60_000);
    const first = await upload(keyA, body);
    expect(first.status).toBe(201);
    // The fixture starts with a byte-order mark, which is not part of the text.
    expect(first.doc).toMatchObject({
      id: first.id,
      sha256: first.id,
      chars: 60_000 - 1,
      textTokens: expect.any(Number),
    });
    expect((await upload(keyA, body)).status).toBe(200);
    const viaJson = await edge.call(keyA, '/v1/documents', json({ text: body }));
    expect(viaJson.status).toBe(200);
    expect(((await viaJson.json()) as { id: string }).id).toBe(first.id);

    const rendersBefore = await runner.requests('/v1/render');
    const render = await edge.call(
      keyA,
      `/v1/documents/${first.id}/render`,
      json({ preset: 'glyph-en', profile: 'glm-4.1v' }),
    );
    expect(render.status).toBe(200);
    expect(render.headers.get('x-glyph-cache')).toBe('miss');
    const view = (await render.json()) as {
      renderId: string;
      profile: string;
      cached: boolean;
      pages: { n: number; url: string; visualTokens: number }[];
      totals: Record<string, number>;
    };
    expect(view.cached).toBe(false);
    expect(view.pages.length).toBeGreaterThan(3);
    expect(view.totals.pages).toBe(view.pages.length);
    expect(view.totals.textTokens).toBeGreaterThan(10_000);
    expect(view.totals.ratio).toBeGreaterThan(1);
    expect(await runner.requests('/v1/render')).toBe(rendersBefore + 1);

    // Now cached: same render id, no runner call; another profile is repriced from the same pages.
    const again = await edge.call(keyA, `/v1/documents/${first.id}/render`, json({ profile: 'qwen2.5-vl' }));
    expect(again.headers.get('x-glyph-cache')).toBe('hit');
    const againView = (await again.json()) as typeof view;
    expect(againView.renderId).toBe(view.renderId);
    expect(againView.profile).toBe('qwen2.5-vl');
    expect(await runner.requests('/v1/render')).toBe(rendersBefore + 1);
    expect(((await upload(keyA, body)).doc as { textTokens: number }).textTokens).toBe(view.totals.textTokens);

    for (const page of [view.pages[0]!, view.pages.at(-1)!]) {
      const res = await edge.call(keyA, new URL(page.url).pathname);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      const etag = res.headers.get('etag')!;
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect([...new Uint8Array(await res.arrayBuffer()).slice(0, 8)]).toEqual(PNG_MAGIC);
      const conditional = await edge.call(keyA, new URL(page.url).pathname, { headers: { 'if-none-match': etag } });
      expect(conditional.status).toBe(304);
      expect(conditional.headers.get('etag')).toBe(etag);
    }
    const beyond = await edge.call(
      keyA,
      `/v1/documents/${first.id}/renders/${view.renderId}/pages/${view.pages.length + 1}`,
    );
    expect(beyond.status).toBe(404);

    const answersBefore = await runner.requests('/v1/answer');
    const question = 'Who is the single man in possession of a good fortune?';
    const query = await edge.call(keyA, `/v1/documents/${first.id}/query`, json({ question }));
    expect(query.status).toBe(200);
    expect(query.headers.get('x-glyph-cache')).toBe('miss');
    const answer = (await query.json()) as { answer: string; answerer: string; citations: unknown[]; cached: boolean };
    expect(answer).toMatchObject({ answerer: 'extractive', cached: false });
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(await runner.requests('/v1/answer')).toBe(answersBefore + 1);

    // Re-query (normalized: case and spacing differ) is served from R2, no runner call.
    const requery = await edge.call(
      keyA,
      `/v1/documents/${first.id}/query`,
      json({ question: '  who is the SINGLE man in possession of a good fortune? ' }),
    );
    expect(requery.headers.get('x-glyph-cache')).toBe('hit');
    expect((await requery.json()) as object).toMatchObject({ answer: answer.answer, cached: true });
    expect(await runner.requests('/v1/answer')).toBe(answersBefore + 1);

    const forced = await edge.call(keyA, `/v1/documents/${first.id}/query`, {
      ...json({ question }),
      headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
    });
    expect(forced.headers.get('x-glyph-cache')).toBe('miss');
    await forced.arrayBuffer();
    expect(await runner.requests('/v1/answer')).toBe(answersBefore + 2);

    const streamed = await edge.call(
      keyA,
      `/v1/documents/${first.id}/query`,
      json({ question: 'Where is Netherfield Park?', stream: true }),
    );
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    const events = await streamed.text();
    expect(events).toContain('event: delta');
    expect(events).toContain('event: done');
    // The streamed answer was cached as it passed through.
    await expect
      .poll(async () =>
        (
          await edge.call(keyA, `/v1/documents/${first.id}/query`, json({ question: 'where is netherfield park?' }))
        ).headers.get('x-glyph-cache'),
      )
      .toBe('hit');

    const decode = await edge.call(keyA, `/v1/documents/${first.id}/decode`, json({ sample: 3 }));
    expect(decode.status).toBe(200);
    expect(decode.headers.get('x-glyph-cache')).toBe('miss');
    expect((await decode.json()) as object).toMatchObject({ linesChecked: 3 });
    expect(
      (await edge.call(keyA, `/v1/documents/${first.id}/decode`, json({ sample: 3 }))).headers.get('x-glyph-cache'),
    ).toBe('hit');

    type Usage = {
      tenant: string;
      totals: { byOperation: Record<string, { calls: number }> };
      rows: { operation: string; cacheHit: boolean }[];
    };
    const usage = async () => (await (await edge.call(keyA, '/v1/usage')).json()) as Usage;
    // Rows are written just after each response (waitUntil), so wait for the last one.
    await expect.poll(async () => (await usage()).totals.byOperation.decode?.calls).toBe(2);
    const { tenant, totals, rows } = await usage();
    expect(tenant).toBe('tenant-a');
    expect(Object.keys(totals.byOperation).sort()).toEqual(['decode', 'query', 'render', 'upload']);
    expect(rows.some((r) => r.operation === 'query' && r.cacheHit)).toBe(true);
  });

  it('compresses text in one call', async () => {
    const res = await edge.call(
      keyA,
      '/v1/compress',
      json({ text: novel.slice(100_000, 110_000), preset: 'glyph-en' }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      document: { id: string; textTokens: number };
      renderId: string;
      pages: unknown[];
    };
    expect(body.document.textTokens).toBeGreaterThan(0);
    expect(body.pages.length).toBeGreaterThan(0);
  });

  it('makes exactly one runner render call for 20 concurrent requests', async () => {
    const { id } = await upload(keyA, novel.slice(200_000, 400_000));
    const before = await runner.requests('/v1/render');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => edge.call(keyA, `/v1/documents/${id}/render`, json({}))),
    );
    const views = await Promise.all(
      responses.map(async (r) => ({
        status: r.status,
        body: (await r.json()) as { renderId: string; totals: { pages: number } },
      })),
    );
    expect(views.every((v) => v.status === 200)).toBe(true);
    expect(new Set(views.map((v) => `${v.body.renderId}/${v.body.totals.pages}`)).size).toBe(1);
    expect(await runner.requests('/v1/render')).toBe(before + 1);
  });
});

describe('edge worker: tenant isolation', () => {
  it("gives tenant B 404s for A's document, pages, answers and jobs, and no hit on A's text", async () => {
    const secret = novel.slice(400_000, 420_000);
    const { id } = await upload(keyA, secret);
    const view = (await (await edge.call(keyA, `/v1/documents/${id}/render`, json({}))).json()) as {
      pages: { url: string }[];
    };
    await (await edge.call(keyA, `/v1/documents/${id}/query`, json({ question: 'Who danced?' }))).arrayBuffer();

    const missing = 'f'.repeat(64);
    const notFoundBody = await (await edge.call(keyB, `/v1/documents/${missing}/render`, json({}))).json();
    for (const [path, init] of [
      [`/v1/documents/${id}/render`, json({})],
      [`/v1/documents/${id}/query`, json({ question: 'Who danced?' })],
      [`/v1/documents/${id}/decode`, json({ sample: 1 })],
      [new URL(view.pages[0]!.url).pathname, {}],
    ] as const) {
      const res = await edge.call(keyB, path, init);
      expect(res.status, path).toBe(404);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe('not_found');
      if (path.endsWith('/render')) expect(body).toEqual(notFoundBody);
    }

    // B uploading the same text: a new document for B (201, its tokens counted for B afresh), stored
    // under B's own prefix — the same work as for a text nobody has, so its answer and its cost
    // tell B nothing about A.
    const mine = await upload(keyB, secret);
    expect(mine.status).toBe(201);
    expect(typeof mine.doc.textTokens).toBe('number');
    expect(edge.r2Has('glyphgate-documents', `t/tenant-b/docs/${id}`)).toBe(true);
    const fresh = await upload(keyB, `${secret}\nunrelated`);
    expect(fresh.status).toBe(201);
    expect(Object.keys(mine.doc).sort()).toEqual(Object.keys(fresh.doc).sort());
    const render = await edge.call(keyB, `/v1/documents/${id}/render`, json({}));
    expect(render.headers.get('x-glyph-cache')).toBe('miss');
    const answer = await edge.call(keyB, `/v1/documents/${id}/query`, json({ question: 'Who danced?' }));
    expect(answer.headers.get('x-glyph-cache')).toBe('miss');
  });
});

describe('edge worker: async jobs', () => {
  it('answers 202 for a document over the page threshold and renders it in page ranges', async () => {
    const { id } = await upload(keyA, novel);
    // Small type: ~120 estimated pages, over the threshold of 100.
    const options = { config: { 'font-size': 11, 'line-height': 12 } };
    const accepted = await edge.call(keyA, `/v1/documents/${id}/render`, json(options));
    expect(accepted.status).toBe(202);
    const { jobId } = (await accepted.json()) as { jobId: string };
    expect(jobId).toMatch(/^job_[0-9a-f]{32}$/);
    // Asked again while queued or running: the same job.
    const repeat = await edge.call(keyA, `/v1/documents/${id}/render`, json(options));
    if (repeat.status === 202) expect(((await repeat.json()) as { jobId: string }).jobId).toBe(jobId);
    expect((await edge.call(keyB, `/v1/jobs/${jobId}`)).status).toBe(404);

    let job: { status: string; pagesDone: number; pagesTotal: number | null } = {
      status: 'queued',
      pagesDone: 0,
      pagesTotal: null,
    };
    const seen = new Set<number>();
    const deadline = Date.now() + 150_000;
    while (job.status !== 'done' && job.status !== 'failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      job = (await (await edge.call(keyA, `/v1/jobs/${jobId}`)).json()) as typeof job;
      seen.add(job.pagesDone);
    }
    expect(job.status).toBe('done');
    expect(job.pagesTotal).toBeGreaterThan(100);
    expect(job.pagesDone).toBe(job.pagesTotal);

    const done = await edge.call(keyA, `/v1/documents/${id}/render`, json(options));
    expect(done.status).toBe(200);
    expect(done.headers.get('x-glyph-cache')).toBe('hit');
    const view = (await done.json()) as { pages: { n: number; url: string }[] };
    expect(view.pages.map((p) => p.n)).toEqual(Array.from({ length: job.pagesTotal! }, (_, i) => i + 1));
    const last = await edge.call(keyA, new URL(view.pages.at(-1)!.url).pathname);
    expect(last.status).toBe(200);
  }, 180_000);
});
