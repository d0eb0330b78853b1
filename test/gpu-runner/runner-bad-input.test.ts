/**
 * Bad input at the runner (issue 6, item 1), against a real runner process with signed requests.
 * Each input is either refused with a JSON error naming what is wrong, or accepted and rendered
 * within a deadline; after each the runner is healthy, and a refused request stored nothing (the
 * disk cache's files and the painted-pages counter are unchanged). The last test renders normally.
 *
 * Decisions these tests pin:
 * - control characters (NUL, C0, DEL, C1) are accepted and drawn as the missing-glyph box, counted
 *   in `missingGlyphs`; the C0 separators Glyph's renderer splits on (VT, FF, FS–US) are spaces;
 * - a UTF-8 BOM before the JSON is ignored; U+FEFF in the text is invisible (not drawn, not missing);
 * - text that is only whitespace and invisible characters is 400 `no_visible_text`, before any work;
 * - an unpaired surrogate escaped in JSON is 400 (it has no UTF-8 form: the hash would lie);
 * - blank rows take their place, so 200 000 newlines between two words make ~2 500 pages;
 * - `lastPage` past the end is clamped (the edge's jobs rely on it); every other bad range is 400.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BAD_RENDER_CONFIGS } from '../fixtures/bad-render-configs.ts';
import type { RenderManifest } from '../../protocol/runner-api.ts';
import { MAX_QUESTION_CHARS } from '../../protocol/runner-api.ts';
import { PNG_SIGNATURE, metric, readMultipart, signed, startRunner, type RunnerProcess } from './runner-harness.ts';
import {
  cacheMetaPath,
  expectError,
  expectHealthy,
  filesUnder,
  pagesRendered,
  rawHttp,
  rawSignedGet,
  rendersInFlight,
  settledCacheFiles,
} from './runner-probes.ts';
import { renderKeyHash } from '../../gpu-runner/render-service/job.ts';

/** Body limit of the runner under test: a 2 MB line fits, and a 413 is cheap to provoke. */
const MAX_BODY_MB = 3;
/** glyph-en pages: 595 × 842 points at 72 dpi, so at most 595 × 842 pixels. */
const PAGE = { width: 595, height: 842 };

let runner: RunnerProcess;
/** The cache directory's files when the runner was last idle; only accepted renders add to it. */
let settled: string[];

beforeAll(async () => {
  runner = await startRunner({ GLYPH_MAX_BODY_MB: String(MAX_BODY_MB) });
});

afterAll(async () => {
  await runner?.stop();
});

beforeEach(async () => {
  settled = await settledCacheFiles(runner.url, runner.cacheDir);
});

afterEach(async () => {
  expect(runner.child.exitCode, runner.output()).toBeNull();
  await expectHealthy(runner.url);
  // Idle again, with nothing stored but the renders the test accepted (a refused request that
  // started work anyway would show up here, after its write had time to land).
  expect(await settledCacheFiles(runner.url, runner.cacheDir)).toEqual(settled);
});

