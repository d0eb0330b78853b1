import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, fuzzTimeoutMs } from '../fuzz-budget.ts';
import {
  NonceStore,
  canonicalRequest,
  parseRunnerKeys,
  pathAndQueryOf,
  sha256Hex,
  signRequest,
  signedFetch,
  verifySignature,
  type VerifyResult,
} from '../../protocol/signing.ts';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

// Golden vector: fixed inputs, the canonical string written out by hand, and the signature both
// recomputed with node:crypto (independent of Web Crypto) and pinned as a literal.
const GOLDEN = {
  keyId: 'edge-2025',
  secret: 'k3y:with:colons',
  method: 'post',
  url: 'https://runner.internal:8788/v1/render?preset=glyph-en&profile=glm-4.1v#frag',
  body: '{"text":"Hello, Glyph — 你好"}',
  now: 1_700_000_000,
  nonce: '00112233445566778899aabbccddeeff',
};

function goldenCanonical(): string {
  const bodyHash = createHash('sha256').update(Buffer.from(GOLDEN.body, 'utf8')).digest('hex');
  return (
    'POST\n' +
    '/v1/render?preset=glyph-en&profile=glm-4.1v\n' +
    '1700000000\n' +
    '00112233445566778899aabbccddeeff\n' +
    bodyHash
  );
}

function headersOf(record: Record<string, string>): Headers {
  return new Headers(record);
}

function expectFail(result: VerifyResult, code: string): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.code).toBe(code);
}

describe('canonicalRequest', () => {
  it('joins METHOD, path+query, timestamp, nonce and body hash with \\n, method uppercased', () => {
    expect(
      canonicalRequest({
        method: 'get',
        pathAndQuery: '/healthz?x=1',
        timestamp: '1700000000',
        nonce: 'ab'.repeat(16),
        bodySha256Hex: EMPTY_SHA256,
      }),
    ).toBe(`GET\n/healthz?x=1\n1700000000\n${'ab'.repeat(16)}\n${EMPTY_SHA256}`);
  });

  it('rejects a field containing a newline (field boundaries must be unambiguous)', () => {
    expect(() =>
      canonicalRequest({
        method: 'GET',
        pathAndQuery: '/a\n1',
        timestamp: '1',
        nonce: 'n',
        bodySha256Hex: EMPTY_SHA256,
      }),
    ).toThrow(/pathAndQuery contains a newline/);
  });

  it('hashes an absent body as the SHA-256 of zero bytes', async () => {
    expect(await sha256Hex(null)).toBe(EMPTY_SHA256);
    expect(await sha256Hex(new Uint8Array(0))).toBe(EMPTY_SHA256);
    expect(await sha256Hex('')).toBe(EMPTY_SHA256);
  });
});

describe('signRequest golden vector', () => {
  it('matches a node:crypto HMAC over the hand-written canonical string', async () => {
    const headers = await signRequest(GOLDEN);
    const expected = createHmac('sha256', GOLDEN.secret).update(goldenCanonical(), 'utf8').digest('hex');
    expect(headers).toEqual({
      'x-glyph-key-id': 'edge-2025',
      'x-glyph-timestamp': '1700000000',
      'x-glyph-nonce': GOLDEN.nonce,
      'x-glyph-signature': expected,
    });
    // Pinned so a change to the format cannot slip by with both sides changing together.
    expect(headers['x-glyph-signature']).toBe('f98b5fb186cf524869e0f14b26c6750c451b01a3aa8a511d60e035891b9d18a2');
  });

  it('signs a path+query the same as the full URL, and bytes the same as their UTF-8 string', async () => {
    const full = await signRequest(GOLDEN);
    const path = await signRequest({
      ...GOLDEN,
      url: '/v1/render?preset=glyph-en&profile=glm-4.1v',
      body: new TextEncoder().encode(GOLDEN.body),
    });
    expect(path).toEqual(full);
  });

  it('defaults to a fresh 128-bit hex nonce and the current time', async () => {
    const before = Math.floor(Date.now() / 1000);
    const a = await signRequest({ keyId: 'k', secret: 's', method: 'GET', url: '/x', body: null });
    const b = await signRequest({ keyId: 'k', secret: 's', method: 'GET', url: '/x', body: null });
    expect(a['x-glyph-nonce']).toMatch(/^[0-9a-f]{32}$/);
    expect(a['x-glyph-nonce']).not.toBe(b['x-glyph-nonce']);
    expect(a['x-glyph-signature']).toMatch(/^[0-9a-f]{64}$/);
    const ts = Number(a['x-glyph-timestamp']);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(before + 2);
  });
});

