/**
 * The signing verifier, fuzzed beyond signing.test.ts's properties (which change the body, path
 * or method of a signed request): here any one of the signed parts — each of the four headers,
 * the body, the path or query, the method — is changed, dropped or doubled, and the request must
 * be refused without burning its nonce; and headers of random garbage must always get a
 * structured refusal, never an exception, never a nonce stored, never a secret echoed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NONCE_HEADER,
  NonceStore,
  SIGNATURE_HEADERS,
  pathAndQueryOf,
  type SignatureErrorCode,
  signRequest,
  verifySignature,
} from '../../protocol/signing.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../fuzz-budget.ts';

const CODES: SignatureErrorCode[] = [
  'missing_signature_headers',
  'unknown_key_id',
  'bad_timestamp',
  'timestamp_skew',
  'bad_nonce',
  'replayed_nonce',
  'bad_signature',
];

const tokenChars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~';
const token = fc.string({ unit: fc.constantFrom(...tokenChars), minLength: 1, maxLength: 16 });
/** Characters a WHATWG-parsed path and query can hold (no raw newline: URL parsing removes it). */
const pathChar = fc.constantFrom(...'abcXYZ019/-._~%?&=+!$,;:@'.split(''));
/** Any header value `Headers` accepts: Latin-1 without NUL, CR or LF. */
const headerValue = fc.string({
  unit: fc
    .integer({ min: 1, max: 255 })
    .filter((c) => c !== 10 && c !== 13)
    .map((c) => String.fromCharCode(c)),
  maxLength: 80,
});
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** One change to a signed request. */
type Mutation =
  | {
      kind: 'header';
      name: string;
      edit: 'replace' | 'flip' | 'append' | 'drop-char' | 'upper' | 'zero-pad' | 'delete' | 'double' | 'empty';
      value: string;
      at: number;
    }
  | { kind: 'body'; at: number; xor: number; grow: boolean }
  | { kind: 'path'; at: number; char: string }
  | { kind: 'method'; method: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('header' as const),
    name: fc.constantFrom(...SIGNATURE_HEADERS),
    edit: fc.constantFrom('replace', 'flip', 'append', 'drop-char', 'upper', 'zero-pad', 'delete', 'double', 'empty'),
    value: headerValue,
    at: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('body' as const),
    at: fc.nat(),
    xor: fc.integer({ min: 1, max: 255 }),
    grow: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('path' as const), at: fc.nat(), char: pathChar }),
  fc.record({ kind: fc.constant('method' as const), method: fc.constantFrom(...methods) }),
);

/** `value` with one character changed to another of the same kind (hex stays hex, digits digits). */
function flip(value: string, at: number): string {
  const i = at % value.length;
  const c = value[i]!;
  const swap = /[0-9]/.test(c)
    ? c === '9'
      ? '0'
      : String(Number(c) + 1)
    : c === 'f'
      ? 'e'
      : c === 'a'
        ? 'b'
        : c === 'z'
          ? 'y'
          : 'a';
  return value.slice(0, i) + swap + value.slice(i + 1);
}

