/**
 * Attacks on the runner (issue 6, item 2), runner side:
 * - no runner secret, VLM API key or document text in its logs, whatever the request does;
 * - no fetch of a URL a request carries (SSRF): there is no such field, and URL-looking values
 *   anywhere are inert;
 * - every regular expression applied to request-controlled strings runs in linear time.
 *
 * Not here: constant-time signature comparison, covered where it lives — `verifySignature`
 * compares through `crypto.subtle.verify` (protocol/signing.ts), and test/protocol/signing.test.ts
 * pins every 401 case. Disk-cache paths cannot escape the cache root: every tier refuses a fixed
 * list of path-escaping keys in test/gpu-runner/cache.test.ts, and cache-key-properties.test.ts
 * fuzzes the keys requests get and the key validator.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citeAnswer } from '../../gpu-runner/answer/citations.ts';
import { documentIndex, foldWhitespace } from '../../gpu-runner/answer/document-index.ts';
import { tokenize } from '../../gpu-runner/answer/tokenize.ts';
import { parseRenderCacheKey } from '../../gpu-runner/cache/key.ts';
import { S3RenderTier } from '../../gpu-runner/cache/s3-tier.ts';
import { normalizeForComparison } from '../../gpu-runner/ocr/accuracy.ts';
import { resolveRenderConfig } from '../../protocol/render-config.ts';
import { isWellFormedText } from '../../protocol/runner-api.ts';
import { NonceStore, parseRunnerKeys, signedFetch, verifySignature } from '../../protocol/signing.ts';
import { splitAtTokenBoundaries } from '../../gpu-runner/tokens/text-tokens.ts';
import { countTextTokens } from '../../gpu-runner/tokens/qwen3.ts';
import { KEY, readMultipart, signed, startRunner, type RunnerProcess } from './runner-harness.ts';
import { expectError, rawHttp } from './runner-probes.ts';

/** Distinctive values: any of them in a log line is a leak. */
const RUNNER_SECRET = `runner-secret-${randomBytes(12).toString('hex')}`;
const VLM_API_KEY = `vlm-key-${randomBytes(12).toString('hex')}`;
const PHRASE = `Quixotic-Zebra-${randomBytes(6).toString('hex')}`;
const ROTATED = { keyId: 'rotated', secret: RUNNER_SECRET } as const;

/** A local HTTP server that records every request it gets and answers with `reply`. */
interface Recorder {
  url: string;
  hits: Array<{ method: string; url: string; body: string; authorization?: string }>;
  server: Server;
}

