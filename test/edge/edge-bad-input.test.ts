/**
 * Bad input at the edge (issue 6, item 1), against the Worker in workerd with a real runner. Each
 * input is refused with a JSON error of the right status — stored nothing (the three R2 buckets'
 * objects), billed nothing (GET /v1/usage) and, where it could have, asked no runner — or, where
 * the input is valid, accepted and served. After each test the Worker is healthy and a normal
 * request works.
 *
 * Decisions these tests pin, consistent with the runner (test/gpu-runner/runner-bad-input.test.ts):
 * - NUL and other control characters are accepted, stored byte for byte, drawn as missing-glyph
 *   boxes and counted in `missingGlyphs`;
 * - a leading BOM is not part of the document (the same id with or without it);
 * - a text of only whitespace and invisible characters is refused at upload (400 `empty_document`)
 *   by the runner's own rule (protocol/visible-text.ts), so no document is stored that no render
 *   could ever succeed on;
 * - a wrong Content-Type is 415 on every body the edge reads; a `__proto__` config key is an
 *   unknown key (400), never silently dropped;
 * - a 2 MB line and 200 000 newlines are valid documents: stored, and sent to a job (202) because
 *   the page estimate counts lines, not only characters.
 *
 * Covered exactly in test/edge/worker-errors.test.ts and not repeated: empty and blank text/plain
 * uploads, 0xff 0xfe bytes, `{"txt"}`, a lone surrogate, 413 by Content-Length and by streamed
 * bytes, `font-sise` and `dpi: 5000`, profile `gpt-9`, `{"pages": 3}`, truncated JSON, a blank
 * question, the document/render/page/job ids with `..`, `%2F`, `%00`, upper case, and pages
 * 0, -1, 1e3, 1%2F2, 1%00.
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BAD_RENDER_CONFIGS } from '../fixtures/bad-render-configs.ts';
import { MAX_QUESTION_CHARS } from '../../protocol/runner-api.ts';
import { startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

/** Upload limit of the edge under test: a 2 MB line fits, a 413 is cheap. */
const MAX_UPLOAD_BYTES = 3_000_000;
const BUCKETS = ['glyphgate-documents', 'glyphgate-renders', 'glyphgate-answers'];

let runner: RunnerHandle;
let edge: EdgeHandle;
let key: string;
/** A small document rendered in beforeAll: the target of render/query/page requests. */
let doc: string;
let renderId: string;
let pageCount: number;

const encoder = new TextEncoder();
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const bytes = (...pieces: Array<string | number[]>): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(pieces.flatMap((p) => (typeof p === 'string' ? [...encoder.encode(p)] : p)));
const post = (body: BodyInit | null, contentType?: string): RequestInit => ({
  method: 'POST',
  headers: contentType === undefined ? {} : { 'content-type': contentType },
  ...(body === null ? {} : { body }),
});
const json = (value: unknown) => post(JSON.stringify(value), 'application/json');
const plain = (value: string | Uint8Array) => post(value as string | Uint8Array<ArrayBuffer>, 'text/plain');
/** Code point count, as `chars` reports it. */
const codePoints = (s: string) => [...s].length;

interface Snapshot {
  blobs: number[];
  calls: number;
  units: number;
  runnerCalls: number;
}

async function usageTotals(): Promise<{ calls: number; units: number }> {
  const res = await edge.call(key, '/v1/usage');
  expect(res.status).toBe(200);
  return ((await res.json()) as { totals: { calls: number; units: number } }).totals;
}

/** Storage, billing and runner counts, once the usage rows of earlier calls have landed. */
async function snapshot(): Promise<Snapshot> {
  let totals = await usageTotals();
  for (;;) {
    await new Promise((r) => setTimeout(r, 150));
    const again = await usageTotals();
    if (again.calls === totals.calls) break;
    totals = again;
  }
  const runnerCalls =
    (await runner.requests('/v1/render')) +
    (await runner.requests('/v1/answer')) +
    (await runner.requests('/v1/decode'));
  return { blobs: BUCKETS.map((b) => edge.r2BlobCount(b)), ...totals, runnerCalls };
}

