/**
 * The demo in workerd with a real runner: its static assets (wrangler.toml [assets], built from
 * demo/) served with their security headers while /v1 still reaches the Worker; and the layout
 * route it outlines citations with (edge/renders/layout.ts): line boxes of a committed render,
 * per page, tenant-scoped like the page route, and naming the same (page, line) pairs a query's
 * citations do.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CSP } from '../../demo/build/headers.ts';
import { startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

const fixture = readFileSync(new URL('../fixtures/glyph/input.txt', import.meta.url), 'utf8');
const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

interface LayoutBody {
  documentId: string;
  renderId: string;
  lines: {
    page: number;
    line: number;
    box: { x: number; y: number; width: number; height: number };
    source?: { line?: number; pdfPage?: number };
  }[];
}

let runner: RunnerHandle;
let edge: EdgeHandle;
let keyA: string;
let keyB: string;
let base: string;
let view: { documentId: string; renderId: string; pages: { n: number; width: number; height: number }[] };

beforeAll(async () => {
  runner = await startRunner();
  edge = await startEdge({ runners: [runner.url] });
  keyA = edge.createKey('layout-a').key;
  keyB = edge.createKey('layout-b').key;
  const { id } = (await (await edge.call(keyA, '/v1/documents', json({ text: fixture }))).json()) as { id: string };
  view = (await (
    await edge.call(keyA, `/v1/documents/${id}/render`, json({ preset: 'glyph-en' }))
  ).json()) as typeof view;
  base = `/v1/documents/${view.documentId}/renders/${view.renderId}/layout`;
}, 180_000);

afterAll(async () => {
  await edge?.stop();
  await runner?.stop();
});

describe('the demo site in workerd ([assets])', () => {
  it('serves the page and its files with the security headers', async () => {
    const types: Record<string, string> = {
      '/': 'text/html; charset=utf-8',
      '/?key=abc': 'text/html; charset=utf-8',
      '/demo/main.js': 'text/javascript; charset=utf-8',
      '/demo/demo.css': 'text/css; charset=utf-8',
    };
    for (const [path, type] of Object.entries(types)) {
      const res = await fetch(edge.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(type);
      expect(res.headers.get('content-security-policy'), path).toBe(DEMO_CSP);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('etag'), path).toBeTruthy();
      const body = await res.text();
      if (path.startsWith('/?') || path === '/')
        expect(body).toContain('<script type="module" src="/demo/main.js"></script>');
    }
  });

  it('leaves every path that is no file to the Worker', async () => {
    for (const path of ['/demo/nope.js', '/_headers', '/demo/']) {
      const res = await fetch(edge.url + path);
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toEqual({ error: { code: 'not_found', message: 'no such route' } });
    }
    expect((await fetch(`${edge.url}/healthz`)).status).toBe(200);
    // An API route is the Worker's too, key check and all.
    expect((await edge.call(null, '/v1/usage')).status).toBe(401);
  });
});

describe('GET /v1/documents/:id/renders/:renderId/layout', () => {
  it('returns every line box of a committed render, inside its page, and no source offsets', async () => {
    const res = await edge.call(keyA, base);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    const body = (await res.json()) as LayoutBody;
    expect(body).toMatchObject({ documentId: view.documentId, renderId: view.renderId });
    expect(body.lines.length).toBeGreaterThan(10);
    for (const l of body.lines) {
      // `source` (a structured document's source line or PDF page) is a line number, not an offset.
      expect(
        Object.keys(l)
          .filter((key) => key !== 'source')
          .sort(),
      ).toEqual(['box', 'line', 'page']);
      if (l.source) expect(Object.keys(l.source).every((key) => key === 'line' || key === 'pdfPage')).toBe(true);
      const page = view.pages[l.page - 1]!;
      expect(l.box.x).toBeGreaterThanOrEqual(0);
      expect(l.box.y + l.box.height).toBeLessThanOrEqual(page.height);
      expect(l.box.x + l.box.width).toBeLessThanOrEqual(page.width);
    }
    const pageOne = (await (await edge.call(keyA, `${base}?page=1`)).json()) as LayoutBody;
    expect(pageOne.lines).toEqual(body.lines.filter((l) => l.page === 1));
  });

  it('has a box for every line a query cites', async () => {
    const res = await edge.call(
      keyA,
      `/v1/documents/${view.documentId}/query`,
      json({ question: 'What did the wolf put on?', preset: 'glyph-en' }),
    );
    const { citations } = (await res.json()) as { citations: { page: number; line: number }[] };
    expect(citations.length).toBeGreaterThan(0);
    const { lines } = (await (await edge.call(keyA, base)).json()) as LayoutBody;
    for (const c of citations) expect(lines.some((l) => l.page === c.page && l.line === c.line)).toBe(true);
  });

  it('is 404 for another tenant, an unknown render or a page past the end; 400 for a bad page; 401 without a key', async () => {
    const expectError = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    };
    await expectError(await edge.call(keyB, base), 404, 'not_found');
    await expectError(
      await edge.call(keyA, `/v1/documents/${view.documentId}/renders/${'0'.repeat(64)}/layout`),
      404,
      'not_found',
    );
    await expectError(await edge.call(keyA, `${base}?page=${view.pages.length + 1}`), 404, 'not_found');
    await expectError(await edge.call(keyA, `${base}?page=0`), 400, 'invalid_page');
    await expectError(
      await edge.call(keyA, `/v1/documents/${view.documentId}/renders/nope/layout`),
      400,
      'invalid_render_id',
    );
    await expectError(await edge.call(null, base), 401, 'unauthorized');
  });
});