async function recorder(
  reply: (hit: Recorder['hits'][number]) => { status: number; body: unknown },
): Promise<Recorder> {
  const hits: Recorder['hits'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const hit = { method: req.method ?? '', url: req.url ?? '', body, authorization: req.headers.authorization };
      hits.push(hit);
      const { status, body: out } = reply(hit);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

/** The text parts of a chat-completions request (the question; the pages are images). */
function questionOf(body: string): string {
  const request = JSON.parse(body) as { messages: Array<{ content: Array<{ type: string; text?: string }> }> };
  return request.messages.flatMap((m) => m.content.filter((p) => p.type === 'text').map((p) => p.text)).join(' ');
}

const closeServer = (server: Server | undefined) =>
  new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

/** Renders (signed with the harness key) and reads the whole multipart answer. */
async function renderAll(runner: RunnerProcess, body: unknown): Promise<number> {
  const response = await signed(runner.url, '/v1/render', body);
  if (response.status === 200) await readMultipart(response, 100_000);
  else await response.arrayBuffer();
  return response.status;
}

describe('logs hold no secret, key or document text', () => {
  let runner: RunnerProcess;
  let vlm: Recorder;

  beforeAll(async () => {
    // A VLM that refuses every request and quotes it back: the question and the Authorization
    // header come back in its error message, as some servers do.
    vlm = await recorder((hit) => ({
      status: 400,
      body: { error: { message: `cannot answer "${questionOf(hit.body)}" (${hit.authorization ?? 'no auth'})` } },
    }));
    runner = await startRunner({
      GLYPH_RUNNER_KEYS: `${KEY.keyId}:${KEY.secret},${ROTATED.keyId}:${ROTATED.secret}`,
      GLYPH_ANSWER_BACKEND: 'openai',
      GLYPH_VLM_URL: `${vlm.url}/v1`,
      GLYPH_VLM_API_KEY: VLM_API_KEY,
      GLYPH_MAX_BODY_MB: '1',
      // A cache directory that is a file: every cache write fails and is logged.
      GLYPH_CACHE_DIR: path.join(process.cwd(), 'package.json'),
    });
  });

  afterAll(async () => {
    await runner?.stop();
    await closeServer(vlm?.server);
  });

  it('after renders, answers and failures of every kind that carry them', async () => {
    const text = `The ${PHRASE} said: "${PHRASE} is here." ${'Filler words for a second page. '.repeat(600)}`;
    const post = (route: string, body: unknown, contentType?: string) =>
      signed(runner.url, route, body, contentType ? { contentType } : {}).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });

    // Signed with the rotated key too: its secret is in use, and still must not be logged.
    const rotated = await signedFetch(
      {
        url: `${runner.url}/v1/render`,
        method: 'POST',
        body: JSON.stringify({ text }),
        headers: { 'content-type': 'application/json' },
      },
      ROTATED,
    );
    expect(rotated.status).toBe(200);
    await readMultipart(rotated);
    expect(await renderAll(runner, { text, firstPage: 2 })).toBe(200);
    expect(await post('/v1/decode', { text, sample: 2 })).toBe(200);
    // The VLM refuses and quotes the question and the key back: a 502 the runner logs.
    expect(await post('/v1/answer', { text, question: `Where is ${PHRASE}?` })).toBe(502);
    expect(await post('/v1/answer', { text, question: `Where is ${PHRASE}?`, stream: true })).toBe(502);
    expect(vlm.hits.length).toBeGreaterThanOrEqual(2);
    expect(vlm.hits[0]!.authorization).toBe(`Bearer ${VLM_API_KEY}`);

    // Refusals that carry the phrase in every place a request can.
    expect(await post('/v1/render', { text, config: { 'font-color': PHRASE } })).toBe(400);
    expect(await post('/v1/render', { text, config: { [PHRASE]: 1 } })).toBe(400);
    expect(await post('/v1/render', { text, [PHRASE]: true })).toBe(400);
    expect(await post('/v1/render', { text, preset: PHRASE, profile: PHRASE })).toBe(400);
    expect(await post('/v1/render', `{"text":"${PHRASE}`)).toBe(400);
    expect(
      await post(
        '/v1/render',
        new TextEncoder().encode(`{"text":"${PHRASE}\u00ff"}`).map((b) => (b === 0xc3 ? 0xff : b)),
      ),
    ).toBe(400);
    expect(await post('/v1/render', { text: PHRASE }, 'text/plain')).toBe(415);
    expect(await post('/v1/render', { text: `${PHRASE} ${'x'.repeat(1024 * 1024)}` })).toBe(413);
    expect(await post('/v1/render', { text, firstPage: 99 })).toBe(400);
    expect(await post(`/v1/${PHRASE}`, { text })).toBe(404);
    const unsigned = await fetch(`${runner.url}/v1/render`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-glyph-key-id': PHRASE },
      body: JSON.stringify({ text }),
    });
    expect(unsigned.status).toBe(401);
    const forged = await signedFetch(
      {
        url: `${runner.url}/v1/render`,
        method: 'POST',
        body: JSON.stringify({ text }),
        headers: { 'content-type': 'application/json' },
      },
      { keyId: KEY.keyId, secret: PHRASE },
    );
    expect(forged.status).toBe(401);

    // A client that leaves mid-stream.
    const leaving = await signed(runner.url, '/v1/render', { text: `${text} ${'More filler. '.repeat(20_000)}` });
    const reader = leaving.body!.getReader();
    await reader.read();
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 500));

    const logs = runner.output();
    if (process.env.SHOW_RUNNER_LOGS) console.log(logs);
    // The logs are there (start-up, cache faults, the 502), so their silence below means something.
    expect(logs).toMatch(/listening on/);
    expect(logs).toMatch(/render cache/);
    expect(logs).toMatch(/request failed/);
    for (const secret of [RUNNER_SECRET, KEY.secret, VLM_API_KEY, PHRASE, PHRASE.slice(0, 14), 'Filler words']) {
      expect(logs.includes(secret), `"${secret}" in the runner's logs:\n${logs}`).toBe(false);
    }
  });
});

