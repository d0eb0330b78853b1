/**
 * The gateway's request logic in process (`app.request`), forwarding over real HTTP to the
 * CONTRACT-TEST stand-in upstream (test/edge/gateway-stand-in.ts). Rendering is the one injected
 * part here — a fixed render result with a real PNG per page; test/edge/worker-gateway.test.ts runs
 * the same routes in workerd with real runners.
 */
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../edge/app-env.ts';
import {
  gatewayRoutes,
  type ChatUsage,
  type GatewayDeps,
  type RenderedContext,
} from '../../edge/gateway/chat-completions.ts';
import { GatewayError } from '../../edge/gateway/openai-error.ts';
import { partsJsonCache } from '../../edge/gateway/parts-json.ts';
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import { toBase64 } from '../../protocol/model-payloads.ts';
import { startStandIn, type StandIn } from './gateway-stand-in.ts';

// A 1 × 1 PNG.
const PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
);
const LONG = 'The quick brown fox jumps over the lazy dog. '.repeat(800);
const PROVIDER_KEY = 'sk-provider-secret-123';
const GLYPH_KEY = 'glyph-key-abc';

let standIn: StandIn;
let rendered: string[];
let metered: ChatUsage[];
let pagesFor: (text: string) => number;
let pageReads: number;

const deps: GatewayDeps = {
  authenticate: createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.header('authorization') !== `Bearer ${GLYPH_KEY}`)
      throw new GatewayError(401, 'unauthorized', 'invalid API key');
    c.set('caller', { tenant: 'acme', keyId: 'key_1' });
    await next();
  }),
  readBody: (c) => c.req.text(),
  async render(_c, text, fields) {
    rendered.push(`${fields.preset}/${fields.profile}`);
    const pages = pagesFor(text);
    if (pages > 50) return { kind: 'too_large', pages };
    const context: RenderedContext = {
      // Named as the Worker names them: by the text, and by the render (its page count here).
      documentId: await sha256Hex(text),
      renderId: `auto-${pages}`,
      cached: false,
      textTokens: Math.ceil(text.length / 4),
      pages: Array.from({ length: pages }, (_, i) => ({ n: i + 1, visualTokens: 765 })),
    };
    return { kind: 'rendered', rendered: context };
  },
  async payloadPages(_c, r, delivery) {
    pageReads++;
    return r.pages.map((p) =>
      delivery === 'url'
        ? { n: p.n, url: `https://glyph.example/v1/shared/${r.documentId}/${p.n}?exp=${Date.now()}` }
        : { n: p.n, base64: toBase64(PNG) },
    );
  },
  partsCache: partsJsonCache(),
  meter(_c, usage) {
    metered.push(usage);
  },
};

const app = new Hono<AppEnv>().route('/v1/chat', gatewayRoutes(deps));

