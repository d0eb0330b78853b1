/**
 * How API keys are stored: only a hash. Shared by the Worker (lookup) and `npm run keys` (creation)
 * so both hash identically; Web Crypto only, so it runs in workerd and Node alike.
 */
import { randomHex, sha256Hex, toHex } from '../../protocol/primitives/bytes.ts';

const encoder = new TextEncoder();
// The imported HMAC key of the pepper: importing it again on every request is wasted work. The
// key itself is kept, not the promise: a promise is better not shared between requests.
let hmacKeyOf: { pepper: string; key: CryptoKey } | undefined;

/**
 * Hex SHA-256 of the key, or hex HMAC-SHA256(pepper, key) when a pepper secret is set: with a
 * pepper, a leaked D1 table alone is not enough to test guesses offline. Keys are long random
 * strings, so a fast hash is enough (no password-style stretching needed).
 */
export async function hashApiKey(key: string, pepper?: string): Promise<string> {
  if (!pepper) return sha256Hex(key);
  if (hmacKeyOf?.pepper !== pepper) {
    hmacKeyOf = {
      pepper,
      key: await crypto.subtle.importKey('raw', encoder.encode(pepper), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ]),
    };
  }
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', hmacKeyOf.key, encoder.encode(key))));
}

/** A new API key: `gg_` + 256 random bits, base64url. */
export function generateApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const b64 = btoa(String.fromCharCode(...bytes));
  return `gg_${b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/** A new public key id (appears in usage rows; not secret). */
export function generateKeyId(): string {
  return `key_${randomHex(8)}`;
}
