/**
 * Render-cache keys: `${textSha256}/${configHash}`, both 64 lowercase hex digits.
 *
 * Keys become file paths and object names, so they are checked against one strict pattern
 * before any tier touches storage: nothing but hex can reach a path (no `..`, `/`, `%2F`, NUL).
 */

const KEY_PATTERN = /^([0-9a-f]{64})\/([0-9a-f]{64})$/;
const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** The two halves of a render-cache key. */
export interface RenderCacheKeyParts {
  textSha256: string;
  configHash: string;
}

/** Builds the key of a render; throws unless both parts are 64 lowercase hex digits. */
export function renderCacheKey(textSha256: string, configHash: string): string {
  if (!HASH_PATTERN.test(textSha256)) throw new Error('render cache: textSha256 must be 64 lowercase hex digits');
  if (!HASH_PATTERN.test(configHash)) throw new Error('render cache: configHash must be 64 lowercase hex digits');
  return `${textSha256}/${configHash}`;
}

/** Splits and validates a key; throws an Error for anything but `<64 hex>/<64 hex>`. */
export function parseRenderCacheKey(key: string): RenderCacheKeyParts {
  // In JS (no m flag) `$` matches only at the end of input, unlike PCRE/Python where it also
  // matches before a final "\n"; so "<key>\n" is rejected too.
  const m = typeof key === 'string' ? KEY_PATTERN.exec(key) : null;
  if (!m) throw new Error('render cache: invalid key (expected "<sha256 hex>/<config hash hex>")');
  return { textSha256: m[1], configHash: m[2] };
}

/** File or object name of page `n` (1-based): `page-0001.png`. */
export function pageFileName(n: number): string {
  return `page-${String(n).padStart(4, '0')}.png`;
}
