/**
 * `POST /v1/chat/completions` end to end: the official `openai` npm SDK as the client, the real
 * Worker in workerd (wrangler dev --local, local R2/D1/DO) with a real runner process, and as the
 * upstream the CONTRACT-TEST stand-in of an OpenAI-compatible API (test/edge/gateway-stand-in.ts:
 * a model cannot run here), which records exactly what it receives. Pages go inline (the default
 * delivery); worker-page-urls.test.ts covers URL delivery.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, STREAM_WORDS, type StandIn } from './gateway-stand-in.ts';
import { startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

const novel = readFileSync(new URL('../fixtures/texts/pride_and_prejudice.txt', import.meta.url), 'utf8');
// ~40 kB of the novel: long enough that pages pay for every profile, quick to render.
const CONTEXT = novel.slice(20_000, 60_000);
// Another 40 kB, rendered first by the repeated-context test.
const OTHER_CONTEXT = novel.slice(120_000, 160_000);
const QUESTION = 'Who is the single man in possession of a good fortune?';
const PROVIDER_KEY = `sk-provider-${crypto.randomUUID()}`;

let runner: RunnerHandle;
let edge: EdgeHandle;
let standIn: StandIn;
let glyphKey: string;
let client: OpenAI;

beforeAll(async () => {
  standIn = await startStandIn();
  runner = await startRunner();
  edge = await startEdge({
    runners: [runner.url],
    // A profile's first auto render waits for its fit search: past the 30 s default runner timeout.
    vars: { UPSTREAM_BASE_URL: standIn.baseUrl, GATEWAY_MAX_PAGES: '40', RUNNER_TIMEOUT_MS: '240000' },
    // `log`: wrangler's request lines and every console line of the Worker, for the log scan below.
    logLevel: 'log',
  });
  glyphKey = edge.createKey('acme').key;
  client = new OpenAI({
    apiKey: glyphKey,
    baseURL: `${edge.url}/v1`,
    defaultHeaders: { 'x-upstream-authorization': PROVIDER_KEY },
    maxRetries: 0,
  });
  // Warm the fit searches with another text, so no test below waits on one (or finds its own
  // context already rendered).
  for (const profile of PROFILES_USED) {
    const res = await edge.call(glyphKey, '/v1/compress', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: novel.slice(100_000, 104_000), preset: 'auto', profile }),
    });
    expect(res.status, profile).toBe(200);
  }
}, 480_000);

afterAll(async () => {
  await edge?.stop();
  await runner?.stop();
  await standIn?.stop();
});

// The profile the tests below map to (gpt-4o*, gpt-4.1*). The runner fits preset `auto` per profile
// on its first such render (test runners start with GLYPH_FIT_WARM=off): tens of seconds on CPU.
const PROFILES_USED = ['gpt-4o'] as const;

/** The PNGs of the keyed page route for `text` rendered as the gateway renders it. */
async function keyedPages(text: string, profile: string): Promise<Uint8Array[]> {
  const res = await edge.call(glyphKey, '/v1/compress', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text, preset: 'auto', profile }),
  });
  expect(res.status).toBe(200);
  const view = (await res.json()) as { pages: { url: string }[] };
  return Promise.all(
    view.pages.map(
      async (p) => new Uint8Array(await (await edge.call(glyphKey, new URL(p.url).pathname)).arrayBuffer()),
    ),
  );
}