describe('pathAndQueryOf', () => {
  it('keeps pathname + search, drops origin and fragment, treats // as a path', () => {
    expect(pathAndQueryOf('https://h:1/a/b?c=d#e')).toBe('/a/b?c=d');
    expect(pathAndQueryOf('/a b?q=ü')).toBe('/a%20b?q=%C3%BC');
    expect(pathAndQueryOf('//evil/x')).toBe('//evil/x');
    expect(pathAndQueryOf('http://h')).toBe('/');
  });
});

describe('parseRunnerKeys', () => {
  it('parses several entries, trims whitespace, keeps ":" inside secrets', () => {
    const keys = parseRunnerKeys(' old:s3cret , new:a:b:c\n');
    expect([...keys]).toEqual([
      ['old', 's3cret'],
      ['new', 'a:b:c'],
    ]);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['nocolon', /entry 1 of 1 has no ':'/],
    ['a:1,,b:2', /entry 2 of 3 is empty/],
    ['a:1,', /entry 2 of 2 is empty/],
    [':secret', /empty key id/],
    ['kid:', /key id "kid"\) has an empty secret/],
    ['a:1,a:2', /repeats key id "a"/],
    ['bad id:1', /visible ASCII/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseRunnerKeys(spec)).toThrow(message);
  });

  it('never puts a secret in an error message', () => {
    try {
      parseRunnerKeys('a:topsecret,a:topsecret');
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('topsecret');
    }
  });
});

