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

interface Entry {
  record: KeyRecord;
  readAt: number;
}

const MAX_KEYS = 10_000;
const keys = new LRUCache<string, Entry>({ max: MAX_KEYS });

/** The remembered record of the key with this hash, if it was read less than `ttlMs` ago. */
export function cachedKey(hash: string, now: number, ttlMs: number): KeyRecord | undefined {
  const entry = keys.get(hash);
  if (!entry) return undefined;
  if (now - entry.readAt < ttlMs) return entry.record;
  keys.delete(hash);
  return undefined;
}

/** Remembers a key row just read from D1 (no-op when the TTL is 0). */
export function rememberKey(record: KeyRecord, now: number, ttlMs: number): void {
  if (ttlMs <= 0) return;
  keys.set(record.hash, { record, readAt: now });
}

/** Forgets everything (tests). */
export function clearKeyCache(): void {
  keys.clear();
}
