/**
 * What an isolate remembers about API keys, so that a request with a key seen in the last
 * AUTH_CACHE_TTL_MS (default 10 s) is admitted without a D1 round trip.
 *
 * Trade-off: a revoked key, or a changed per-key rate limit, takes effect within the TTL (per
 * isolate) instead of at once. Unknown keys are never remembered (a key created a moment ago works
 * at once, and guesses learn nothing new); revoked keys are (a revoked key hammering the edge costs
 * no D1 reads). AUTH_CACHE_TTL_MS=0 turns the cache off: every request reads D1, as before.
 * Bounded: at most MAX_KEYS entries, the least recently used dropped first (lru-cache), so memory
 * stays flat under a soak.
 */
import { LRUCache } from 'lru-cache';

/** An `api_keys` row as the gate needs it. */
export interface KeyRecord {
  id: string;
  tenant: string;
  /** The stored hash (re-checked in constant time by the gate). */
  hash: string;
  revoked: boolean;
  /** The key's own requests-per-minute limit; null = RATE_LIMIT_PER_MINUTE. */
  rateLimitPerMinute: number | null;
}

const MAX_KEYS = 10_000;
// Entries expire by lru-cache's own per-entry `ttl`. Its clock is Date.now (as the gate's), read
// afresh on every lookup (`ttlResolution: 0`, so no timer is set to cache it).
const keys = new LRUCache<string, KeyRecord>({ max: MAX_KEYS, ttlResolution: 0, perf: { now: () => Date.now() } });

/** The remembered record of the key with this hash, if it was read less than its TTL ago. */
export function cachedKey(hash: string): KeyRecord | undefined {
  return keys.get(hash);
}

/** Remembers a key row just read from D1 for `ttlMs` (no-op when it is 0). */
export function rememberKey(record: KeyRecord, ttlMs: number): void {
  if (ttlMs <= 0) return;
  keys.set(record.hash, record, { ttl: ttlMs });
}

/** Forgets everything (tests). */
export function clearKeyCache(): void {
  keys.clear();
}