describe('verifySignature', () => {
  const keys = new Map([['edge-2025', GOLDEN.secret]]);
  const body = new TextEncoder().encode(GOLDEN.body);
  const pathAndQuery = '/v1/render?preset=glyph-en&profile=glm-4.1v';

  async function verify(
    overrides: Partial<Parameters<typeof verifySignature>[0]> & { headers?: Headers } = {},
  ): Promise<VerifyResult> {
    const signed = await signRequest(GOLDEN);
    return verifySignature({
      method: 'POST',
      pathAndQuery,
      headers: headersOf(signed),
      body,
      keys,
      nonces: new NonceStore(),
      now: GOLDEN.now,
      ...overrides,
    });
  }

  it('accepts the golden request and names the key', async () => {
    expect(await verify()).toEqual({ ok: true, keyId: 'edge-2025' });
  });

  it('names every missing header', async () => {
    const result = await verify({ headers: new Headers() });
    expectFail(result, 'missing_signature_headers');
    if (!result.ok) {
      for (const name of ['x-glyph-key-id', 'x-glyph-timestamp', 'x-glyph-nonce', 'x-glyph-signature']) {
        expect(result.message).toContain(name);
      }
    }
  });

  it('rejects a malformed timestamp, nonce and signature with their own codes', async () => {
    const signed = await signRequest(GOLDEN);
    expectFail(await verify({ headers: headersOf({ ...signed, 'x-glyph-timestamp': '17e8' }) }), 'bad_timestamp');
    expectFail(await verify({ headers: headersOf({ ...signed, 'x-glyph-timestamp': '-5' }) }), 'bad_timestamp');
    expectFail(await verify({ headers: headersOf({ ...signed, 'x-glyph-nonce': 'abc' }) }), 'bad_nonce');
    expectFail(await verify({ headers: headersOf({ ...signed, 'x-glyph-nonce': 'z'.repeat(32) }) }), 'bad_nonce');
    expectFail(await verify({ headers: headersOf({ ...signed, 'x-glyph-nonce': 'a'.repeat(130) }) }), 'bad_nonce');
    expectFail(
      await verify({
        headers: headersOf({ ...signed, 'x-glyph-signature': signed['x-glyph-signature'].toUpperCase() }),
      }),
      'bad_signature',
    );
    expectFail(await verify({ headers: headersOf({ ...signed, 'x-glyph-signature': 'ab' }) }), 'bad_signature');
  });

  it('accepts exactly ±60 s of skew and rejects ±61 s', async () => {
    expect((await verify({ now: GOLDEN.now + 60 })).ok).toBe(true);
    expect((await verify({ now: GOLDEN.now - 60 })).ok).toBe(true);
    expectFail(await verify({ now: GOLDEN.now + 61 }), 'timestamp_skew');
    expectFail(await verify({ now: GOLDEN.now - 61 }), 'timestamp_skew');
  });

  it('does not record the nonce of a request whose signature fails', async () => {
    const nonces = new NonceStore();
    expectFail(await verify({ nonces, body: new Uint8Array([1]) }), 'bad_signature');
    expect(nonces.size).toBe(0);
    expect((await verify({ nonces })).ok).toBe(true);
    expect(nonces.size).toBe(1);
    expectFail(await verify({ nonces }), 'replayed_nonce');
  });

  it('remembers a nonce for the whole window a replay could pass the timestamp check', async () => {
    // Stamped 60 s ahead of the runner clock, first seen at T: the timestamp stays acceptable
    // until T + 120, so the nonce must still be known then.
    const nonces = new NonceStore();
    const signed = await signRequest({ ...GOLDEN, now: GOLDEN.now + 60 });
    const at = (now: number) =>
      verifySignature({ method: 'POST', pathAndQuery, headers: headersOf(signed), body, keys, nonces, now });
    expect((await at(GOLDEN.now)).ok).toBe(true);
    expectFail(await at(GOLDEN.now + 120), 'replayed_nonce');
    expectFail(await at(GOLDEN.now + 121), 'timestamp_skew');
  });

  it('lets exactly one of two concurrent copies of a request through', async () => {
    const nonces = new NonceStore();
    const results = await Promise.all([verify({ nonces }), verify({ nonces }), verify({ nonces })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.code === 'replayed_nonce')).toHaveLength(2);
  });

  it('refuses a nonce store that forgets before 2 × skew', async () => {
    await expect(verify({ nonces: new NonceStore({ skewSeconds: 10 }) })).rejects.toThrow(/2 × 60s/);
  });

  it('property: sign → verify is ok; one changed body byte, path or method → bad_signature', {
    timeout: fuzzTimeoutMs(),
  }, async () => {
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom(...methods),
          lowerCase: fc.boolean(),
          path: fc.webPath(),
          query: fc.option(fc.webQueryParameters(), { nil: undefined }),
          body: fc.uint8Array({ minLength: 1, maxLength: 512 }),
          timestamp: fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
          drift: fc.integer({ min: -60, max: 60 }),
          secret: fc.string({ minLength: 1, maxLength: 64 }),
          byteIndex: fc.nat(),
          xor: fc.integer({ min: 1, max: 255 }),
          pathIndex: fc.nat(),
          pathChar: fc.constantFrom('a', 'Z', '0', '/', '%', '-', '~'),
          otherMethod: fc.constantFrom(...methods),
        }),
        async (t) => {
          fc.pre(t.otherMethod !== t.method);
          const url = `/${t.path.replace(/^\/+/, '')}${t.query === undefined ? '' : `?${t.query}`}`;
          const method = t.lowerCase ? t.method.toLowerCase() : t.method;
          const headers = headersOf(
            await signRequest({ keyId: 'k', secret: t.secret, method, url, body: t.body, now: t.timestamp }),
          );
          const base = {
            method: t.method,
            pathAndQuery: pathAndQueryOf(url),
            headers,
            body: t.body,
            keys: new Map([['k', t.secret]]),
            // Small: the default store preallocates for 150 000 nonces, slow to build per case.
            nonces: new NonceStore({ maxEntries: 16 }),
            now: t.timestamp + t.drift,
          };

          const tamperedBody = t.body.slice();
          tamperedBody[t.byteIndex % tamperedBody.length] ^= t.xor;
          const p = base.pathAndQuery;
          const i = t.pathIndex % (p.length + 1);
          const tamperedPath = p.slice(0, i) + t.pathChar + p.slice(i);

          // Tampered copies first, on the same store: their failures must not burn the nonce.
          expectFail(await verifySignature({ ...base, body: tamperedBody }), 'bad_signature');
          expectFail(await verifySignature({ ...base, pathAndQuery: tamperedPath }), 'bad_signature');
          expectFail(await verifySignature({ ...base, method: t.otherMethod }), 'bad_signature');
          expect(await verifySignature(base)).toEqual({ ok: true, keyId: 'k' });
          expectFail(await verifySignature(base), 'replayed_nonce');
        },
      ),
      fuzzParameters(200),
    );
  });

  it('property: a timestamp more than 60 s off is rejected whatever else is right', {
    timeout: fuzzTimeoutMs(),
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
        fc.integer({ min: 61, max: 1_000_000 }),
        fc.boolean(),
        async (timestamp, off, ahead) => {
          const headers = headersOf(
            await signRequest({ keyId: 'k', secret: 's', method: 'GET', url: '/x', body: null, now: timestamp }),
          );
          const result = await verifySignature({
            method: 'GET',
            pathAndQuery: '/x',
            headers,
            body: new Uint8Array(0),
            keys: new Map([['k', 's']]),
            nonces: new NonceStore({ maxEntries: 16 }),
            now: ahead ? timestamp - off : timestamp + off,
          });
          expectFail(result, 'timestamp_skew');
        },
      ),
      fuzzParameters(100),
    );
  });
});

