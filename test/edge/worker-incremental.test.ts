/**
 * Content-addressed pages and incremental renders end to end, in workerd (wrangler dev --local)
 * with a real runner process:
 *
 * - a conversation over the async page threshold is rendered by a job (its ranges store pages by
 *   content); one more turn is then rendered inline (only its new pages count against the
 *   threshold): the runner paints only the tail, the kept pages are the same R2 objects (one per
 *   page hash, nothing stored again), with the same bytes and ETags;
 * - a render committed in the per-render layout (`page-0001.png`, a manifest without
 *   `pageStore`, written here the old way) is still served, ETag and 304 included;
 * - a conversation's query and decode pass one gate and bill once: a key allowed one request a
 *   minute gets its answer, and the call writes one usage row (the transcript is not an upload).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import { conversationTurns, turnGenerator } from './conversations-turns.ts';
import { startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

const RENDERS = 'glyphgate-renders';
const TENANT = 'incr';

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

let runner: RunnerHandle;
let edge: EdgeHandle;
let key: string;

beforeAll(async () => {
  runner = await startRunner();
  // A low threshold: a conversation of a few pages is a job, one more turn is not.
  edge = await startEdge({
    runners: [runner.url],
    vars: { RENDER_ASYNC_PAGE_THRESHOLD: '4', RENDER_JOB_RANGE_PAGES: '3' },
  });
  key = edge.createKey(TENANT).key;
}, 180_000);

afterAll(async () => {
  await edge?.stop();
  await runner?.stop();
});

/** Writes an object into this edge's local R2 with wrangler, as an older edge would have. */
function r2Put(bucket: string, objectKey: string, body: Uint8Array | string, contentType: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'glyph-r2-put-'));
  try {
    const file = join(dir, 'body');
    writeFileSync(file, body);
    const args = [
      'r2',
      'object',
      'put',
      `${bucket}/${objectKey}`,
      '--local',
      '--persist-to',
      edge.persistDir,
      '--file',
      file,
    ];
    const result = spawnSync('node_modules/.bin/wrangler', [...args, '--content-type', contentType], {
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
    });
    if (result.status !== 0) throw new Error(`wrangler r2 object put failed:\n${result.stderr}${result.stdout}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function createConversation(k: string, messages: unknown[]): Promise<string> {
  const res = await edge.call(k, '/v1/conversations', json({ messages }));
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

type RenderBody = {
  documentId: string;
  renderId: string;
  cached: boolean;
  pagesRendered: number;
  pagesReused: number;
  pages: { n: number; url: string }[];
  totals: { pages: number };
};

async function pagesOf(view: RenderBody): Promise<{ etag: string; bytes: Buffer }[]> {
  const got: { etag: string; bytes: Buffer }[] = [];
  for (const page of view.pages) {
    const res = await edge.call(key, new URL(page.url).pathname);
    expect(res.status).toBe(200);
    got.push({ etag: res.headers.get('etag')!, bytes: Buffer.from(await res.arrayBuffer()) });
  }
  return got;
}

const contentKey = (etag: string) => `t/${TENANT}/pages/${etag.replaceAll('"', '')}.png`;

describe('incremental renders of a conversation over the page threshold', () => {
  it('a job renders it by content; one more turn renders inline, paints only the tail and shares the other pages', async () => {
    const id = await createConversation(key, conversationTurns(120));
    const render = () => edge.call(key, `/v1/conversations/${id}/render`, json({ preset: 'glyph-en' }));

    // Over the threshold of 4 pages: a job, in ranges of 3 pages.
    const accepted = await render();
    expect(accepted.status).toBe(202);
    const { jobId } = (await accepted.json()) as { jobId: string };
    let job = { status: 'queued', pagesTotal: null as number | null, error: null as string | null };
    const deadline = Date.now() + 150_000;
    while (job.status !== 'done' && job.status !== 'failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      job = (await (await edge.call(key, `/v1/jobs/${jobId}`)).json()) as typeof job;
    }
    expect(job.status, JSON.stringify(job)).toBe('done');

    const firstRes = await render();
    expect(firstRes.status).toBe(200);
    const first = (await firstRes.json()) as RenderBody;
    expect(first.totals.pages).toBeGreaterThan(4);
    // Committed by the job: served as stored, nothing painted for this response.
    expect(first).toMatchObject({ cached: true, pagesRendered: 0, pagesReused: first.totals.pages });
    const a = await pagesOf(first);
    // The job's pages are stored by content, not beside the render.
    expect(edge.r2Has(RENDERS, contentKey(a[0]!.etag))).toBe(true);
    expect(edge.r2Has(RENDERS, `t/${TENANT}/renders/${first.documentId}/${first.renderId}/page-0001.png`)).toBe(false);

    const next = turnGenerator(7);
    expect((await edge.call(key, `/v1/conversations/${id}/messages`, json(next('user')))).status).toBe(200);
    const painted = await runner.metric('glyph_pages_rendered_total');
    const blobs = edge.r2BlobCount(RENDERS);
    const secondRes = await render();
    // The whole transcript is still over the threshold, but only its new pages are painted: inline.
    expect(secondRes.status, await secondRes.clone().text()).toBe(200);
    const second = (await secondRes.json()) as RenderBody;
    expect(second.documentId).not.toBe(first.documentId);
    expect(second.renderId).toBe(first.renderId);
    expect(second.cached).toBe(false);
    expect(second.pagesRendered).toBeGreaterThanOrEqual(1);
    expect(second.pagesRendered).toBeLessThanOrEqual(2);
    expect(second.pagesReused + second.pagesRendered).toBe(second.totals.pages);
    expect(second.pagesReused).toBeGreaterThanOrEqual(first.totals.pages - 1);
    expect((await runner.metric('glyph_pages_rendered_total')) - painted).toBe(second.pagesRendered);
    // Stored now: only the painted pages, the layout and the manifest. The kept pages were not
    // written again: they are the job's objects.
    expect(edge.r2BlobCount(RENDERS) - blobs).toBe(second.pagesRendered + 2);

    const b = await pagesOf(second);
    const kept = second.pagesReused;
    expect(b.slice(0, kept).map((p) => p.etag)).toEqual(a.slice(0, kept).map((p) => p.etag));
    b.slice(0, kept).forEach((p, i) => expect(Buffer.compare(p.bytes, a[i]!.bytes), `page ${i + 1}`).toBe(0));
    // A kept page and a painted page: each one object, named by its ETag's hash.
    expect(edge.r2Has(RENDERS, contentKey(b[kept - 1]!.etag))).toBe(true);
    expect(edge.r2Has(RENDERS, contentKey(b.at(-1)!.etag))).toBe(true);
    expect(b.at(-1)!.etag).not.toBe(a.at(-1)!.etag);
    // Each page's ETag is the SHA-256 of the bytes served.
    for (const p of [b[0]!, b.at(-1)!]) expect(p.etag).toBe(`"${await sha256Hex(new Uint8Array(p.bytes))}"`);
  }, 300_000);
});

// A 1×1 grey PNG: enough for a page object (the route serves stored bytes as they are).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==',
  'base64',
);

describe('renders committed before pages were stored by content', () => {
  it('are served from their per-render keys, with the manifest hash as ETag and 304', async () => {
    const up = await edge.call(key, '/v1/documents', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'A render stored the old way.\n',
    });
    expect([200, 201]).toContain(up.status);
    const doc = ((await up.json()) as { id: string }).id;
    const renderId = 'e'.repeat(64);
    const sha = await sha256Hex(new Uint8Array(PNG));
    const prefix = `t/${TENANT}/renders/${doc}/${renderId}`;
    // The manifest as the edge wrote it before `pageStore`: pages beside it, hashes listed.
    const manifest = {
      textSha256: doc,
      configHash: renderId,
      reflowed: false,
      textTokenizer: { family: 'qwen3', estimate: false },
      profile: 'glm-4.1v',
      chars: 29,
      pages: [{ n: 1, width: 1, height: 1, visualTokens: 1, sha256: sha }],
      totals: { pages: 1, visualTokens: 1, textTokens: 8, ratio: 8 },
      missingGlyphs: { count: 0, codePoints: [] },
      storedAt: '2026-11-01T00:00:00.000Z',
    };
    r2Put(RENDERS, `${prefix}/page-0001.png`, PNG, 'image/png');
    r2Put(RENDERS, `${prefix}/manifest.json`, JSON.stringify(manifest), 'application/json');
    // No object of that hash exists by content: what is served comes from the per-render key.
    expect(edge.r2Has(RENDERS, `t/${TENANT}/pages/${sha}.png`)).toBe(false);

    const path = `/v1/documents/${doc}/renders/${renderId}/pages/1`;
    const res = await edge.call(key, path);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${sha}"`);
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), PNG)).toBe(0);
    const again = await edge.call(key, path, { headers: { 'if-none-match': `"${sha}"` } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(`"${sha}"`);
    expect((await edge.call(key, `/v1/documents/${doc}/renders/${renderId}/pages/2`)).status).toBe(404);
  }, 120_000);
});

