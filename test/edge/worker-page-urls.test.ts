/**
 * Key-free page URLs and model payloads through the real Worker in workerd with a real runner:
 * `urlTtl` / `format` on compress and render, the shared page route's refusals (expired, tampered,
 * another page, render or tenant → the same 403), the same bytes and ETag as the keyed route; and
 * the gateway delivering pages by URL to the CONTRACT-TEST stand-in upstream
 * (test/edge/gateway-stand-in.ts), which fetches them with no key as a provider would.
 */
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedPageUrl, signGrant } from '../../edge/page-urls/capability.ts';
import { startStandIn, type StandIn } from './gateway-stand-in.ts';
import { startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

const novel = readFileSync(new URL('../fixtures/texts/pride_and_prejudice.txt', import.meta.url), 'utf8');
const TEXT = novel.slice(100_000, 112_000);
const SECRET = `page-url-secret-${crypto.randomUUID()}`;

let runner: RunnerHandle;
let edge: EdgeHandle;
let standIn: StandIn;
let key: string;
let otherKey: string;

type Page = { n: number; url: string; sharedUrl?: string };
type Compressed = {
  documentId: string;
  renderId: string;
  pages: Page[];
  sharedUrls?: { via: string; expiresAt: string };
  payload?: { format: string; imageDelivery: string; parts: Record<string, unknown>[] };
};

beforeAll(async () => {
  standIn = await startStandIn();
  runner = await startRunner();
  edge = await startEdge({
    runners: [runner.url],
    // The gateway renders with preset auto: a profile's first render waits for the runner's
    // font-size search, longer than the default 30 s runner deadline on this machine.
    vars: {
      PAGE_URL_SECRET: SECRET,
      UPSTREAM_BASE_URL: standIn.baseUrl,
      UPSTREAM_IMAGE_DELIVERY: 'url',
      RUNNER_TIMEOUT_MS: '240000',
    },
  });
  key = edge.createKey('acme').key;
  otherKey = edge.createKey('globex').key;
});

afterAll(async () => {
  await edge?.stop();
  await runner?.stop();
  await standIn?.stop();
});

async function compress(body: Record<string, unknown>, as = key): Promise<Compressed> {
  const res = await edge.call(as, '/v1/compress', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: TEXT, ...body }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Compressed;
}

/** GET without any key, as a model provider fetches. */
const fetchBare = (url: string, init?: RequestInit) => fetch(url, init);

describe('key-free page URLs', () => {
  let view: Compressed;
  beforeAll(async () => {
    view = await compress({ urlTtl: 600 });
  });

  it('each page gets a sharedUrl that serves the same bytes and ETag as the keyed route, with no key', async () => {
    expect(view.sharedUrls!.via).toBe('worker');
    const expires = Date.parse(view.sharedUrls!.expiresAt);
    expect(expires - Date.now()).toBeGreaterThan(590_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(601_000);
    for (const page of view.pages.slice(0, 2)) {
      const keyed = await edge.call(key, new URL(page.url).pathname);
      const shared = await fetchBare(page.sharedUrl!);
      expect(shared.status).toBe(200);
      expect(shared.headers.get('content-type')).toBe('image/png');
      expect(shared.headers.get('etag')).toBe(keyed.headers.get('etag'));
      expect(Buffer.from(await shared.arrayBuffer()).equals(Buffer.from(await keyed.arrayBuffer()))).toBe(true);
      const again = await fetchBare(page.sharedUrl!, { headers: { 'if-none-match': shared.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
  });

  it('refuses expired, tampered and re-targeted URLs with one 403 that tells nothing', async () => {
    const good = new URL(view.pages[0]!.sharedUrl!);
    const grant = { tenant: 'acme', documentId: view.documentId, renderId: view.renderId, n: 1 };
    const now = Math.floor(Date.now() / 1000);
    const expired = await signedPageUrl(edge.url, SECRET, { ...grant, expires: now - 5 });
    const tampered = new URL(good);
    const sig = tampered.searchParams.get('signature')!;
    tampered.searchParams.set('signature', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    const later = new URL(good);
    later.searchParams.set('expires', String(Number(later.searchParams.get('expires')) + 3600));
    const swap = (from: string, to: string) => new URL(good.href.replace(from, to));
    const otherPage = swap('/pages/1?', '/pages/2?');
    const otherRender = swap(view.renderId, 'f'.repeat(64));
    const otherTenant = swap('/v1/shared/acme/', '/v1/shared/globex/');
    const missingPage = swap('/pages/1?', '/pages/999?');
    const noSignature = new URL(good.origin + good.pathname);
    const bodies = new Set<string>();
    for (const url of [expired, tampered, later, otherPage, otherRender, otherTenant, missingPage, noSignature]) {
      const res = await fetchBare(url.toString());
      expect(res.status, url.toString()).toBe(403);
      bodies.add(await res.text());
    }
    expect([...bodies]).toEqual([
      JSON.stringify({ error: { code: 'invalid_page_url', message: 'this page URL is not valid, or has expired' } }),
    ]);
  });

  it("one tenant's signature does not open the same page of another tenant", async () => {
    // globex renders the same text: same document and render ids, its own copy.
    const theirs = await compress({ urlTtl: 60 }, otherKey);
    expect(theirs.renderId).toBe(view.renderId);
    const forged = await signedPageUrl(edge.url, SECRET, {
      tenant: 'globex',
      documentId: view.documentId,
      renderId: view.renderId,
      n: 1,
      expires: Math.floor(Date.now() / 1000) + 60,
    });
    expect(new URL(forged).pathname).toBe(new URL(theirs.pages[0]!.sharedUrl!).pathname);
    // …and the signature of acme's URL does not open globex's page.
    const acmeSig = new URL(view.pages[0]!.sharedUrl!).searchParams.get('signature')!;
    const expires = new URL(view.pages[0]!.sharedUrl!).searchParams.get('expires')!;
    const res = await fetchBare(`${edge.url}${new URL(forged).pathname}?expires=${expires}&signature=${acmeSig}`);
    expect(res.status).toBe(403);
    expect(
      await signGrant(SECRET, {
        tenant: 'acme',
        documentId: view.documentId,
        renderId: view.renderId,
        n: 1,
        expires: Number(expires),
      }),
    ).toBe(acmeSig);
  });

  it('caps urlTtl at seven days', async () => {
    const res = await edge.call(key, '/v1/compress', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: TEXT, urlTtl: 604_801 }),
    });
    expect(res.status).toBe(400);
  });
});

describe('model-ready payloads', () => {
  it('format openai: an instruction, then image_url parts by sharedUrl in page order', async () => {
    const view = await compress({ format: 'openai', profile: 'gpt-4o' });
    expect(view.payload!.format).toBe('openai');
    expect(view.payload!.imageDelivery).toBe('url');
    expect(view.payload!.parts[0]).toMatchObject({ type: 'text' });
    expect(view.payload!.parts.slice(1)).toEqual(
      view.pages.map((p) => ({ type: 'image_url', image_url: { url: p.sharedUrl, detail: 'high' } })),
    );
    expect(view.sharedUrls!.via).toBe('worker');
  });

  it('format anthropic inline: base64 PNGs of the pages; gemini by URL: file_data parts', async () => {
    const inline = await compress({ format: 'anthropic', imageDelivery: 'inline' });
    expect(inline.sharedUrls).toBeUndefined();
    const images = inline.payload!.parts.slice(1) as {
      type: string;
      source: { type: string; media_type: string; data: string };
    }[];
    expect(images).toHaveLength(inline.pages.length);
    const keyed = Buffer.from(await (await edge.call(key, new URL(inline.pages[0]!.url).pathname)).arrayBuffer());
    expect(images[0]!.source).toEqual({ type: 'base64', media_type: 'image/png', data: keyed.toString('base64') });

    const res = await edge.call(key, `/v1/documents/${inline.documentId}/render`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'gemini' }),
    });
    const gemini = (await res.json()) as Compressed;
    expect(gemini.payload!.parts[1]).toEqual({
      file_data: { mime_type: 'image/png', file_uri: gemini.pages[0]!.sharedUrl },
    });
  });
});

describe('the gateway delivering pages by URL', () => {
  it('the upstream fetches each page by its key-free URL and gets PNGs', { timeout: 300_000 }, async () => {
    const client = new OpenAI({
      apiKey: key,
      baseURL: `${edge.url}/v1`,
      defaultHeaders: { 'x-upstream-authorization': 'sk-test' },
      maxRetries: 0,
    });
    const { response } = await client.chat.completions
      .create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `${TEXT}\n\nWho speaks first?` }] })
      .withResponse();
    const got = standIn.requests.at(-1)!;
    expect(got.images.length).toBe(Number(response.headers.get('x-glyph-pages')));
    expect(got.images.length).toBeGreaterThan(0);
    for (const image of got.images) {
      expect(image.via).toBe('url');
      expect(image.url).toMatch(/\/v1\/shared\/acme\//);
      expect(image.status).toBe(200);
      expect(image.isPng).toBe(true);
    }
    expect(got.rawBody).not.toContain(key);
  });
});
