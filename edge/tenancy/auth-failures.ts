/**
 * API-key guessing, limited per client address: once an address has sent AUTH_FAILURES_PER_MINUTE
 * (default 30, edge/config.ts) requests with a key that was refused (401) within a minute, every further request
 * from it gets 429 `too_many_auth_failures` — without its key being looked at, so a guess made while
 * blocked learns nothing, not even whether it was right — until the oldest of those failures is a
 * minute old.
 *
 * Counted in isolate memory: no D1 round trip, in the request path or after it, and a refused guess
 * costs no storage. The limit therefore holds per isolate; Cloudflare spreads one client's requests
 * over few isolates, and API keys carry 128 random bits, so this bounds noise and cost rather than
 * being what keeps keys unguessable. Requests without an `Authorization` header are not counted:
 * they guess nothing.
 */
import { createMiddleware } from 'hono/factory';
import { LRUCache } from 'lru-cache';
import type { AppEnv } from '../app-env.ts';
import { edgeConfig } from '../config.ts';
import { ApiError } from '../http/errors.ts';
import { clientAddress } from './client-address.ts';

const WINDOW_MS = 60_000;
// Addresses remembered per isolate; the one unheard from longest is forgotten first.
const MAX_ADDRESSES = 10_000;

/** Options of {@link AuthFailureLimiter}. */
export interface AuthFailureLimiterOptions {
  /** Failures allowed per address within `windowMs`; the next request is refused. */
  limit: number;
  /** Sliding window, in ms (default one minute). */
  windowMs?: number;
  /** Addresses tracked at most (default 10 000). */
  maxAddresses?: number;
}

/**
 * Failure times per address over a sliding window. Sliding rather than fixed minutes: a fixed window
 * would let a client spend its allowance at the end of one minute and again at the start of the next.
 */
export class AuthFailureLimiter {
  readonly limit: number;
  readonly #windowMs: number;
  // Per address, its most recent failure times (at most `limit`), oldest first.
  readonly #failures: LRUCache<string, number[]>;

  /** Validates the options. */
  constructor(options: AuthFailureLimiterOptions) {
    if (!Number.isSafeInteger(options.limit) || options.limit < 1)
      throw new RangeError('AuthFailureLimiter: limit must be a positive integer');
    this.limit = options.limit;
    this.#windowMs = options.windowMs ?? WINDOW_MS;
    this.#failures = new LRUCache({ max: options.maxAddresses ?? MAX_ADDRESSES });
  }

  /** Milliseconds `address` stays blocked from `now`; 0 when it may try a key. */
  blockedFor(address: string, now: number): number {
    const times = this.#failures.get(address);
    if (!times || times.length < this.limit) return 0;
    return Math.max(0, times[0]! + this.#windowMs - now);
  }

  /** Counts a refused key from `address` at `now`. */
  recordFailure(address: string, now: number): void {
    const times = this.#failures.get(address) ?? [];
    while (times.length > 0 && times[0]! <= now - this.#windowMs) times.shift();
    times.push(now);
    if (times.length > this.limit) times.splice(0, times.length - this.limit);
    this.#failures.set(address, times);
  }

  /** Addresses currently remembered (bounded by `maxAddresses`). */
  get size(): number {
    return this.#failures.size;
  }
}

// One limiter per distinct limit, for the isolate's life (vars do not change while it lives).
const limiters = new Map<number, AuthFailureLimiter>();

/**
 * Middleware for every route behind the API key gate; mounted before the gate, it sees the gate's
 * 401 on the way out. Refuses a blocked address with 429 and `Retry-After` before anything else runs.
 */
export function authFailureGuard() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const limit = edgeConfig(c.env).authFailuresPerMinute;
    if (limit === 0) return next();
    let limiter = limiters.get(limit);
    if (!limiter) limiters.set(limit, (limiter = new AuthFailureLimiter({ limit })));
    const address = clientAddress(c.req.raw);
    const wait = limiter.blockedFor(address, Date.now());
    if (wait > 0) {
      throw new ApiError(
        429,
        'too_many_auth_failures',
        `too many refused API keys from this address: at most ${limit} a minute (AUTH_FAILURES_PER_MINUTE)`,
        {
          'retry-after': String(Math.max(1, Math.ceil(wait / 1000))),
        },
      );
    }
    await next();
    if (c.res.status === 401 && c.req.header('authorization') !== undefined) limiter.recordFailure(address, Date.now());
  });
}