type UsageRow = { keyId: string; operation: string; document: string | null };

describe("a conversation's query and decode", () => {
  it('pass one gate and bill once: a key allowed one request a minute gets its answer, billed as one row', async () => {
    const id = await createConversation(key, [
      { role: 'user', content: 'My locker code is 4817 and my cat is called Mirabel.' },
      { role: 'assistant', content: 'Noted: locker 4817, cat Mirabel.' },
    ]);
    const asker = edge.createKey(TENANT, ['--rate-limit', '1']);
    const reader = edge.createKey(TENANT, ['--rate-limit', '1']);
    const query = await edge.call(
      asker.key,
      `/v1/conversations/${id}/query`,
      json({ question: 'What is the cat called?' }),
    );
    expect(query.status, await query.clone().text()).toBe(200);
    const decode = await edge.call(reader.key, `/v1/conversations/${id}/decode`, json({}));
    expect(decode.status, await decode.clone().text()).toBe(200);
    // The limit still holds: the next call of that key is refused, once.
    expect(
      (await edge.call(asker.key, `/v1/conversations/${id}/query`, json({ question: 'And the code?' }))).status,
    ).toBe(429);

    const rowsOf = async (keyId: string): Promise<UsageRow[]> => {
      const usage = (await (await edge.call(key, '/v1/usage')).json()) as { rows: UsageRow[] };
      return usage.rows.filter((r) => r.keyId === keyId);
    };
    await expect.poll(async () => (await rowsOf(asker.keyId)).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await rowsOf(reader.keyId)).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    expect((await rowsOf(asker.keyId)).map((r) => r.operation)).toEqual(['query']);
    expect((await rowsOf(reader.keyId)).map((r) => r.operation)).toEqual(['decode']);
  }, 180_000);
});
