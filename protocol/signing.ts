/**
 * Request signing for the internal edge → runner API (DESIGN.md, "Signed internal API").
 *
 *   canonical = METHOD \n PATH_AND_QUERY \n TIMESTAMP \n NONCE \n hex(SHA-256(body))
 *   x-glyph-signature = lowercase hex HMAC-SHA256(secret, canonical)
 *
 * Web Crypto only (`crypto.subtle`, `crypto.getRandomValues`) and no Node imports, because the
 * edge (Cloudflare Worker) signs and the runner (Node 20) verifies with this same module.
 * `lru-cache` is pure JS; bundlers for Workers resolve its `browser` build, which has no Node
 * imports.
 */
import { DEFAULT_SKEW_SECONDS, NonceStore } from './nonce-store.ts';
import { fromHex, randomHex, sha256Hex as sha256HexOf, toBufferSource, toHex } from './primitives/bytes.ts';

export { DEFAULT_MAX_NONCES, DEFAULT_SKEW_SECONDS, NonceStore, type NonceStoreOptions } from './nonce-store.ts';

/** Header that names which runner key signed the request (see `GLYPH_RUNNER_KEYS`). */
export const KEY_ID_HEADER = 'x-glyph-key-id';
/** Header carrying the signing time in unix seconds. */
export const TIMESTAMP_HEADER = 'x-glyph-timestamp';
/** Header carrying a single-use random hex nonce (≥ 128 bits). */
export const NONCE_HEADER = 'x-glyph-nonce';
/** Header carrying the lowercase hex HMAC-SHA256 signature of the canonical request. */
export const SIGNATURE_HEADER = 'x-glyph-signature';

/** The four signature headers, in the order a "missing" error names them. */
export const SIGNATURE_HEADERS = [KEY_ID_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER] as const;

// 32 hex chars = the 128 random bits the design asks for. The upper bound keeps a hostile header
// from parking kilobytes per entry in the nonce store.
const NONCE_PATTERN = /^[0-9a-fA-F]{32,128}$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
// Unix seconds as plain decimal digits; a bound on length keeps Number() exact.
const TIMESTAMP_PATTERN = /^[0-9]{1,12}$/;

const encoder = new TextEncoder();

/** Body bytes as callers may hand them in: raw bytes, a UTF-8 string, or nothing. */
export type SignableBody = Uint8Array | string | null | undefined;

/** The shared secret of one runner key. */
export interface RunnerCredentials {
  /** Key id sent in `x-glyph-key-id`; the runner looks the secret up by it. */
  keyId: string;
  /** Shared secret; its UTF-8 bytes are the HMAC key. */
  secret: string;
}

/** The fields the canonical string is built from. */
export interface CanonicalRequestInput {
  /** HTTP method; uppercased in the canonical string. */
  method: string;
  /** `pathname + search` of the URL, as {@link pathAndQueryOf} returns it. */
  pathAndQuery: string;
  /** The `x-glyph-timestamp` header value, exactly as sent. */
  timestamp: string;
  /** The `x-glyph-nonce` header value, exactly as sent. */
  nonce: string;
  /** Lowercase hex SHA-256 of the body bytes (of zero bytes when there is no body). */
  bodySha256Hex: string;
}

/** Options of {@link signRequest}. */
export interface SignRequestOptions extends RunnerCredentials {
  /** HTTP method of the request to sign. */
  method: string;
  /** Either a path with optional query (`/v1/render?x=1`) or a full URL; only path + query is signed. */
  url: string;
  /** Body bytes (strings are signed as UTF-8); `null` means no body. */
  body: SignableBody;
  /** Signing time in unix seconds; defaults to the current time. */
  now?: number;
  /** Nonce to use; defaults to 128 fresh random bits as hex. Tests pin it. */
  nonce?: string;
}

/** The four `x-glyph-*` headers a signed request carries. */
export type SignatureHeaders = Record<string, string>;

/** Stable machine-readable reasons a signature check fails. */
export type SignatureErrorCode =
  | 'missing_signature_headers'
  | 'unknown_key_id'
  | 'bad_timestamp'
  | 'timestamp_skew'
  | 'bad_nonce'
  | 'replayed_nonce'
  | 'bad_signature';

/** Outcome of {@link verifySignature}. */
export type VerifyResult = { ok: true; keyId: string } | { ok: false; code: SignatureErrorCode; message: string };

/** Options of {@link verifySignature}. */
export interface VerifySignatureOptions {
  /** HTTP method the request arrived with. */
  method: string;
  /** `pathname + search` of the URL the request arrived at ({@link pathAndQueryOf}). */
  pathAndQuery: string;
  /** Request headers (the four `x-glyph-*` ones are read). */
  headers: Headers;
  /** The exact body bytes received (empty when there is none). */
  body: Uint8Array;
  /** Accepted keys, key id → secret (from {@link parseRunnerKeys}). Several ids allow rotation. */
  keys: Map<string, string>;
  /** Memory of nonces already accepted; must be kept for at least 2 × `skewSeconds`. */
  nonces: NonceStore;
  /** Current time in unix seconds; defaults to the clock. */
  now?: number;
  /** Allowed |now − timestamp| in seconds; default 60. */
  skewSeconds?: number;
}