/** Asserts a JSON error with `status` and `code`, whose message mentions `mentions` when given. */
async function expectError(res: Response, status: number, code: string, mentions?: string): Promise<void> {
  const raw = await res.text();
  expect(res.status, raw).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body = JSON.parse(raw) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code, raw).toBe(code);
  if (mentions) expect(body.error.message, raw).toContain(mentions);
}

/**
 * Sends `request` byte for byte (for request targets fetch would normalise) and reads one response:
 * its head, then Content-Length bytes or chunks up to the last one. wrangler's proxy keeps the
 * connection open whatever the request says, so the end of the response is found, not awaited.
 */
function rawRequest(request: string): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(edge.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let data = Buffer.alloc(0);
    socket.setTimeout(15_000, () => socket.destroy(new Error('raw request: no complete response in 15 s')));
    socket.on('connect', () => socket.write(Buffer.from(request, 'latin1')));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const split = data.indexOf('\r\n\r\n');
      if (split < 0) return;
      const head = data.subarray(0, split).toString('latin1');
      let rest = data.subarray(split + 4);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      let body: string | undefined;
      if (length) {
        if (rest.length >= Number(length[1])) body = rest.subarray(0, Number(length[1])).toString('utf8');
      } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
        const parts: Buffer[] = [];
        for (;;) {
          const eol = rest.indexOf('\r\n');
          if (eol < 0) break;
          const size = parseInt(rest.subarray(0, eol).toString('latin1'), 16);
          if (size === 0) {
            body = Buffer.concat(parts).toString('utf8');
            break;
          }
          if (rest.length < eol + 2 + size + 2) break;
          parts.push(rest.subarray(eol + 2, eol + 2 + size));
          rest = rest.subarray(eol + 2 + size + 2);
        }
      } else body = rest.toString('utf8');
      if (body === undefined) return;
      socket.destroy();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body });
    });
  });
}

/** Sends a request that must be refused: the JSON error, then nothing stored, billed or asked of a runner. */
async function expectRefused(
  path: string,
  init: RequestInit,
  status: number,
  code: string,
  mentions?: string,
): Promise<void> {
  const before = await snapshot();
  await expectError(await edge.call(key, path, init), status, code, mentions);
  expect(await snapshot(), `${init.method ?? 'GET'} ${path}`).toEqual(before);
}

/** Uploads a valid document: 201 (or 200 when `again`), its id the SHA-256 of `stored`, billed once. */
async function expectStored(
  init: RequestInit,
  stored: Uint8Array,
  again = false,
): Promise<{ id: string; chars: number }> {
  const before = await snapshot();
  const res = await edge.call(key, '/v1/documents', init);
  const raw = await res.text();
  expect(res.status, raw).toBe(again ? 200 : 201);
  const view = JSON.parse(raw) as { id: string; chars: number };
  expect(view.id).toBe(sha256(stored));
  expect(edge.r2Has('glyphgate-documents', `t/bad-input/docs/${view.id}`)).toBe(true);
  const after = await snapshot();
  expect(after.calls).toBe(before.calls + 1);
  expect(after.blobs[0]).toBe(before.blobs[0]! + (again ? 0 : 1));
  return view;
}

beforeAll(async () => {
  runner = await startRunner();
  edge = await startEdge({
    runners: [runner.url],
    vars: { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES), RATE_LIMIT_PER_MINUTE: '100000' },
  });
  key = edge.createKey('bad-input').key;
  const upload = await edge.call(
    key,
    '/v1/documents',
    plain('Bad input, good document: this one renders on one page.'),
  );
  doc = ((await upload.json()) as { id: string }).id;
  const render = await edge.call(key, `/v1/documents/${doc}/render`, post(null));
  expect(render.status).toBe(200);
  const view = (await render.json()) as { renderId: string; pages: unknown[] };
  renderId = view.renderId;
  pageCount = view.pages.length;
}, 180_000);

afterAll(async () => {
  await edge?.stop();
  await runner?.stop();
});