function call(body: unknown, init: { env?: Record<string, string>; headers?: Record<string, string> } = {}) {
  return app.request(
    '/v1/chat/completions',
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${GLYPH_KEY}`,
        'content-type': 'application/json',
        'x-upstream-authorization': PROVIDER_KEY,
        ...init.headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
    { UPSTREAM_BASE_URL: standIn.baseUrl, ...init.env },
  );
}

beforeAll(async () => {
  standIn = await startStandIn();
});
afterAll(async () => {
  await standIn.stop();
});
beforeEach(() => {
  standIn.requests.length = 0;
  rendered = [];
  metered = [];
  pagesFor = (text) => Math.ceil(text.length / 4000);
  pageReads = 0;
  deps.partsCache.clear();
});

describe('POST /v1/chat/completions (in process)', () => {
  it('replaces the long part with PNG pages, keeps the question and short parts as text, relays the answer', async () => {
    const res = await call({
      model: 'gpt-4o-mini',
      temperature: 0,
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Context follows.' },
            { type: 'text', text: LONG },
          ],
        },
        { role: 'user', content: 'What does the fox do?' },
      ],
    });
    expect(res.status).toBe(200);
    const pages = Math.ceil(LONG.length / 4000);
    expect(res.headers.get('x-glyph-pages')).toBe(String(pages));
    expect(res.headers.get('x-glyph-visual-tokens')).toBe(String(765 * pages));
    expect(res.headers.get('x-glyph-text-tokens')).toBe(String(Math.ceil(LONG.length / 4)));
    expect(res.headers.get('x-request-id')).toBe('standin-1');
    expect((await res.json()).choices[0].message.content).toBe(`saw ${pages} pages and 4 texts`);

    const got = standIn.requests[0]!;
    expect(got.body.temperature).toBe(0);
    expect(got.images).toHaveLength(pages);
    expect(got.images.every((i) => i.via === 'inline' && i.isPng)).toBe(true);
    expect(got.texts).toContain('Be brief.');
    expect(got.texts).toContain('Context follows.');
    expect(got.texts.at(-1)).toBe('What does the fox do?');
    expect(got.texts.some((t) => t.includes('quick brown fox'))).toBe(false);
    expect(rendered).toEqual(['auto/gpt-4o']);
    expect(metered).toEqual([
      {
        documents: [await sha256Hex(LONG)],
        pages,
        textTokens: Math.ceil(LONG.length / 4),
        visualTokens: 765 * pages,
        cached: false,
      },
    ]);
  });

  it('sends the provider key as Authorization and the glyphgate key nowhere', async () => {
    await call({ model: 'gpt-4o', messages: [{ role: 'user', content: `${LONG}\n\nSummarize.` }] });
    const got = standIn.requests[0]!;
    expect(got.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    const everything = JSON.stringify(got.headers) + got.rawBody;
    expect(everything).not.toContain(GLYPH_KEY);
    expect(got.headers['x-upstream-authorization']).toBeUndefined();
    expect(got.texts.at(-1)).toBe('Summarize.');
  });

  it('falls back to UPSTREAM_API_KEY; a request with no long part goes upstream byte for byte', async () => {
    const raw = '{"model":"claude-3-5-sonnet","messages":[{"role":"user","content":"hi"}],  "max_tokens":5}';
    const res = await call(raw, {
      env: { UPSTREAM_API_KEY: 'sk-from-secret' },
      headers: { 'x-upstream-authorization': '' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-glyph-pages')).toBe('0');
    expect(standIn.requests[0]!.rawBody).toBe(raw);
    expect(standIn.requests[0]!.headers.authorization).toBe('Bearer sk-from-secret');
    expect(rendered).toEqual([]);
  });

  it('x-glyph-profile overrides the model name', async () => {
    await call(
      { model: 'my-finetune', messages: [{ role: 'user', content: LONG }] },
      { headers: { 'x-glyph-profile': 'qwen3-vl' } },
    );
    expect(rendered).toEqual(['auto/qwen3-vl']);
  });

  it("a repeated context's inline parts come from the parts cache, exactly as an uncached request sends them", async () => {
    const body = (question: string) => ({
      model: 'gpt-4o',
      temperature: 0.5,
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Intro.' },
            { type: 'text', text: LONG },
          ],
        },
        { role: 'user', content: `${LONG} (twice)\n\n${question}` },
      ],
    });
    await call(body('First?'));
    expect(pageReads).toBe(2); // two contexts, each read and serialized once
    await call(body('Second?'));
    await call(body('First?'));
    expect(pageReads).toBe(2); // both served from the cache
    const [uncached, second, cached] = standIn.requests;
    expect(cached!.rawBody).toBe(uncached!.rawBody);
    expect(second!.texts.at(-1)).toBe('Second?');
    expect(second!.images).toHaveLength(uncached!.images.length);
    // And byte for byte what a cold isolate would send for the same request.
    deps.partsCache.clear();
    await call(body('First?'));
    expect(pageReads).toBe(4);
    expect(standIn.requests[3]!.rawBody).toBe(cached!.rawBody);
    // Another tenant's identical context is not served from this one's entry.
    expect([...deps.partsCache.keys()].every((k) => k.startsWith('acme\n'))).toBe(true);
  });

  it('never keeps URL parts (their URLs expire)', async () => {
    const env = { UPSTREAM_IMAGE_DELIVERY: 'url' };
    for (let i = 0; i < 2; i++) {
      const res = await call({ model: 'gpt-4o', messages: [{ role: 'user', content: LONG }] }, { env });
      // (The stand-in cannot fetch these made-up URLs; what counts is what the gateway sent.)
      expect(Number(res.headers.get('x-glyph-pages'))).toBeGreaterThan(1);
    }
    expect(pageReads).toBe(2);
    expect(deps.partsCache.size).toBe(0);
  });

  it('keeps the text when the rendered pages would cost more than it', async () => {
    pagesFor = () => 40; // 40 × 765 tokens > the text's 9 000
    const res = await call({ model: 'gpt-4o', messages: [{ role: 'user', content: LONG }] });
    expect(res.headers.get('x-glyph-pages')).toBe('0');
    expect(standIn.requests[0]!.texts).toEqual([LONG]);
  });

  it('streams the upstream SSE through chunk by chunk', async () => {
    const res = await call({
      model: 'gpt-4o',
      stream: true,
      metadata: { standIn: 'hold' },
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    // The stand-in holds the rest until released: this chunk can only have come through unbuffered.
    expect(first).toContain('"content":"pages "');
    standIn.release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toContain('"content":"read"');
    expect(rest.trim().endsWith('data: [DONE]')).toBe(true);
  });
});

describe('errors in OpenAI shape', () => {
  const shape = {
    error: {
      message: expect.any(String),
      type: expect.any(String),
      param: expect.anything(),
      code: expect.any(String),
    },
  };

  it('503 upstream_not_configured without UPSTREAM_BASE_URL', async () => {
    const res = await call(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
      { env: { UPSTREAM_BASE_URL: '' } },
    );
    expect(res.status).toBe(503);
    expect((await res.json()).error).toMatchObject({ code: 'upstream_not_configured', type: 'server_error' });
  });

  it('400 for a malformed body, an unmapped model, a bad profile header', async () => {
    for (const [body, param] of [
      ['{"model":', null],
      [{ model: 'gpt-4o' }, 'messages'],
      [{ model: 'llama-3', messages: [{ role: 'user', content: 'x' }] }, 'model'],
    ] as const) {
      const res = await call(body);
      expect(res.status).toBe(400);
      const json = await res.json();
      expect(json).toMatchObject({ error: { type: 'invalid_request_error', param } });
    }
    const res = await call(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
      { headers: { 'x-glyph-profile': 'nope' } },
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('x-glyph-profile');
    expect(standIn.requests).toHaveLength(0);
  });

  it('401 in OpenAI shape for a bad glyphgate key', async () => {
    const res = await call(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
      { headers: { authorization: 'Bearer wrong' } },
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: 'authentication_error', code: 'unauthorized' } });
  });

  it('413 naming the limit when the context is too large even as pages', async () => {
    const res = await call(
      { model: 'gpt-4o', messages: [{ role: 'user', content: LONG }] },
      { env: { GATEWAY_MAX_PAGES: '1' } },
    );
    expect(res.status).toBe(413);
    const json = await res.json();
    expect(json).toMatchObject(shape);
    expect(json.error.message).toMatch(/limit of 1 pages per request \(GATEWAY_MAX_PAGES\)/);
    expect(rendered).toEqual([]); // refused from the estimate, before any render

    pagesFor = () => 60; // the renderer reports more than it will take
    const res2 = await call({ model: 'gpt-4o', messages: [{ role: 'user', content: LONG }] });
    expect(res2.status).toBe(413);
    expect(standIn.requests).toHaveLength(0);
  });

  it('relays an upstream error with its status, body and headers', async () => {
    const res = await call({
      model: 'gpt-4o',
      metadata: { standIn: 'error-429' },
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(await res.json()).toEqual({
      error: {
        message: 'Rate limit reached (stand-in)',
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
  });

  it('504 when the upstream does not answer in time; 502 when it cannot be reached', async () => {
    const slow = await call(
      { model: 'gpt-4o', metadata: { standIn: 'slow' }, messages: [{ role: 'user', content: 'x' }] },
      { env: { UPSTREAM_TIMEOUT_MS: '300' } },
    );
    expect(slow.status).toBe(504);
    expect((await slow.json()).error.code).toBe('upstream_timeout');
    const gone = await call(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
      { env: { UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1' } },
    );
    expect(gone.status).toBe(502);
    const body = await gone.json();
    expect(body.error.code).toBe('upstream_unreachable');
    expect(JSON.stringify(body)).not.toContain(PROVIDER_KEY);
  });
});