describe('no fetch of a URL a request supplies (SSRF)', () => {
  let runner: RunnerProcess;
  let target: Recorder;

  beforeAll(async () => {
    target = await recorder(() => ({ status: 200, body: { stolen: true } }));
    runner = await startRunner();
  });

  afterAll(async () => {
    await runner?.stop();
    await closeServer(target?.server);
  });

  it('URL-looking values in config, text, question, headers and the request target are never fetched', async () => {
    // The recorder works: a hit from here is seen (then forgotten).
    await (await fetch(`${target.url}/probe`)).arrayBuffer();
    expect(target.hits).toHaveLength(1);
    target.hits.length = 0;

    const url = (p: string) => `${target.url}/${p}`;
    const text = [
      `See ${url('text')} and <img src="${url('img')}"> and ![x](${url('md')})`,
      `@import url(${url('css')}); <link rel="stylesheet" href="${url('link')}">`,
      `file:///etc/passwd gopher://127.0.0.1/ ${url('plain')}`,
    ].join('\n');
    // Unknown fields, however named, are a 400 from the strict schema: there is no URL field.
    for (const field of ['url', 'fontUrl', 'callback', 'webhook', 'imageUrl', 'source']) {
      await expectError(
        await signed(runner.url, '/v1/render', { text, [field]: url(field) }),
        400,
        'invalid_request',
        field,
      );
    }
    // Every config key that takes a string, given a URL: refused by its own rule, never followed.
    for (const key of [
      'font-family',
      'page-size',
      'font-color',
      'page-bg-color',
      'para-bg-color',
      'newline-markup',
      'alignment',
      'font-path',
      'font-url',
      'background-image',
    ]) {
      const response = await signed(runner.url, '/v1/render', { text, config: { [key]: url(key) } });
      await expectError(response, 400, 'invalid_config', key);
    }
    await expectError(
      await signed(runner.url, '/v1/render', { text, preset: url('preset') }),
      400,
      'invalid_config',
      'preset',
    );
    await expectError(
      await signed(runner.url, '/v1/render', { text, profile: url('profile') }),
      400,
      'invalid_profile',
      'profile',
    );
    // Accepted requests whose text and question are full of URLs: drawn as text, nothing fetched.
    expect(await renderAll(runner, { text })).toBe(200);
    const answer = await signed(runner.url, '/v1/answer', { text, question: `What is at ${url('question')}?` });
    expect(answer.status).toBe(200);
    await answer.arrayBuffer();
    const decode = await signed(runner.url, '/v1/decode', { text, sample: 1 });
    expect(decode.status).toBe(200);
    await decode.arrayBuffer();
    // Proxy-style requests: an absolute-form target and a Host naming the recorder.
    const { host } = new URL(target.url);
    for (const request of [
      `GET ${url('absolute')} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\nhost: ${host}\r\nx-forwarded-host: ${host}\r\nconnection: close\r\n\r\n`,
      `CONNECT ${host} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`,
    ]) {
      const response = await rawHttp(runner.url, request);
      expect(response.body).not.toContain('stolen');
    }

    await new Promise((r) => setTimeout(r, 300));
    expect(target.hits).toEqual([]);
  });
});

