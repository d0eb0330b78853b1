/**
 * Issue 11 through workerd and a real runner: preset `auto` gives pages fitted to the profile and
 * the resolved config, which asked for again as `config` draws byte-identical pages; reflow on/off
 * changes the page count of hard-wrapped prose and the response says which; gpt-4o's text tokens
 * are the o200k count; a 47-character text does not pay for gpt-4o and compress with passthrough
 * hands it back unchanged without drawing a page; bad preset / reflow / floor are 400s naming the
 * field before any runner call. Every answer is checked against the public schemas.
 */
import { readFileSync } from 'node:fs';
import { encode as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFittedPage } from '../../protocol/profiles.ts';
import { compressedSchema, compressPassthroughSchema } from '../../protocol/public-api/compress.ts';
import { renderViewSchema } from '../../protocol/public-api/render.ts';
import { renderConfigHash, renderConfigSchema, resolveRenderConfig } from '../../protocol/render-config.ts';
import { freePort, startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

const novel = readFileSync(new URL('../fixtures/texts/pride_and_prejudice.txt', import.meta.url), 'utf8');
/** 40 kB of the novel's hard-wrapped prose (70-character lines, blank lines between paragraphs). */
const prose = novel.slice(60_000, 100_000);
const SHORT = 'The quick brown fox jumps over the lazy dog now';

let edge: EdgeHandle;
let runner: RunnerHandle;
let key: string;

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function upload(text: string): Promise<string> {
  const res = await edge.call(key, '/v1/documents', {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: text,
  });
  expect([200, 201]).toContain(res.status);
  return ((await res.json()) as { id: string }).id;
}

async function render(id: string, body: unknown) {
  const res = await edge.call(key, `/v1/documents/${id}/render`, json(body));
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return renderViewSchema.parse(JSON.parse(text));
}

async function etags(id: string, renderId: string, pages: number): Promise<string[]> {
  const tags: string[] = [];
  for (let n = 1; n <= pages; n++) {
    const res = await edge.call(key, `/v1/documents/${id}/renders/${renderId}/pages/${n}`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    tags.push(res.headers.get('etag')!);
  }
  return tags;
}

beforeAll(async () => {
  const port = String(await freePort());
  runner = await startRunner({ GLYPH_RUNNER_PORT: port });
  // A profile's first auto render runs its font search (seconds of OCR on 2 cores): past the 30 s default.
  edge = await startEdge({ runners: [`http://127.0.0.1:${port}`], vars: { RUNNER_TIMEOUT_MS: '240000' } });
  key = edge.createKey('fit').key;
}, 180_000);

afterAll(async () => {
  await runner?.stop();
  await edge?.stop();
});

describe('preset auto', () => {
  it('gpt-4o: fitted pages, the resolved config, o200k text tokens; the config sent back draws the same pages', async () => {
    const id = await upload(prose);
    const view = await render(id, { preset: 'auto', profile: 'gpt-4o' });
    expect(view.pages.length).toBeGreaterThan(1);
    for (const page of view.pages)
      expect(isFittedPage('gpt-4o', page.width, page.height), `${page.width}x${page.height}`).toBe(true);
    const config = renderConfigSchema.parse(view.config);
    expect(view.fit).toMatchObject({ profile: 'gpt-4o', floorMet: true, resizedDown: false });
    expect(view.fit!.fontSize).toBe(config['font-size']);
    expect(view.tokenizer).toEqual({ family: 'o200k', estimate: false });
    expect(view.totals.textTokens).toBe(o200k(prose, { disallowedSpecial: new Set() }).length);
    expect(view.worthIt).toBe(true);

    // The same request is the same render; the config alone is another request with the same pages.
    expect((await render(id, { preset: 'auto', profile: 'gpt-4o' })).renderId).toBe(view.renderId);
    const again = await render(id, { config: view.config, profile: 'gpt-4o' });
    expect(again.renderId).not.toBe(view.renderId);
    expect(again.reflowed).toBe(view.reflowed);
    expect(again.pages.map((p) => [p.width, p.height])).toEqual(view.pages.map((p) => [p.width, p.height]));
    expect(await etags(id, again.renderId, again.pages.length)).toEqual(
      await etags(id, view.renderId, view.pages.length),
    );
  }, 300_000);
});

describe('reflow', () => {
  it('joins hard-wrapped prose: fewer pages with on than off, and reflowed says which', async () => {
    const id = await upload(prose);
    const off = await render(id, { reflow: 'off' });
    const on = await render(id, { reflow: 'on' });
    expect(off.reflowed).toBe(false);
    expect(on.reflowed).toBe(true);
    expect(on.pages.length).toBeLessThan(off.pages.length);
    // reflow off keeps the render id renders had before reflow: the config hash.
    expect(off.renderId).toBe(await renderConfigHash(resolveRenderConfig({})));
    expect(on.renderId).not.toBe(off.renderId);
    // The default (auto) detects the hard wrap.
    const auto = await render(id, {});
    expect(auto.reflowed).toBe(true);
    expect(auto.pages.length).toBe(on.pages.length);
  }, 300_000);
});

describe('pages that do not pay', () => {
  it('a 47-character text on gpt-4o: worthIt false; compress with passthrough returns the text, drawing no page', async () => {
    expect(SHORT.length).toBe(47);
    const rendered = await edge.call(key, '/v1/compress', json({ text: SHORT, profile: 'gpt-4o', preset: 'auto' }));
    expect(rendered.status).toBe(200);
    const view = compressedSchema.parse(await rendered.json());
    expect(view.worthIt).toBe(false);
    expect(view.totals.textTokens).toBe(o200k(SHORT).length);
    expect(view.totals.visualTokens).toBeGreaterThan(view.totals.textTokens);

    const text = `${SHORT.slice(0, 46)}!`;
    const rendersBefore = await runner.requests('/v1/render');
    const res = await edge.call(
      key,
      '/v1/compress',
      json({ text, profile: 'gpt-4o', preset: 'auto', passthrough: true }),
    );
    expect(res.status).toBe(200);
    const passed = compressPassthroughSchema.parse(await res.json());
    expect(passed).toMatchObject({
      passthrough: true,
      worthIt: false,
      text,
      profile: 'gpt-4o',
      rendered: false,
      tokenizer: { family: 'o200k' },
    });
    expect(passed.totals.textTokens).toBe(o200k(text).length);
    expect(passed.document.textTokens).toBeGreaterThan(0);
    expect(await runner.requests('/v1/render')).toBe(rendersBefore);

    // Asked as a text body with query parameters: the same answer.
    const viaQuery = await edge.call(key, '/v1/compress?preset=auto&profile=gpt-4o&passthrough=true', {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: text,
    });
    expect(compressPassthroughSchema.parse(await viaQuery.json()).text).toBe(text);
  }, 300_000);
});

describe('passthrough decided before any page is drawn', () => {
  it('qwen3-vl (Qwen3 family): a text under its cheapest page (64 tokens) comes back with no render', async () => {
    const text = 'Pages cost qwen3-vl at least sixty-four tokens.';
    const rendersBefore = await runner.requests('/v1/render');
    const res = await edge.call(key, '/v1/compress', json({ text, profile: 'qwen3-vl', passthrough: true }));
    expect(res.status).toBe(200);
    const passed = compressPassthroughSchema.parse(await res.json());
    expect(passed).toMatchObject({
      passthrough: true,
      worthIt: false,
      text,
      rendered: false,
      tokenizer: { family: 'qwen3', estimate: false },
    });
    expect(passed.totals.visualTokens).toBe(64);
    expect(passed.totals.textTokens).toBeLessThan(64);
    // The document reports the same Qwen3 count.
    expect(passed.document.textTokens).toBe(passed.totals.textTokens);
    expect(await runner.requests('/v1/render')).toBe(rendersBefore);
  }, 120_000);
});

describe('validation at the edge', () => {
  it('bad preset, reflow, floor: 400 naming the field, no runner asked', async () => {
    const id = await upload('A short document for refusals.');
    const before = await runner.requests('/v1/render');
    const cases: Array<[unknown, string, RegExp]> = [
      [{ preset: 'automatic' }, 'invalid_config', /preset/],
      [{ reflow: 'sometimes' }, 'invalid_config', /^reflow/],
      [{ preset: 'auto', readbackFloor: 0.2 }, 'invalid_config', /^readbackFloor/],
      [{ preset: 'glyph-en', readbackFloor: 0.99 }, 'invalid_config', /readbackFloor/],
      [{ preset: 'auto', config: { 'font-size': 0 } }, 'invalid_config', /^font-size/],
      [{ preset: 'auto', profile: 'gpt-5' }, 'invalid_profile', /profile/],
    ];
    for (const [body, code, message] of cases) {
      const res = await edge.call(key, `/v1/documents/${id}/render`, json(body));
      const error = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect([res.status, error.code], JSON.stringify(body)).toEqual([400, code]);
      expect(error.message).toMatch(message);
    }
    const compress = await edge.call(key, '/v1/compress', json({ text: 'x', passthrough: 'yes' }));
    expect(compress.status).toBe(400);
    expect(await runner.requests('/v1/render')).toBe(before);
  }, 120_000);
});