describe('signing verifier properties (fast-check)', () => {
  it('any change to any signed part of a request is refused, and does not burn its nonce', {
    timeout: fuzzTimeoutMs(),
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ id: token, secret: fc.string({ minLength: 1, maxLength: 40 }) }), {
          minLength: 1,
          maxLength: 3,
          selector: (k) => k.id,
        }),
        fc.nat(),
        fc.constantFrom(...methods),
        fc.array(pathChar, { maxLength: 30 }).map((cs) => `/v1/${cs.join('').replace(/[?#]/g, '')}`),
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
        fc.integer({ min: -60, max: 60 }),
        mutation,
        async (keyList, pick, method, path, body, timestamp, drift, change) => {
          fc.pre(new Set(keyList.map((k) => k.secret)).size === keyList.length);
          const keys = new Map(keyList.map((k) => [k.id, k.secret]));
          const key = keyList[pick % keyList.length]!;
          const signed = await signRequest({
            keyId: key.id,
            secret: key.secret,
            method,
            url: path,
            body,
            now: timestamp,
          });
          // As the runner sees it: after WHATWG URL parsing ("/v1/." is "/v1/").
          const pathAndQuery = pathAndQueryOf(path);
          const original: { method: string; pathAndQuery: string; body: Uint8Array; headers: Headers } = {
            method,
            pathAndQuery,
            body,
            headers: new Headers(signed),
          };

          let request = original;
          switch (change.kind) {
            case 'header': {
              const headers = new Headers(signed);
              const old = signed[change.name]!;
              const next = {
                replace: change.value,
                flip: flip(old, change.at),
                append: `${old}${change.value || '0'}`,
                'drop-char': old.slice(0, -1),
                upper: old.toUpperCase(),
                'zero-pad': `0${old}`,
                delete: undefined,
                double: undefined,
                empty: '',
              }[change.edit];
              if (change.edit === 'delete') headers.delete(change.name);
              else if (change.edit === 'double') headers.append(change.name, old);
              else headers.set(change.name, next!);
              // An edit that leaves the value as it was (upper-casing digits) changes nothing.
              fc.pre(headers.get(change.name) !== old);
              request = { ...original, headers };
              break;
            }
            case 'body': {
              const changed = change.grow || body.length === 0 ? Uint8Array.from([...body, change.xor]) : body.slice();
              if (!change.grow && body.length > 0) changed[change.at % body.length]! ^= change.xor;
              request = { ...original, body: changed };
              break;
            }
            case 'path': {
              const i = change.at % (pathAndQuery.length + 1);
              request = { ...original, pathAndQuery: pathAndQuery.slice(0, i) + change.char + pathAndQuery.slice(i) };
              break;
            }
            case 'method':
              fc.pre(change.method !== method);
              request = { ...original, method: change.method };
              break;
          }

          // Small: the default store preallocates for 150 000 nonces, too slow to build per case.
          const nonces = new NonceStore({ maxEntries: 16 });
          const now = timestamp + drift;
          const result = await verifySignature({ ...request, keys, nonces, now });
          expect(result.ok, JSON.stringify(change)).toBe(false);
          if (!result.ok) expect(CODES).toContain(result.code);
          expect(nonces.size).toBe(0);
          // The unchanged request still passes once, then is a replay.
          expect(await verifySignature({ ...original, keys, nonces, now })).toEqual({ ok: true, keyId: key.id });
          const replay = await verifySignature({ ...original, keys, nonces, now });
          expect(replay.ok ? '' : replay.code).toBe('replayed_nonce');
        },
      ),
      fuzzParameters(300),
    );
  });

  it('garbage headers, methods, paths and bodies get a structured refusal, never an exception', {
    timeout: fuzzTimeoutMs(),
  }, async () => {
    const secret = 'garbage-test-secret';
    const name = fc.oneof(
      fc.constantFrom(...SIGNATURE_HEADERS),
      token.map((t) => `x-${t}`),
    );
    const plausible = fc.oneof(
      headerValue,
      fc.constantFrom('k', 'K', ' k', 'k '),
      fc.integer({ min: -1e12, max: 1e13 }).map(String),
      fc.stringMatching(/^[0-9a-fA-F]{0,140}$/),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(name, plausible, { maxKeys: 6 }),
        token,
        fc.array(pathChar, { maxLength: 40 }).map((cs) => `/${cs.join('')}`),
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        async (record, method, path, body, now) => {
          let headers: Headers;
          try {
            headers = new Headers(record);
          } catch {
            return fc.pre(false);
          }
          // A correct nonce + signature by chance is impossible; make sure the nonce is not reused.
          const nonces = new NonceStore({ maxEntries: 16 });
          const result = await verifySignature({
            method,
            pathAndQuery: path,
            headers,
            body,
            keys: new Map([['k', secret]]),
            nonces,
            now,
          });
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(CODES).toContain(result.code);
          expect(typeof result.message).toBe('string');
          expect(result.message.length).toBeLessThan(300);
          expect(result.message).not.toContain(secret);
          expect(nonces.size).toBe(0);
          if (!headers.get(NONCE_HEADER)) expect(result.code).toBe('missing_signature_headers');
        },
      ),
      fuzzParameters(500),
    );
  });
});