describe('the gateway with the openai SDK (inline pages)', () => {
  it('sends the long part as PNG pages of that text, the short parts and the question as text, the provider key only upstream', async () => {
    const before = await runner.requests('/v1/render');
    const { data, response } = await client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Answer from the document.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Here is a novel excerpt.' },
              { type: 'text', text: CONTEXT },
            ],
          },
          { role: 'user', content: QUESTION },
        ],
      })
      .withResponse();
    const pages = Number(response.headers.get('x-glyph-pages'));
    expect(pages).toBeGreaterThan(1);
    expect(Number(response.headers.get('x-glyph-visual-tokens'))).toBeLessThan(
      Number(response.headers.get('x-glyph-text-tokens')),
    );
    expect(data.choices[0]!.message.content).toBe(`saw ${pages} pages and 4 texts`);
    expect(await runner.requests('/v1/render')).toBe(before + 1);

    const got = standIn.requests.at(-1)!;
    expect(got.images).toHaveLength(pages);
    expect(got.images.every((i) => i.via === 'inline' && i.isPng)).toBe(true);
    // Pages of that very text: byte for byte the keyed route's pages of the same render.
    const expected = await keyedPages(CONTEXT, 'gpt-4o');
    expect(got.images.map((i) => Buffer.from(i.bytes).toString('base64'))).toEqual(
      expected.map((b) => Buffer.from(b).toString('base64')),
    );
    expect(got.texts).toEqual([
      'Answer from the document.',
      'Here is a novel excerpt.',
      expect.stringMatching(/pages, in order/),
      QUESTION,
    ]);
    expect(got.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    const everything = JSON.stringify(got.headers) + got.rawBody;
    expect(everything).not.toContain(glyphKey);
    expect(everything).not.toContain('x-upstream-authorization');
  });

  it('renders a repeated long context once (the second call is served from the render cache)', async () => {
    const ask = () =>
      client.chat.completions
        .create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `${OTHER_CONTEXT}\n\n${QUESTION}` }] })
        .withResponse();
    const first = await ask();
    expect(Number(first.response.headers.get('x-glyph-pages'))).toBeGreaterThan(1);
    const renders = await runner.requests('/v1/render');
    const second = await ask();
    expect(await runner.requests('/v1/render')).toBe(renders);
    expect(second.response.headers.get('x-glyph-pages')).toBe(first.response.headers.get('x-glyph-pages'));
    const [a, b] = standIn.requests.slice(-2);
    expect(b!.rawBody).toBe(a!.rawBody);
    expect(b!.texts.at(-1)).toBe(QUESTION);
  });

  it('streams the upstream SSE through chunk by chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      metadata: { standIn: 'hold' },
      // A leading BOM (as files from Project Gutenberg have) is dropped, as an upload's is.
      messages: [{ role: 'user', content: `\ufeff${CONTEXT}\n\n${QUESTION}` }],
    });
    const words: string[] = [];
    for await (const chunk of stream) {
      words.push(chunk.choices[0]?.delta.content ?? '');
      // The stand-in sends the rest only once released: the first chunk got here unbuffered.
      if (words.length === 1) standIn.release();
    }
    expect(words.join('')).toBe(STREAM_WORDS.join(''));
    expect(standIn.requests.at(-1)!.images.length).toBeGreaterThan(1);
  });

  it('relays upstream errors with their status, and answers its own in OpenAI shape', async () => {
    const rateLimited = await client.chat.completions
      .create({ model: 'gpt-4o', metadata: { standIn: 'error-429' }, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((rateLimited as InstanceType<typeof OpenAI.APIError>).code).toBe('rate_limit_exceeded');

    const huge = novel.slice(0, 400_000);
    const tooLarge = (await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: huge }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.code).toBe('context_too_large');
    expect(tooLarge.message).toMatch(/GATEWAY_MAX_PAGES/);

    const badModel = (await client.chat.completions
      .create({ model: 'llama-3', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(badModel).toBeInstanceOf(OpenAI.BadRequestError);
    expect(badModel.param).toBe('model');

    const wrongKey = new OpenAI({ apiKey: 'not-a-glyphgate-key', baseURL: `${edge.url}/v1`, maxRetries: 0 });
    expect(
      await wrongKey.chat.completions
        .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e),
    ).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('meters each call as operation chat, with text and visual tokens', async () => {
    await new Promise((r) => setTimeout(r, 500)); // usage rows are written just after the response
    const res = await edge.call(glyphKey, '/v1/usage');
    const usage = (await res.json()) as {
      rows: { operation: string; pages: number; textTokens: number; visualTokens: number; cacheHit: boolean }[];
    };
    const chats = usage.rows.filter((r) => r.operation === 'chat');
    expect(chats.length).toBeGreaterThanOrEqual(4);
    expect(chats.some((r) => r.pages > 1 && r.textTokens > r.visualTokens && r.cacheHit)).toBe(true);
  });

  it('keeps the provider key out of the logs, R2, D1 and every other file of the local state', () => {
    expect(edge.log()).not.toBe('');
    expect(edge.log()).not.toContain(PROVIDER_KEY);
    const needle = Buffer.from(PROVIDER_KEY);
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(edge.persistDir);
    expect(files.some((f) => f.includes(join('v3', 'r2')))).toBe(true);
    expect(files.some((f) => f.includes(join('v3', 'd1')))).toBe(true);
    for (const file of files) expect(readFileSync(file).includes(needle), file).toBe(false);
    // The context itself was stored (as the tenant's document): the scan reads what R2 holds.
    expect(files.some((f) => readFileSync(f).includes(Buffer.from(CONTEXT.slice(0, 200))))).toBe(true);
  });
});