describe('NonceStore', () => {
  it('remembers for 2 × skew inclusive, then forgets', () => {
    const store = new NonceStore({ skewSeconds: 60 });
    expect(store.ttlSeconds).toBe(120);
    expect(store.seen('n', 1000)).toBe(false);
    store.remember('n', 1000);
    expect(store.seen('n', 1000)).toBe(true);
    expect(store.seen('n', 1120)).toBe(true);
    expect(store.seen('n', 1121)).toBe(false);
    expect(store.size).toBe(0); // the expired entry was dropped on lookup
  });

  it('evicts the oldest entry when full and counts evictions of still-live nonces', () => {
    const store = new NonceStore({ maxEntries: 3 });
    store.remember('a', 1000);
    store.remember('b', 1001);
    store.seen('a', 1001); // a lookup must not make 'a' younger
    store.remember('c', 1002);
    store.remember('d', 1003);
    expect(store.size).toBe(3);
    expect(store.seen('a', 1003)).toBe(false);
    expect(['b', 'c', 'd'].every((n) => store.seen(n, 1003))).toBe(true);
    expect(store.evictedLive).toBe(1);
    // Evicting an already-expired entry is harmless and not counted.
    store.remember('e', 2000);
    expect(store.evictedLive).toBe(1);
  });

  it('holds 1000 req/s × 120 s without evicting a live nonce at the default size', () => {
    const store = new NonceStore();
    let n = 0;
    for (let second = 0; second < 240; second++) {
      for (let r = 0; r < 1000; r++) store.remember((n++).toString(16).padStart(32, '0'), 1_700_000_000 + second);
    }
    expect(store.evictedLive).toBe(0);
  });

  it('rejects nonsense sizes', () => {
    expect(() => new NonceStore({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new NonceStore({ skewSeconds: -1 })).toThrow(RangeError);
  });
});

describe('signedFetch', () => {
  it('sends the exact signed bytes with caller headers plus the signature headers', async () => {
    let seen: Request | undefined;
    const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
      seen = new Request(input, init);
      return new Response('ok');
    }) as typeof fetch;
    const response = await signedFetch(
      {
        url: 'http://runner:8788/v1/render?x=1',
        method: 'POST',
        body: '{"a":"é"}',
        headers: { 'content-type': 'application/json', 'x-glyph-signature': 'spoofed' },
      },
      { keyId: 'k', secret: 's' },
      fetchImpl,
    );
    expect(await response.text()).toBe('ok');
    expect(seen).toBeDefined();
    const request = seen!;
    const bytes = new Uint8Array(await request.arrayBuffer());
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('x-glyph-signature')).not.toBe('spoofed');
    const result = await verifySignature({
      method: request.method,
      pathAndQuery: pathAndQueryOf(request.url),
      headers: request.headers,
      body: bytes,
      keys: new Map([['k', 's']]),
      nonces: new NonceStore(),
    });
    expect(result).toEqual({ ok: true, keyId: 'k' });
  });

  it('sends no body for a GET with a null body', async () => {
    let init: RequestInit | undefined;
    await signedFetch({ url: 'http://runner/v1/x', method: 'GET', body: null }, { keyId: 'k', secret: 's' }, (async (
      _input: RequestInfo | URL,
      i?: RequestInit,
    ) => {
      init = i;
      return new Response(null, { status: 204 });
    }) as typeof fetch);
    expect(init?.body).toBeUndefined();
  });
});