/** A request for {@link signedFetch}. */
export interface SignedFetchInput {
  /** Absolute URL of the runner endpoint. */
  url: string;
  /** HTTP method. */
  method: string;
  /** Body bytes (strings are sent and signed as UTF-8); `null` for none. */
  body: SignableBody;
  /** Extra headers (e.g. `content-type`); the signature headers override any of the same name. */
  headers?: HeadersInit;
  /** Aborts the fetch (timeouts, failover to another runner). */
  signal?: AbortSignal;
}

/**
 * Parses `GLYPH_RUNNER_KEYS` (`"kid:secret,kid2:secret2"`) into key id → secret.
 * Only the first ':' of an entry separates id from secret, so secrets may contain ':' (not ',').
 * Errors name the entry by position and id, never echo a secret.
 */
export function parseRunnerKeys(spec: string): Map<string, string> {
  const keys = new Map<string, string>();
  if (spec.trim() === '') {
    throw new Error('runner keys: the list is empty; expected "kid:secret[,kid2:secret2...]"');
  }
  const entries = spec.split(',');
  entries.forEach((raw, index) => {
    const entry = raw.trim();
    const where = `runner keys: entry ${index + 1} of ${entries.length}`;
    if (entry === '') {
      throw new Error(`${where} is empty (stray ',')`);
    }
    const colon = entry.indexOf(':');
    if (colon === -1) {
      throw new Error(`${where} has no ':'; expected "kid:secret"`);
    }
    const keyId = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1);
    if (keyId === '') {
      throw new Error(`${where} has an empty key id`);
    }
    // The id travels in an HTTP header: keep it to visible ASCII.
    if (!/^[\x21-\x7e]+$/.test(keyId)) {
      throw new Error(`${where} has a key id with characters other than visible ASCII`);
    }
    if (secret === '') {
      throw new Error(`${where} (key id "${keyId}") has an empty secret`);
    }
    if (keys.has(keyId)) {
      throw new Error(`${where} repeats key id "${keyId}"`);
    }
    keys.set(keyId, secret);
  });
  return keys;
}

/**
 * The path and query of a URL as both sides sign it: `pathname + search` after WHATWG URL
 * parsing (so percent-encoding is normalised the same way on edge and runner), fragment dropped.
 * Accepts a full URL or a path starting with '/'.
 */
export function pathAndQueryOf(url: string): string {
  // Concatenate instead of using a base URL: new URL('//a/b', base) would read "a" as a host.
  const parsed = url.startsWith('/') ? new URL(`http://runner${url}`) : new URL(url);
  return parsed.pathname + parsed.search;
}

/**
 * Builds the exact string that is HMAC'd:
 * METHOD + "\n" + PATH_AND_QUERY + "\n" + TIMESTAMP + "\n" + NONCE + "\n" + BODY_SHA256_HEX.
 */
export function canonicalRequest(input: CanonicalRequestInput): string {
  const { method, pathAndQuery, timestamp, nonce, bodySha256Hex } = input;
  // '\n' separates the fields; one inside a field could make two requests share a canonical
  // string. Methods are HTTP tokens and WHATWG URLs never keep a raw newline, so this only
  // trips on programming errors.
  for (const [name, value] of [
    ['method', method],
    ['pathAndQuery', pathAndQuery],
    ['timestamp', timestamp],
    ['nonce', nonce],
    ['bodySha256Hex', bodySha256Hex],
  ] as const) {
    if (value.includes('\n')) {
      throw new TypeError(`canonicalRequest: ${name} contains a newline`);
    }
  }
  return [method.toUpperCase(), pathAndQuery, timestamp, nonce, bodySha256Hex].join('\n');
}

/** Lowercase hex SHA-256 of the given bytes (strings are hashed as UTF-8). */
export async function sha256Hex(body: SignableBody): Promise<string> {
  return sha256HexOf(bodyBytes(body));
}

/** Signs a request for the runner and returns the four `x-glyph-*` headers to send with it. */
export async function signRequest(options: SignRequestOptions): Promise<SignatureHeaders> {
  const timestamp = String(Math.floor(options.now ?? nowSeconds()));
  const nonce = options.nonce ?? randomNonce();
  const canonical = canonicalRequest({
    method: options.method,
    pathAndQuery: pathAndQueryOf(options.url),
    timestamp,
    nonce,
    bodySha256Hex: await sha256Hex(options.body),
  });
  const key = await importHmacKey(options.secret, 'sign');
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(canonical));
  return {
    [KEY_ID_HEADER]: options.keyId,
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: toHex(new Uint8Array(mac)),
  };
}