const encoder = new TextEncoder();
const bytes = (...pieces: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(pieces.flatMap((p) => (typeof p === 'string' ? [...encoder.encode(p)] : p)));

/**
 * Sends a request that must be refused; asserts the JSON error, then that the runner is healthy
 * and stored nothing: no render in flight, the same cache files, and no page painted.
 */
async function expectRefused(
  send: () => Promise<Response>,
  status: number,
  code: string,
  mentions?: string,
): Promise<void> {
  const pagesBefore = await pagesRendered(runner.url);
  await expectError(await send(), status, code, mentions);
  await expectHealthy(runner.url);
  expect(await rendersInFlight(runner.url)).toBe(0);
  expect(await filesUnder(runner.cacheDir)).toEqual(settled);
  expect(await pagesRendered(runner.url)).toBe(pagesBefore);
}

const render = (body: unknown, contentType?: string) => () =>
  signed(runner.url, '/v1/render', body, contentType === undefined ? {} : { contentType });

interface Rendered {
  manifest: RenderManifest;
  pages: Uint8Array[];
  ms: number;
}

function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Renders `body` within `deadlineMs`; asserts a well-formed answer (manifest, then one PNG per
 * page, every page within the page size) and that the render was stored in the disk cache.
 */
async function expectRendered(body: unknown, deadlineMs = 30_000): Promise<Rendered> {
  const started = performance.now();
  const response = await signed(runner.url, '/v1/render', body, { signal: AbortSignal.timeout(deadlineMs) });
  expect(response.status, response.status === 200 ? '' : await response.clone().text()).toBe(200);
  const parts = await readMultipart(response, 100_000);
  const ms = performance.now() - started;
  expect(ms).toBeLessThan(deadlineMs);
  expect(parts[0]!.name).toBe('manifest');
  const manifest = JSON.parse(new TextDecoder().decode(parts[0]!.bytes)) as RenderManifest;
  const pages = parts.slice(1).map((p) => p.bytes);
  expect(parts.slice(1).map((p) => p.name)).toEqual(manifest.pages.map((p) => `page-${p.n}`));
  expect(manifest.totals.pages).toBe(pages.length);
  pages.forEach((png, i) => {
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const size = pngSize(png);
    expect(size).toEqual({ width: manifest.pages[i]!.width, height: manifest.pages[i]!.height });
    expect(size.width).toBeLessThanOrEqual(PAGE.width);
    expect(size.height).toBeLessThanOrEqual(PAGE.height);
  });
  settled = await settledCacheFiles(runner.url, runner.cacheDir);
  // These renders name no reflow (drawn as sent), no kind, and the default profile's tokenizer.
  const keyHash = await renderKeyHash({
    configHash: manifest.configHash,
    reflow: 'off',
    family: manifest.textTokenizer.family,
    kind: 'text',
  });
  expect(settled).toContain(cacheMetaPath(manifest.textSha256, keyHash));
  return { manifest, pages, ms };
}

describe('runner: bad input is refused plainly or rendered, and the runner stays healthy', () => {
  it('empty body, empty JSON object and empty text: 400', async () => {
    await expectRefused(render(''), 400, 'invalid_json');
    await expectRefused(render({}), 400, 'invalid_request', 'text');
    await expectRefused(render({ text: '' }), 400, 'invalid_request', 'text');
  });

  it('bytes that are not UTF-8, and an unpaired surrogate escaped in JSON: 400', async () => {
    for (const body of [
      bytes('{"text":"caf', [0xe9], '"}'), // Latin-1 é
      bytes('{"text":"', [0xff, 0xfe], 'x"}'),
      bytes('{"text":"', [0xed, 0xa0, 0x80], '"}'), // a surrogate encoded as UTF-8 (CESU)
      bytes('{"text":"', [0xc0, 0xaf], '"}'), // overlong "/"
      bytes('{"text":"', [0xe2, 0x82], '"}'), // truncated sequence
    ]) {
      await expectRefused(render(body), 400, 'invalid_json', 'UTF-8');
    }
    await expectRefused(render('{"text":"a\\ud800b"}'), 400, 'invalid_request', 'surrogate');
    await expectRefused(render('{"text":"\\udc00"}'), 400, 'invalid_request', 'surrogate');
  });

  it('NUL and other control characters: accepted, drawn as boxes and counted as missing glyphs', async () => {
    const controls = ['\u0000', '\u0001', '\u0007', '\u0008', '\u001b', '\u007f', '\u0080', '\u009f'];
    const { manifest } = await expectRendered({ text: `a${controls.join('b')}c and \u000b\u000c\u001f\u0085 spaces` });
    expect(manifest.missingGlyphs.count).toBe(controls.length);
    expect(manifest.missingGlyphs.codePoints).toEqual(
      controls.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`),
    );
    // Control characters alone are still something to draw: boxes, not "nothing visible".
    const only = await expectRendered({ text: '\u0000\u0000' });
    expect(only.manifest.missingGlyphs.count).toBe(2);
    expect(only.pages).toHaveLength(1);
  });

  it('a BOM: ignored before the JSON, invisible inside the text', async () => {
    const plain = await expectRendered({ text: 'Byte order mark test' });
    const withBom = await expectRendered(
      bytes([0xef, 0xbb, 0xbf], JSON.stringify({ text: '\ufeffByte order mark\ufeff test' })),
    );
    expect(withBom.manifest.missingGlyphs.count).toBe(0);
    // Not drawn at all: the pages are byte-identical to the text without them.
    expect(withBom.pages.map((p) => Buffer.from(p))).toEqual(plain.pages.map((p) => Buffer.from(p)));
    await expectRefused(render({ text: '\ufeff\ufeff' }), 400, 'no_visible_text');
  });

  it('a body over the size limit: 413, signed or not', async () => {
    const big = JSON.stringify({ text: 'a'.repeat(MAX_BODY_MB * 1024 * 1024) });
    await expectRefused(render(big), 413, 'body_too_large');
    await expectRefused(
      () =>
        fetch(`${runner.url}/v1/render`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: big,
        }),
      413,
      'body_too_large',
    );
  });

  it('a 2 MB line with no spaces: rendered within the deadline, pages within the page size', async () => {
    const rssBefore = await metric(runner.url, 'glyph_process_resident_memory_bytes');
    const text = Array.from({ length: 2 * 1024 * 1024 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join(
      '',
    );
    const { manifest, pages, ms } = await expectRendered({ text }, 60_000);
    expect(manifest.chars).toBe(text.length);
    // ~9 000 characters a page: cut between characters, never dropped.
    expect(pages.length).toBeGreaterThan(200);
    expect(manifest.layout.at(-1)!.end).toBe(text.length);
    // Laid out page by page: the runner's memory does not grow with the line (it was +600 MB
    // when a paragraph's glyphs were all built before its first line).
    const rssAfter = await metric(runner.url, 'glyph_process_resident_memory_bytes');
    expect(
      rssAfter - rssBefore,
      `RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(rssAfter / 2 ** 20)} MiB in ${Math.round(ms)} ms`,
    ).toBeLessThan(400 * 1024 * 1024);
  });

  it('200 000 newlines: blank rows make pages, rendered within the deadline; alone they are nothing to draw', async () => {
    const { manifest, pages } = await expectRendered({ text: `start${'\n'.repeat(200_000)}end` }, 60_000);
    // 81 rows a page at glyph-en; every blank row keeps its place, so the last word is ~2 470 pages on.
    expect(pages.length).toBeGreaterThan(200_000 / 82);
    expect(pages.length).toBeLessThan(200_000 / 80 + 2);
    expect(manifest.layout.map((l) => l.page)).toEqual([1, pages.length]);
    await expectRefused(render({ text: '\n'.repeat(200_000) }), 400, 'no_visible_text');
  });

  it('only whitespace and invisible characters: 400 no_visible_text on every route, before any work', async () => {
    const blank = ' \t\n\r\n\u000b\u000c\u00a0\u2003\u2028\u2029\u202f\u3000\u200b\u00ad\u200d\ufeff\u2060';
    await expectRefused(render({ text: blank }), 400, 'no_visible_text', 'text');
    await expectRefused(render({ text: ' '.repeat(100_000) }), 400, 'no_visible_text');
    await expectRefused(() => signed(runner.url, '/v1/decode', { text: blank }), 400, 'no_visible_text');
    await expectRefused(
      () => signed(runner.url, '/v1/answer', { text: blank, question: 'anything?' }),
      400,
      'no_visible_text',
    );
  });

  it('emoji with ZWJ sequences, combining marks, RTL and mixed scripts: 200', async () => {
    const text = [
      '👩‍👩‍👧‍👦 👨🏽‍💻 🏳️‍🌈 🇫🇷 ❤️',
      'Zalgo: Z\u0351\u0307\u036b\u0303a\u0301\u0302\u0303\u0304l\u0310\u0311g\u0306o\u0308',
      'עברית עם ניקוד: שָׁלוֹם',
      'العربية: مرحبا بالعالم',
      'mixed: English, 中文, русский, ελληνικά, हिन्दी, ‏RTL‎ marks',
    ].join('\n');
    const { manifest } = await expectRendered({ text });
    expect(manifest.chars).toBe(text.length);
    expect(manifest.layout).toHaveLength(5);
    // Emoji (and Devanagari, one rare combining mark) have no shipped font: drawn as boxes and
    // counted. Hebrew, Arabic, CJK, Cyrillic, Greek and Latin with accents all have one.
    const missing = manifest.missingGlyphs.codePoints.map((cp) => parseInt(cp.slice(2), 16));
    expect(missing).toContain(0x1f469);
    const covered = [
      [0x0000, 0x024f],
      [0x0370, 0x04ff],
      [0x0590, 0x06ff],
      [0x4e00, 0x9fff],
    ];
    for (const cp of missing)
      expect(
        covered.some(([a, b]) => cp >= a! && cp <= b!),
        cp.toString(16),
      ).toBe(false);
  });

  it('unknown or out-of-range config keys: 400 naming the key', async () => {
    for (const [config, key] of BAD_RENDER_CONFIGS)
      await expectRefused(render({ text: 'x', config }), 400, 'invalid_config', key);
    // Keys that could reach a prototype are plain unknown keys.
    await expectRefused(render('{"text":"x","config":{"__proto__":{"dpi":5}}}'), 400, 'invalid_config', '__proto__');
    await expectRefused(render({ text: 'x', config: [1, 2] }), 400, 'invalid_request', 'config');
  });

  it('an unknown preset or profile: 400 naming it', async () => {
    await expectRefused(render({ text: 'x', preset: 'glyph-fr' }), 400, 'invalid_config', 'preset');
    await expectRefused(render({ text: 'x', preset: '__proto__' }), 400, 'invalid_config', 'preset');
    await expectRefused(render({ text: 'x', profile: 'gpt-9' }), 400, 'invalid_profile', 'profile');
    await expectRefused(render({ text: 'x', profile: 'toString' }), 400, 'invalid_profile', 'profile');
  });

  it('a question over its length limit: 400 naming it', async () => {
    const answer = (question: string) => () =>
      signed(runner.url, '/v1/answer', { text: 'Some text to ask about.', question });
    await expectRefused(answer('q'.repeat(MAX_QUESTION_CHARS + 1)), 400, 'invalid_request', 'question');
    await expectRefused(answer(' \n\t '), 400, 'invalid_request', 'question');
    const fits = await signed(runner.url, '/v1/answer', {
      text: 'Some text to ask about.',
      question: `${'q'.repeat(MAX_QUESTION_CHARS - 5)} text`,
    });
    expect(fits.status).toBe(200);
  });

  it('malformed JSON: 400 invalid_json', async () => {
    for (const body of [
      '{"text": ',
      '{"text":"x"} trailing',
      "{'text':'x'}",
      '{"text":NaN}',
      '{"text":"x",}',
      '\u0000',
      'null x',
    ]) {
      await expectRefused(render(body), 400, 'invalid_json');
    }
    // Well-formed JSON that is not an object is a schema error, not a crash.
    for (const body of ['null', '[]', '"text"', '1e999']) await expectRefused(render(body), 400, 'invalid_request');
  });

  it('deeply nested JSON (100 000 levels): 400, no stack overflow', async () => {
    const depth = 100_000;
    const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    await expectRefused(render(arrays), 400, 'invalid_request');
    await expectRefused(render(objects), 400, 'invalid_request', 'a');
    await expectRefused(render(`{"text":"x","config":{"dpi":${arrays}}}`), 400, 'invalid_config', 'dpi');
    await expectRefused(render(`{"text":"x","config":{"deep":${objects}}}`), 400, 'invalid_config', 'deep');
    await expectRefused(render(`{"text":"x","extra":${arrays}}`), 400, 'invalid_request', 'extra');
    await expectRefused(render(`{"text":${arrays}}`), 400, 'invalid_request', 'text');
  });

  it('a wrong Content-Type: 415', async () => {
    const body = JSON.stringify({ text: 'x' });
    for (const type of [
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/jsonx',
      '',
    ]) {
      await expectRefused(render(body, type), 415, 'unsupported_media_type');
    }
    // Parameters and case do not matter.
    const accepted = await signed(runner.url, '/v1/render', body, { contentType: 'Application/JSON; charset=utf-8' });
    expect(accepted.status).toBe(200);
    await accepted.arrayBuffer();
    settled = await settledCacheFiles(runner.url, runner.cacheDir);
  });

  it('paths with "..", "%2F", NUL or a backslash: 400/401/404, never a file', async () => {
    const targets = [
      '/v1/render/../../../../etc/passwd',
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/v1/render%2F..%2F..%2Fetc%2Fpasswd',
      '/..%2F..%2Fetc%2Fpasswd',
      '/healthz/..%2F..%2Fetc%2Fpasswd',
      '/v1/render%00',
      '/healthz%00',
      '/metrics%00/../../etc/passwd',
      '/v1/..%5C..%5Cetc%5Cpasswd',
      '//etc/passwd',
    ];
    for (const target of targets) {
      const signedResponse = await rawSignedGet(runner.url, target);
      expect(signedResponse.status, target).toBe(404);
      const unsigned = await rawHttp(runner.url, `GET ${target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      expect([401, 404], target).toContain(unsigned.status);
      for (const r of [signedResponse, unsigned]) expect(r.body).not.toMatch(/root:.*:0:0:/);
    }
    // Raw NUL and backslash bytes in the request line: the HTTP layer refuses them.
    for (const target of ['/v1/render\u0000/../etc/passwd', '/v1\\..\\..\\etc\\passwd']) {
      const response = await rawHttp(runner.url, `GET ${target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      expect([400, 401, 404], target).toContain(response.status);
      expect(response.body).not.toMatch(/root:.*:0:0:/);
    }
  });

  it('page ranges that are negative, zero, fractional, huge or inverted: 400; lastPage past the end is clamped', async () => {
    // Two pages of text.
    const text = 'word '.repeat(2_500);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ firstPage: -1 }, 'firstPage'],
      [{ firstPage: 0 }, 'firstPage'],
      [{ lastPage: -5 }, 'lastPage'],
      [{ firstPage: 1.5 }, 'firstPage'],
      [{ firstPage: '1' }, 'firstPage'],
      [{ firstPage: 2 ** 53 }, 'firstPage'],
      [{ lastPage: 1e300 }, 'lastPage'],
      [{ firstPage: Number.MAX_SAFE_INTEGER }, 'firstPage'],
      [{ firstPage: 3 }, 'firstPage'],
      [{ firstPage: 2, lastPage: 1 }, 'lastPage'],
    ];
    for (const [range, field] of cases) await expectRefused(render({ text, ...range }), 400, 'invalid_request', field);
    const clamped = await signed(runner.url, '/v1/render', { text, firstPage: 2, lastPage: 1_000_000 });
    const parts = await readMultipart(clamped);
    const manifest = JSON.parse(new TextDecoder().decode(parts[0]!.bytes)) as RenderManifest;
    expect(manifest.range).toEqual({ firstPage: 2, lastPage: 2 });
    expect(parts.map((p) => p.name)).toEqual(['manifest', 'page-2']);
  });

  it('after all of the above, a normal render works and is cached', async () => {
    const text = 'After the storm: an ordinary paragraph renders as usual.';
    const first = await expectRendered({ text });
    expect(first.pages).toHaveLength(1);
    const again = await signed(runner.url, '/v1/render', { text });
    expect(again.headers.get('x-glyph-cache')).toBe('hit');
    await again.arrayBuffer();
  });
});
