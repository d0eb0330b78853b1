/**
 * Key-free page URLs: an HMAC-SHA256 capability (secret `PAGE_URL_SECRET`) over the tenant,
 * document, render, page number and expiry. Whoever holds the URL may read that one page until
 * it expires, with no API key — which is what a model provider fetching an image needs.
 *
 *   signed = "glyph-page-url/v1\n" + tenant + "\n" + documentId + "\n" + renderId + "\n" + n + "\n" + expires
 *   URL    = <origin>/v1/shared/<tenant>/<documentId>/renders/<renderId>/pages/<n>?expires=<unix s>&signature=<hex>
 *
 * Every field is inside the MAC, so changing any of them (another page, render, document or
 * tenant, a later expiry) makes the signature wrong. The version label keeps these MACs apart
 * from anything else the same secret could ever sign.
 */
import { fromHex, toBufferSource, toHex, utf8Bytes } from '../../protocol/primitives/bytes.ts';

/** Default lifetime of a page URL: one hour. */
export const DEFAULT_URL_TTL_SECONDS = 3600;
/** Longest lifetime a page URL may have: seven days (also R2 presigned URLs' limit). */
export const MAX_URL_TTL_SECONDS = 7 * 24 * 3600;
/** Path prefix of key-free page URLs. */
export const SHARED_PAGES_PREFIX = '/v1/shared';

const LABEL = 'glyph-page-url/v1';

/** What a page URL grants: one page of one render of one tenant's document, until `expires`. */
export interface PageGrant {
  tenant: string;
  documentId: string;
  renderId: string;
  /** Page number, from 1. */
  n: number;
  /** Unix seconds after which the URL is refused. */
  expires: number;
}

// One imported key per secret per isolate: importKey costs more than the HMAC itself.
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', toBufferSource(utf8Bytes(secret)), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    if (keys.size > 4) keys.clear(); // secrets rotate rarely; never let the map grow
    keys.set(secret, key);
  }
  return key;
}

/** The exact bytes the MAC covers. */
export function grantMessage(grant: PageGrant): string {
  return [LABEL, grant.tenant, grant.documentId, grant.renderId, String(grant.n), String(grant.expires)].join('\n');
}

/** Lowercase hex HMAC-SHA256 of the grant. */
export async function signGrant(secret: string, grant: PageGrant): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), toBufferSource(utf8Bytes(grantMessage(grant))));
  return toHex(new Uint8Array(mac));
}

/** Why a page URL was refused (never told to the caller: every refusal reads the same). */
export type GrantRefusal = 'malformed' | 'expired' | 'bad_signature';

/**
 * Checks a presented grant: the signature with Web Crypto's `verify` (constant-time), then the
 * expiry. The signature is checked first, so an expired-but-forged URL and an expired real one
 * cost the same and say the same.
 */
export async function verifyGrant(
  secret: string,
  grant: PageGrant,
  signatureHex: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<{ ok: true } | { ok: false; reason: GrantRefusal }> {
  if (!/^[0-9a-f]{64}$/.test(signatureHex)) return { ok: false, reason: 'malformed' };
  const valid = await crypto.subtle.verify(
    'HMAC',
    await hmacKey(secret),
    toBufferSource(fromHex(signatureHex)),
    toBufferSource(utf8Bytes(grantMessage(grant))),
  );
  if (!valid) return { ok: false, reason: 'bad_signature' };
  if (nowSeconds > grant.expires) return { ok: false, reason: 'expired' };
  return { ok: true };
}

/**
 * The lifetime to sign for: `urlTtl` seconds (default one hour).
 * @throws RangeError outside 1 s … 7 days (the request schema refuses those first).
 */
export function urlTtlSeconds(urlTtl: number | undefined): number {
  const ttl = urlTtl ?? DEFAULT_URL_TTL_SECONDS;
  if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > MAX_URL_TTL_SECONDS) {
    throw new RangeError(`urlTtl must be a whole number of seconds from 1 to ${MAX_URL_TTL_SECONDS}`);
  }
  return ttl;
}

/** Path (no origin) of the key-free URL of a grant. */
export function sharedPagePath(grant: Omit<PageGrant, 'expires'>): string {
  return `${SHARED_PAGES_PREFIX}/${grant.tenant}/${grant.documentId}/renders/${grant.renderId}/pages/${grant.n}`;
}

/** The absolute key-free URL of a grant, signed with `secret`. */
export async function signedPageUrl(origin: string, secret: string, grant: PageGrant): Promise<string> {
  const signature = await signGrant(secret, grant);
  return `${origin}${sharedPagePath(grant)}?expires=${grant.expires}&signature=${signature}`;
}