/**
 * ReDoS guard: every regular expression the runner (and protocol/) applies to strings a request
 * controls, fed 100 000-character inputs built to make a backtracking pattern go quadratic or
 * worse. A linear pattern takes milliseconds; a quadratic one takes many seconds to hours. The
 * bound is deliberately generous (1 s, on a shared 2-core machine) — this catches catastrophic
 * backtracking, it is not a speed target. Found this way: the citation quote pattern
 * (gpu-runner/answer/citations.ts) took 15 s on 140 000 characters before it was fixed.
 *
 * The inventory (grep -n "RegExp|/.../|.test(|.match|.replace|.split" in gpu-runner/ and protocol/):
 * - protocol/signing.ts: NONCE, SIGNATURE, TIMESTAMP patterns on request headers; the key-id
 *   pattern in parseRunnerKeys (operator input, checked anyway);
 * - protocol/render-config.ts: hex color and page-size patterns on config values;
 * - protocol/runner-api.ts: the unpaired-surrogate pattern on the text;
 * - gpu-runner/tokens/text-tokens.ts and token-runs.ts: single-character tests while chunking and cutting
 *   long runs, and the Qwen3 pre-tokenizer pattern inside the tokenizer (a dependency, applied to
 *   the whole text);
 * - gpu-runner/answer/tokenize.ts: TOKEN_RUN, CJK_CHAR, the digit and suffix patterns;
 * - gpu-runner/answer/citations.ts: the quoted-span and sentence-split patterns;
 * - gpu-runner/answer/document-index.ts: foldWhitespace;
 * - gpu-runner/ocr/accuracy.ts: normalizeForComparison (decode's expected text);
 * - gpu-runner/cache/key.ts: the key and hash patterns; gpu-runner/cache/s3-tier.ts: the prefix
 *   pattern (operator input, checked anyway);
 * - the HTTP layer's patterns on the request target and Host (@hono/node-server, Hono's router).
 * Not applied to request input: observe.ts (our own response type), openai.ts (the configured URL,
 * upstream error codes), execution.ts (ONNX error text), sample-line.ts's wrapSampleText (only the
 * built-in sample paragraph), multipart.ts (our part names), cli/glyph.ts (local file names).
 */