/**
 * Checks a signed request: headers present, key known, timestamp within ±skew, nonce well-formed
 * and unseen, HMAC valid. Cheap checks run first; the nonce is recorded only after the HMAC
 * verifies, so unsigned garbage cannot fill the nonce store.
 */
export async function verifySignature(options: VerifySignatureOptions): Promise<VerifyResult> {
  const { headers, keys, nonces } = options;
  const skew = options.skewSeconds ?? DEFAULT_SKEW_SECONDS;
  const now = Math.floor(options.now ?? nowSeconds());

  // A store that forgets sooner than 2 × skew would let replays through: a setup bug, not a
  // client error, so it throws.
  if (nonces.ttlSeconds < 2 * skew) {
    throw new Error(`verifySignature: nonce store keeps nonces ${nonces.ttlSeconds}s, needs at least 2 × ${skew}s`);
  }

  const missing = SIGNATURE_HEADERS.filter((name) => !headers.get(name));
  if (missing.length > 0) {
    return fail('missing_signature_headers', `missing signature header(s): ${missing.join(', ')}`);
  }
  // Non-null: all four were just checked.
  const keyId = headers.get(KEY_ID_HEADER)!;
  const timestamp = headers.get(TIMESTAMP_HEADER)!;
  const nonce = headers.get(NONCE_HEADER)!;
  const signature = headers.get(SIGNATURE_HEADER)!;

  const secret = keys.get(keyId);
  if (secret === undefined) {
    return fail('unknown_key_id', `unknown ${KEY_ID_HEADER} "${truncate(keyId)}"`);
  }
  if (!TIMESTAMP_PATTERN.test(timestamp)) {
    return fail('bad_timestamp', `${TIMESTAMP_HEADER} must be unix seconds as decimal digits`);
  }
  const offset = Number(timestamp) - now;
  if (Math.abs(offset) > skew) {
    return fail('timestamp_skew', `${TIMESTAMP_HEADER} is ${offset}s off the runner clock (allowed ±${skew}s)`);
  }
  if (!NONCE_PATTERN.test(nonce)) {
    return fail('bad_nonce', `${NONCE_HEADER} must be 32 to 128 hex characters`);
  }
  if (!SIGNATURE_PATTERN.test(signature)) {
    return fail('bad_signature', `${SIGNATURE_HEADER} must be 64 lowercase hex characters`);
  }
  // Early exit for a plain replay, before paying for the HMAC.
  if (nonces.seen(nonce, now)) {
    return fail('replayed_nonce', `${NONCE_HEADER} was already used`);
  }

  const canonical = canonicalRequest({
    method: options.method,
    pathAndQuery: options.pathAndQuery,
    timestamp,
    nonce,
    bodySha256Hex: await sha256Hex(options.body),
  });
  const key = await importHmacKey(secret, 'verify');
  // Constant time: subtle.verify recomputes the MAC and compares it inside the crypto library
  // (CRYPTO_memcmp in Node and in workerd's BoringSSL), so response timing does not reveal how
  // many leading bytes of a forged signature were right. Comparing hex strings with === would.
  const valid = await crypto.subtle.verify('HMAC', key, toBufferSource(fromHex(signature)), encoder.encode(canonical));
  if (!valid) {
    return fail('bad_signature', `${SIGNATURE_HEADER} does not match the request`);
  }

  // Check again: two copies of one request may both have passed the early check while awaiting
  // the HMAC. seen() + remember() run synchronously here, so exactly one copy wins.
  if (nonces.seen(nonce, now)) {
    return fail('replayed_nonce', `${NONCE_HEADER} was already used`);
  }
  nonces.remember(nonce, now);
  return { ok: true, keyId };
}

/**
 * Sends a signed request to a runner: signs method, path + query and the exact body bytes, then
 * calls `fetchImpl` with the same bytes and the caller's headers plus the `x-glyph-*` ones.
 */
export async function signedFetch(
  input: SignedFetchInput,
  creds: RunnerCredentials,
  fetchImpl: typeof fetch = fetch,
): Promise<Response> {
  // Encode once so the bytes sent are the bytes hashed.
  const bytes = bodyBytes(input.body);
  const signature = await signRequest({
    keyId: creds.keyId,
    secret: creds.secret,
    method: input.method,
    url: input.url,
    body: bytes,
  });
  const headers = new Headers(input.headers);
  for (const [name, value] of Object.entries(signature)) headers.set(name, value);
  return fetchImpl(input.url, {
    method: input.method,
    headers,
    // An empty body signs like no body; sending none keeps GET/HEAD legal.
    body: bytes.byteLength > 0 ? toBufferSource(bytes) : undefined,
    signal: input.signal,
  });
}

function fail(code: SignatureErrorCode, message: string): VerifyResult {
  return { ok: false, code, message };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function randomNonce(): string {
  return randomHex(16);
}

function bodyBytes(body: SignableBody): Uint8Array {
  if (body == null) return new Uint8Array(0);
  return typeof body === 'string' ? encoder.encode(body) : body;
}

function importHmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

// Echoing a client-sent header into an error: bound it.
function truncate(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