afterEach(async () => {
  // Healthy: the Worker answers, and a normal authenticated request (a committed page) works.
  expect((await edge.call(null, '/healthz')).status).toBe(200);
  const page = await edge.call(key, `/v1/documents/${doc}/renders/${renderId}/pages/1`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('image/png');
  await page.arrayBuffer();
});

describe('edge: bad input is refused plainly or accepted, stores nothing when refused, and the edge stays healthy', () => {
  it('empty bodies: 400/415 where a body is needed; a render with no body is all defaults', async () => {
    await expectRefused('/v1/documents', post(null), 415, 'unsupported_media_type');
    await expectRefused('/v1/documents', post('', 'application/json'), 400, 'invalid_json');
    await expectRefused('/v1/documents', json({ text: '' }), 400, 'empty_document');
    await expectRefused('/v1/compress', plain(''), 400, 'empty_document');
    await expectRefused('/v1/compress', json({ text: '' }), 400, 'empty_document');
    await expectRefused(`/v1/documents/${doc}/query`, post(null), 400, 'invalid_request', 'question');
    await expectRefused(`/v1/documents/${doc}/query`, json({}), 400, 'invalid_request', 'question');
    // Valid: no body means every default, and this render is committed (a cache hit).
    for (const init of [post(null), post('', 'application/json'), post('', 'application/x-www-form-urlencoded')]) {
      const res = await edge.call(key, `/v1/documents/${doc}/render`, init);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-glyph-cache')).toBe('hit');
    }
  });

  it('bytes that are not UTF-8, and charsets other than UTF-8: 400 invalid_utf8, 415 unsupported_charset', async () => {
    for (const body of [
      bytes('caf', [0xe9]), // Latin-1 é
      bytes([0xed, 0xa0, 0x80]), // a surrogate encoded as UTF-8 (CESU-8)
      bytes([0xc0, 0xaf]), // overlong "/"
      bytes('ok', [0xe2, 0x82]), // truncated sequence
      bytes([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
    ]) {
      await expectRefused('/v1/documents', plain(body), 400, 'invalid_utf8');
      await expectRefused(
        '/v1/documents',
        post(bytes('{"text":"', [...body], '"}'), 'application/json'),
        400,
        'invalid_utf8',
      );
    }
    await expectRefused(
      `/v1/documents/${doc}/render`,
      post(bytes('{"preset":"glyph', [0xff], '"}'), 'application/json'),
      400,
      'invalid_utf8',
    );
    await expectRefused(
      '/v1/documents',
      post('plain ASCII', 'text/plain; charset=iso-8859-1'),
      415,
      'unsupported_charset',
    );
    await expectRefused(
      '/v1/documents',
      post(JSON.stringify({ text: 'x' }), 'application/json; charset=utf-16'),
      415,
      'unsupported_charset',
    );
    await expectRefused(
      `/v1/documents/${doc}/render`,
      post('{}', 'application/json; charset=latin1'),
      415,
      'unsupported_charset',
    );
  });

  it('NUL and other control characters: accepted, stored byte for byte, drawn as missing-glyph boxes (as at the runner)', async () => {
    const controls = ['\u0000', '\u0001', '\u0007', '\u0008', '\u001b', '\u007f', '\u0080', '\u009f'];
    const text = `a${controls.join('b')}c and \u000b\u000c\u001f\u0085 spaces`;
    const stored = await expectStored(plain(text), encoder.encode(text));
    expect(stored.chars).toBe(codePoints(text));
    // The same text as JSON escapes is the same document.
    await expectStored(json({ text }), encoder.encode(text), true);
    const render = await edge.call(key, `/v1/documents/${stored.id}/render`, post(null));
    expect(render.status).toBe(200);
    const view = (await render.json()) as { missingGlyphs: { count: number; codePoints: string[] } };
    expect(view.missingGlyphs.count).toBe(controls.length);
    expect(view.missingGlyphs.codePoints).toContain('U+0000');
  });

  it('a BOM: not part of the document; a BOM alone is empty', async () => {
    const text = 'Byte order mark test';
    const first = await expectStored(plain(bytes([0xef, 0xbb, 0xbf], text)), encoder.encode(text));
    expect(first.chars).toBe(text.length);
    await expectStored(plain(text), encoder.encode(text), true);
    await expectStored(json({ text: `\ufeff${text}` }), encoder.encode(text), true);
    // A BOM before the JSON itself is skipped too.
    await expectStored(
      post(bytes([0xef, 0xbb, 0xbf], JSON.stringify({ text })), 'application/json'),
      encoder.encode(text),
      true,
    );
    await expectRefused('/v1/documents', plain(bytes([0xef, 0xbb, 0xbf])), 400, 'empty_document');
    await expectRefused('/v1/documents', json({ text: '\ufeff\ufeff' }), 400, 'empty_document');
  });

  it('over the size limits: 413 naming the limit, nothing stored', async () => {
    await expectRefused(
      '/v1/documents',
      plain('x'.repeat(MAX_UPLOAD_BYTES + 1)),
      413,
      'payload_too_large',
      'MAX_UPLOAD_BYTES',
    );
    await expectRefused(
      '/v1/compress',
      json({ text: 'y'.repeat(MAX_UPLOAD_BYTES) }),
      413,
      'payload_too_large',
      'MAX_UPLOAD_BYTES',
    );
    // Options bodies (render, query, decode) are capped far lower: they are a few fields.
    const big = json({ question: 'why?', config: { note: 'z'.repeat(70_000) } });
    await expectRefused(`/v1/documents/${doc}/query`, big, 413, 'payload_too_large', 'options');
    await expectRefused(`/v1/documents/${doc}/render`, big, 413, 'payload_too_large', 'options');
  });

  it('only whitespace and invisible characters: 400 empty_document, by the runner’s rule', async () => {
    const blank = ' \t\n\r\n\u000b\u000c\u00a0\u2003\u2028\u2029\u202f\u3000\u200b\u00ad\u200d\ufeff\u2060';
    await expectRefused('/v1/documents', plain(blank), 400, 'empty_document', 'invisible');
    await expectRefused('/v1/documents', json({ text: blank }), 400, 'empty_document');
    await expectRefused('/v1/documents', plain(' '.repeat(100_000)), 400, 'empty_document');
    await expectRefused('/v1/documents', plain('\u200b\u200d\u2060'), 400, 'empty_document');
    await expectRefused('/v1/documents', plain('\n'.repeat(200_000)), 400, 'empty_document');
    await expectRefused('/v1/compress', plain(blank), 400, 'empty_document');
    // One visible character is a document.
    await expectStored(plain(`${blank}.`), encoder.encode(`${blank}.`));
  });

  it('emoji with ZWJ sequences, combining marks, RTL and mixed scripts: stored, rendered and asked about', async () => {
    const text = [
      '👩‍👩‍👧‍👦 👨🏽‍💻 🏳️‍🌈 🇫🇷 ❤️',
      'Zalgo: Z\u0351\u0307\u036b\u0303a\u0301\u0302\u0303\u0304l\u0310\u0311g\u0306o\u0308',
      'עברית עם ניקוד: שָׁלוֹם',
      'العربية: مرحبا بالعالم',
      'mixed: English, 中文, русский, ελληνικά, हिन्दी, ‏RTL‎ marks',
    ].join('\n');
    const stored = await expectStored(plain(text), encoder.encode(text));
    expect(stored.chars).toBe(codePoints(text));
    const render = await edge.call(key, `/v1/documents/${stored.id}/render`, post(null));
    expect(render.status).toBe(200);
    const view = (await render.json()) as { pages: unknown[]; missingGlyphs: { codePoints: string[] } };
    expect(view.pages).toHaveLength(1);
    // Emoji have no shipped font: drawn as boxes and counted.
    expect(view.missingGlyphs.codePoints).toContain('U+1F469');
    const query = await edge.call(
      key,
      `/v1/documents/${stored.id}/query`,
      json({ question: 'Was sagt 中文 über שָׁלוֹם 👩‍💻?' }),
    );
    expect(query.status).toBe(200);
  });

  it('unknown or out-of-range config keys: 400 invalid_config naming the key, no runner asked', async () => {
    for (const [config, name] of BAD_RENDER_CONFIGS) {
      await expectRefused(`/v1/documents/${doc}/render`, json({ config }), 400, 'invalid_config', name);
    }
    // A "__proto__" key is a key like any other: refused, not dropped on the way (which would
    // render with the defaults instead).
    for (const route of ['render', 'decode']) {
      await expectRefused(
        `/v1/documents/${doc}/${route}`,
        post('{"config":{"__proto__":{"dpi":5}}}', 'application/json'),
        400,
        'invalid_config',
        '__proto__',
      );
    }
    await expectRefused(
      `/v1/documents/${doc}/query`,
      post('{"question":"q","config":{"__proto__":{}}}', 'application/json'),
      400,
      'invalid_config',
      '__proto__',
    );
    for (const config of [[1, 2], null, 'dpi=72', 7]) {
      await expectRefused(`/v1/documents/${doc}/render`, json({ config }), 400, 'invalid_config', 'config');
    }
    // Through /v1/compress: config in the JSON body, or as a JSON query parameter for a text body.
    await expectRefused('/v1/compress', json({ text: 'x', config: { dpi: 5000 } }), 400, 'invalid_config', 'dpi');
    for (const query of [
      encodeURIComponent('{"dpi":5000}'),
      encodeURIComponent('[1]'),
      'not-json',
      encodeURIComponent('{"__proto__":{}}'),
    ]) {
      await expectRefused(`/v1/compress?config=${query}`, plain('x'), 400, 'invalid_config');
    }
  });

  it('an unknown preset or profile: 400 naming it, no runner asked', async () => {
    for (const preset of ['glyph-fr', '__proto__', 'toString', 'constructor', '']) {
      await expectRefused(`/v1/documents/${doc}/render`, json({ preset }), 400, 'invalid_config', 'preset');
    }
    await expectRefused(
      `/v1/documents/${doc}/render`,
      json({ preset: 'p'.repeat(65) }),
      400,
      'invalid_request',
      'preset',
    );
    for (const profile of ['toString', '__proto__', 'GLM-4.1V', '']) {
      await expectRefused(`/v1/documents/${doc}/render`, json({ profile }), 400, 'invalid_profile', 'profile');
    }
    await expectRefused(
      `/v1/documents/${doc}/query`,
      json({ question: 'q', profile: 'gpt-9' }),
      400,
      'invalid_profile',
      'profile',
    );
    await expectRefused(`/v1/documents/${doc}/decode`, json({ preset: 'glyph-fr' }), 400, 'invalid_config', 'preset');
    await expectRefused('/v1/compress?preset=glyph-fr', plain('x'), 400, 'invalid_config', 'preset');
  });

  it(`a question over ${MAX_QUESTION_CHARS} characters: 400 naming it; one at the limit is answered`, async () => {
    await expectRefused(
      `/v1/documents/${doc}/query`,
      json({ question: 'q'.repeat(MAX_QUESTION_CHARS + 1) }),
      400,
      'invalid_request',
      'question',
    );
    await expectRefused(`/v1/documents/${doc}/query`, json({ question: 42 }), 400, 'invalid_request', 'question');
    await expectRefused(`/v1/documents/${doc}/query`, json({ question: ['a'] }), 400, 'invalid_request', 'question');
    const fits = await edge.call(
      key,
      `/v1/documents/${doc}/query`,
      json({ question: `${'q'.repeat(MAX_QUESTION_CHARS - 9)} document` }),
    );
    expect(fits.status).toBe(200);
    await fits.arrayBuffer();
  });

  it('malformed JSON, and JSON that is not an object: 400', async () => {
    for (const body of [
      '{"text": ',
      '{"text":"x"} trailing',
      "{'text':'x'}",
      '{"text":NaN}',
      '{"text":"x",}',
      '\u0000',
      'null x',
    ]) {
      await expectRefused('/v1/documents', post(body, 'application/json'), 400, 'invalid_json');
      await expectRefused(`/v1/documents/${doc}/render`, post(body, 'application/json'), 400, 'invalid_json');
    }
    for (const body of ['null', '[]', '"text"', '1e999', 'true']) {
      await expectRefused('/v1/documents', post(body, 'application/json'), 400, 'invalid_body');
      await expectRefused(`/v1/documents/${doc}/render`, post(body, 'application/json'), 400, 'invalid_request');
    }
  });

  it('deeply nested JSON: 400 naming the field, no stack overflow', async () => {
    // 100 000 levels in an upload (under its 3 MB limit); 30 000 / 10 000 in an options body (under 64 KiB).
    const nest = (depth: number) => ({
      arrays: `${'['.repeat(depth)}${']'.repeat(depth)}`,
      objects: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
    });
    const deep = nest(100_000);
    await expectRefused('/v1/documents', post(deep.arrays, 'application/json'), 400, 'invalid_body');
    await expectRefused(
      '/v1/documents',
      post(`{"text":"x","extra":${deep.objects}}`, 'application/json'),
      400,
      'invalid_request',
      'extra',
    );
    await expectRefused('/v1/documents', post(`{"text":${deep.arrays}}`, 'application/json'), 400, 'invalid_body');
    await expectRefused(
      '/v1/compress',
      post(`{"text":"x","config":{"dpi":${deep.arrays}}}`, 'application/json'),
      400,
      'invalid_config',
      'dpi',
    );
    // A million levels: more than any recursive walk (a JSON.stringify, say) survives.
    await expectRefused(
      '/v1/compress',
      post(`{"text":"x","config":{"dpi":${nest(1_000_000).arrays}}}`, 'application/json'),
      400,
      'invalid_config',
      'dpi',
    );
    const options = { arrays: nest(30_000).arrays, objects: nest(10_000).objects };
    await expectRefused(
      `/v1/documents/${doc}/render`,
      post(options.arrays, 'application/json'),
      400,
      'invalid_request',
    );
    await expectRefused(
      `/v1/documents/${doc}/render`,
      post(`{"config":{"deep":${options.objects}}}`, 'application/json'),
      400,
      'invalid_config',
      'deep',
    );
    await expectRefused(
      `/v1/documents/${doc}/query`,
      post(`{"question":${options.arrays}}`, 'application/json'),
      400,
      'invalid_request',
      'question',
    );
  });

  it('a wrong Content-Type: 415 on uploads and on options bodies; case and parameters do not matter', async () => {
    const body = JSON.stringify({ text: 'Typed right this time.' });
    for (const type of [
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/jsonx',
      'text/csv',
      'image/png',
    ]) {
      await expectRefused('/v1/documents', post(body, type), 415, 'unsupported_media_type');
    }
    // Bytes, not a string: fetch would label a string text/plain.
    await expectRefused('/v1/documents', post(encoder.encode(body)), 415, 'unsupported_media_type');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      await expectRefused(`/v1/documents/${doc}/render`, post('{}', type), 415, 'unsupported_media_type');
      await expectRefused(
        `/v1/documents/${doc}/query`,
        post('{"question":"why?"}', type),
        415,
        'unsupported_media_type',
      );
    }
    await expectRefused(`/v1/documents/${doc}/render`, post(encoder.encode('{}')), 415, 'unsupported_media_type');
    await expectStored(post(body, 'Application/JSON; Charset="UTF-8"'), encoder.encode('Typed right this time.'));
    expect(
      (await edge.call(key, `/v1/documents/${doc}/render`, post('{}', 'APPLICATION/JSON; charset=utf-8'))).status,
    ).toBe(200);
  });

  it('request targets with "..", "/", "%2F", NUL or a backslash in an id: 400 or 404, never another object', async () => {
    const before = await snapshot();
    const hex = 'c'.repeat(64);
    const targets = [
      `/v1/documents/../v1/usage`,
      `/v1/documents/${doc}/../../usage`,
      `/v1/documents/%2e%2e/render`,
      `/v1/documents/..%2F..%2Ft%2Fother%2Fdocs%2F${hex}/render`,
      `/v1/documents/${doc}%2F..%2F${hex}/render`,
      `/v1/documents/${doc}%252F/render`,
      `/v1/documents/${doc}%00/render`,
      `/v1/documents/${doc}%5C..%5C${hex}/render`,
      `/v1/documents/${doc}/renders/${renderId}%2F..%2F${hex}/pages/1`,
      `/v1/documents/${doc}/renders/${renderId}/pages/1%2F..%2F2`,
      `/v1/documents/${doc}/renders/${renderId}/pages/%2e%2e%2f1`,
      `/v1/jobs/job_${'0'.repeat(31)}%00`,
      `/v1/jobs/..%2Fusage`,
      `/v1/documents/%EF%BC%8E%EF%BC%8E/render`, // full-width dots
    ];
    for (const target of targets) {
      const method =
        target.includes('/pages/') || target.startsWith('/v1/jobs') || target.endsWith('/usage') ? 'GET' : 'POST';
      const lines = [
        `${method} ${target} HTTP/1.1`,
        `host: ${new URL(edge.url).host}`,
        `authorization: Bearer ${key}`,
        'content-length: 0',
        'connection: close',
      ];
      const res = await rawRequest(`${lines.join('\r\n')}\r\n\r\n`);
      // Dot-segments a client sends unencoded are resolved by URL parsing before routing: they can
      // only land on another public route (here /v1/usage, the caller's own), never inside a key.
      if (res.status === 200) {
        expect(target, res.body).toMatch(/\/usage$/);
        continue;
      }
      expect([400, 404], `${target} → ${res.status} ${res.body}`).toContain(res.status);
      expect(res.head.toLowerCase()).toContain('application/json');
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: expect.stringMatching(/^(invalid_|not_found)/) } });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('page numbers that are huge, negative or oddly written: 400; past the last page: 404', async () => {
    const page = (n: string) => edge.call(key, `/v1/documents/${doc}/renders/${renderId}/pages/${n}`);
    for (const n of [
      '1000000',
      '99999999999999999999',
      `${2 ** 53}`,
      '-5',
      '%2B1',
      '%201',
      '01',
      '1.0',
      '0x1',
      '1e0',
      'Infinity',
      'NaN',
      '%D9%A1',
    ]) {
      await expectError(await page(n), 400, 'invalid_page');
    }
    await expectError(await page(String(pageCount + 1)), 404, 'not_found');
    await expectError(await page('999999'), 404, 'not_found');
    const last = await page(String(pageCount));
    expect(last.status).toBe(200);
    await last.arrayBuffer();
  });

  it('200 000 newlines: a valid document of ~2 500 pages, sent to a job (alone they are empty: above)', async () => {
    const text = `start${'\n'.repeat(200_000)}end`;
    const stored = await expectStored(plain(text), encoder.encode(text));
    expect(stored.chars).toBe(text.length);
    // 405 characters would fit on one page; the estimate counts the 200 001 lines.
    const res = await edge.call(key, `/v1/documents/${stored.id}/render`, post(null));
    expect(res.status).toBe(202);
    await res.arrayBuffer();
  }, 60_000);
  it('a 2 MB line with no spaces: stored, counted, and sent to a job rather than rendered in one call', async () => {
    const text = Array.from({ length: 2 * 1024 * 1024 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join(
      '',
    );
    const stored = await expectStored(plain(text), encoder.encode(text));
    expect(stored.chars).toBe(text.length);
    const before = await snapshot();
    const res = await edge.call(key, `/v1/documents/${stored.id}/render`, post(null));
    expect(res.status).toBe(202);
    expect((await res.json()) as object).toMatchObject({ jobId: expect.stringMatching(/^job_/), status: 'queued' });
    // Accepted, not yet done: nothing billed until the job completes.
    expect((await snapshot()).calls).toBe(before.calls);
  }, 60_000);
});