describe('regular expressions on request input run in linear time', () => {
  const N = 100_000;
  const LIMIT_MS = 1_000;
  // Parsing the vocabulary and building the tokenizer (about a second) is not what is timed.
  beforeAll(() => void countTextTokens('warm up'));
  const within = (what: string, run: () => unknown): void => {
    const started = performance.now();
    try {
      run();
    } catch {
      // Refusing is fine; only the time matters here.
    }
    const ms = performance.now() - started;
    expect(ms, `${what}: ${Math.round(ms)} ms`).toBeLessThan(LIMIT_MS);
  };
  const rep = (s: string, length = N) => s.repeat(Math.ceil(length / s.length)).slice(0, length);

  it('signature headers (protocol/signing.ts)', async () => {
    const keys = new Map([['k', 's']]);
    for (const [name, value] of [
      ['x-glyph-timestamp', `${rep('1')}x`],
      ['x-glyph-nonce', `${rep('a')}g`],
      ['x-glyph-signature', `${rep('a')}A`],
      ['x-glyph-key-id', rep('k')],
    ] as const) {
      const headers = new Headers({
        'x-glyph-key-id': 'k',
        'x-glyph-timestamp': '1',
        'x-glyph-nonce': 'a'.repeat(32),
        'x-glyph-signature': 'a'.repeat(64),
      });
      headers.set(name, value);
      const started = performance.now();
      const result = await verifySignature({
        method: 'POST',
        pathAndQuery: '/v1/render',
        headers,
        body: new Uint8Array(),
        keys,
        nonces: new NonceStore(),
        now: 1,
      });
      expect(result.ok).toBe(false);
      expect(performance.now() - started, name).toBeLessThan(LIMIT_MS);
    }
    within('parseRunnerKeys key id', () => parseRunnerKeys(`${rep('!')}\u0000:secret`));
  });

  it('config values (protocol/render-config.ts)', () => {
    for (const value of [
      `${rep('1')}x`,
      `1,${rep(' ')}x`,
      `${rep(' ')}1,1${rep(' ')}x`,
      rep('1.'),
      `${rep('1')},${rep('1')}.`,
      rep('1, '),
    ]) {
      within(`page-size ${JSON.stringify(value.slice(0, 12))}…`, () =>
        resolveRenderConfig({ config: { 'page-size': value } }),
      );
    }
    for (const value of [`#${rep('a')}`, `#${rep('abc')}g`, rep('#aaa')]) {
      within(`font-color ${value.slice(0, 8)}…`, () => resolveRenderConfig({ config: { 'font-color': value } }));
    }
  });

  it('the text: surrogate check, token chunking, run cutting and the Qwen3 pre-tokenizer (protocol/)', () => {
    for (const text of [rep('\ud800'), rep('\udc00'), rep('\ud800\ud800\udc00'), `${rep('a')}\ud800`]) {
      within('isWellFormedText', () => isWellFormedText(text));
    }
    for (const text of [
      `${rep(' ')}a`,
      rep(' \n'),
      rep('\r\n '),
      rep("'s"),
      rep("''"),
      `${rep('.')}\n`,
      rep(' .\n'),
      rep('\n\u3000'),
      rep('a '),
      rep('1a'),
      `${rep('\t')}x`,
    ]) {
      within(`splitAtTokenBoundaries ${JSON.stringify(text.slice(0, 6))}`, () => splitAtTokenBoundaries(text, 1_000));
      // The tokenizer also does real work (~2.5 µs a character): half the length keeps the margin,
      // and quadratic backtracking on 50 000 characters would still take many seconds.
      within(`countTextTokens ${JSON.stringify(text.slice(0, 6))}`, () => countTextTokens(text.slice(0, N / 2)));
    }
  });

  it('search, citations and decode scoring (gpu-runner/answer, gpu-runner/ocr)', () => {
    const doc = documentIndex('alpha beta gamma', [
      { page: 1, line: 0, box: { x: 0, y: 0, width: 1, height: 1 }, start: 0, end: 16 },
    ]);
    for (const text of [
      rep('“aaaaaa'),
      `“${rep('a')}`,
      rep('"aaaaaa'),
      rep('「aaaaaa』'),
      rep('. '),
      rep('.\n'),
      `${rep('a')}.`,
      rep('a\u0301'),
    ]) {
      within(`citeAnswer ${JSON.stringify(text.slice(0, 8))}`, () => citeAnswer(doc, text));
    }
    for (const text of [rep('a'), `${rep('a')}ss`, rep('1a'), rep('我a'), rep('\u0301'), rep('Ａ')]) {
      within(`tokenize ${JSON.stringify(text.slice(0, 4))}`, () => tokenize(text));
    }
    for (const text of [rep(' \u00a0'), `${rep(' ')}x`, rep('“—')]) {
      within('foldWhitespace', () => foldWhitespace(text));
      within('normalizeForComparison', () => normalizeForComparison(text));
    }
  });

  it('cache keys and the S3 prefix (gpu-runner/cache)', () => {
    for (const key of [rep('a'), `${'a'.repeat(64)}/${rep('a')}`, rep('a/'), `${rep('0')}/`]) {
      within('parseRenderCacheKey', () => parseRenderCacheKey(key));
    }
    for (const prefix of [`${rep('a/')}!`, `${rep('a')}!/`, rep('./')]) {
      within(
        'S3 prefix',
        () =>
          new S3RenderTier({
            bucket: 'b',
            prefix,
            endpoint: 'http://127.0.0.1:9',
            credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
          }),
      );
    }
  });

  it('request targets and Host headers at the HTTP layer', async () => {
    const runner = await startRunner();
    try {
      // Node caps the request head at 16 KB: 8 000 characters is as long as a target gets.
      for (const target of [
        `/${rep('a/', 8_000)}`,
        `/${rep('%2', 8_000)}`,
        `/${rep('%2F..', 8_000)}`,
        `/healthz${rep('/.', 8_000)}`,
        `/${rep(':', 8_000)}`,
      ]) {
        const started = performance.now();
        const response = await rawHttp(runner.url, `GET ${target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(performance.now() - started, target.slice(0, 12)).toBeLessThan(LIMIT_MS);
      }
      for (const host of [`${rep('a', 8_000)}:`, `${rep('a.', 8_000)}:99999`, rep('[', 8_000)]) {
        const started = performance.now();
        await rawHttp(runner.url, `GET /healthz HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`);
        expect(performance.now() - started, host.slice(0, 12)).toBeLessThan(LIMIT_MS);
      }
    } finally {
      await runner.stop();
    }
  });
});
