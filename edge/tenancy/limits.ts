/**
 * Per-key rate limit (fixed one-minute windows) and per-tenant monthly quota. D1 is the source of
 * truth for both, but neither is read or written in the request path of a warm isolate:
 *
 * - Rate windows are counted in isolate memory and pushed to D1 (`rate_windows`) from `waitUntil`
 *   at most once a second per key (sooner once a twentieth of the limit has accumulated); each
 *   push returns the key's count over all isolates, which becomes this isolate's base. Precision:
 *   within one isolate the count is exact; across isolates a key can be admitted beyond its limit
 *   by what the other isolates admitted since their last push (≤ 1 s, or limit/20 requests,
 *   each).
 * - The quota reading (tenant override + month-to-date units) is remembered for AUTH_CACHE_TTL_MS;
 *   what this isolate bills is added to it at once (edge/usage/store.ts), what other isolates
 *   bill is seen on the next reading. Within 5 % of the limit it is re-read from D1 on every
 *   billable call, so the overrun is bounded by calls in flight at the same moment.
 *
 * A 429 names the limit it hit.
 */
import type { Context } from 'hono';
import { LRUCache } from 'lru-cache';
import type { AppEnv } from '../app-env.ts';
import type { D1Database } from '../bindings.ts';
import { edgeConfig } from '../config.ts';
import { ApiError } from '../http/errors.ts';
import { addToRateWindow, sweepRateWindows } from './store.ts';

/** "YYYY-MM" of a time in UTC: the usage_monthly bucket. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

interface RateWindow {
  minute: number;
  /** The key's count over all isolates, as of this isolate's last push. */
  base: number;
  /** Counted here, not pushed yet. */
  unpushed: number;
  /** Counted here, being pushed now. */
  pushing: number;
  lastPushAt: number;
}

const PUSH_EVERY_MS = 1000;
const MAX_TRACKED = 10_000;
// Bounded (lru-cache): a soak over many keys or tenants keeps the isolate's memory flat.
const windows = new LRUCache<string, RateWindow>({ max: MAX_TRACKED });
let sweptMinute = 0;

/**
 * Counts one request of `keyId` in the current minute window and returns the key's count, this
 * request included (see the precision note at the top). Pushes to D1 go through `waitUntil`.
 */
export function countRequest(
  db: D1Database,
  ctx: { waitUntil(promise: Promise<unknown>): void },
  keyId: string,
  rateLimit: number,
  now: number,
): number {
  const minute = Math.floor(now / 60_000);
  let window = windows.get(keyId);
  if (!window || window.minute !== minute) {
    // lastPushAt 0: the first request of a window pushes at once, learning the other isolates' count.
    window = { minute, base: 0, unpushed: 0, pushing: 0, lastPushAt: 0 };
    windows.set(keyId, window);
  }
  window.unpushed++;
  const count = window.base + window.pushing + window.unpushed;
  if (
    window.pushing === 0 &&
    (now - window.lastPushAt >= PUSH_EVERY_MS || window.unpushed >= Math.max(1, Math.floor(rateLimit / 20)))
  ) {
    ctx.waitUntil(push(db, keyId, window, now));
  }
  // Old windows are dead weight: one sweep per minute per isolate keeps the table tiny.
  if (minute !== sweptMinute) {
    sweptMinute = minute;
    ctx.waitUntil(sweepRateWindows(db, minute - 5).catch(() => undefined));
  }
  return count;
}

async function push(db: D1Database, keyId: string, window: RateWindow, now: number): Promise<void> {
  const delta = window.unpushed;
  window.pushing = delta;
  window.unpushed = 0;
  window.lastPushAt = now;
  try {
    window.base = Math.max(window.base + delta, await addToRateWindow(db, keyId, window.minute, delta));
  } catch (error) {
    // D1 unavailable: keep counting here; the next push carries on from this isolate's count.
    window.base += delta;
    console.error('edge: rate window not pushed to D1', error);
  } finally {
    window.pushing = 0;
  }
}

interface QuotaState {
  month: string;
  /** The tenant's own quota from the last reading; null = MONTHLY_QUOTA_UNITS. */
  limit: number | null;
  /** Month-to-date units D1 reported at the last reading. */
  used: number;
  /** When that reading was taken (-Infinity: never). */
  readAt: number;
  /** `landed` when the reading began: rows landing after that may or may not be in `used`. */
  landedAtRead: number;
  /** Units this isolate billed whose rows are written (only grows). */
  landed: number;
  /** Units this isolate billed whose rows are still being written. */
  pending: number;
}

const quotas = new LRUCache<string, QuotaState>({ max: MAX_TRACKED });

function quotaState(tenant: string): QuotaState {
  let state = quotas.get(tenant);
  if (!state) {
    state = { month: '', limit: null, used: 0, readAt: -Infinity, landedAtRead: 0, landed: 0, pending: 0 };
    quotas.set(tenant, state);
  }
  return state;
}

function estimate(state: QuotaState): { limit: number | null; used: number } {
  // Rows that landed while the reading ran can be counted twice here: that errs on the strict side.
  return { limit: state.limit, used: state.used + (state.landed - state.landedAtRead) + state.pending };
}

/**
 * The tenant's quota and units used, from memory, when the last reading is younger than `ttlMs`
 * and the total is not within 5 % of the limit; undefined when D1 must be read
 * ({@link startQuotaReading}, then {@link rememberQuota}).
 */
export function cachedQuota(
  tenant: string,
  month: string,
  now: number,
  ttlMs: number,
  defaultLimit: number,
): { limit: number | null; used: number } | undefined {
  const state = quotas.get(tenant);
  if (!state || state.month !== month || now - state.readAt >= ttlMs) return undefined;
  const reading = estimate(state);
  const limit = reading.limit ?? defaultLimit;
  return reading.used >= limit - Math.max(1, Math.ceil(limit * 0.05)) ? undefined : reading;
}

/** Call just before reading the quota from D1; pass the result to {@link rememberQuota}. */
export function startQuotaReading(tenant: string): number {
  return quotaState(tenant).landed;
}

/** Stores a quota reading from D1 and returns the tenant's estimate (the reading plus what is in flight here). */
export function rememberQuota(
  tenant: string,
  month: string,
  now: number,
  reading: { limit: number | null; used: number },
  started: number,
): { limit: number | null; used: number } {
  const state = quotaState(tenant);
  Object.assign(state, { month, limit: reading.limit, used: reading.used, readAt: now, landedAtRead: started });
  return estimate(state);
}

/**
 * Counts units this isolate is billing for `tenant` at once (before the usage row is written);
 * call the returned function when the write finished, with whether a row was inserted.
 */
export function noteBilled(tenant: string, units: number): (inserted: boolean) => void {
  const state = quotaState(tenant);
  state.pending += units;
  return (inserted) => {
    state.pending -= units;
    if (inserted) state.landed += units;
  };
}

/** What the gate knows about the limits. */
export interface LimitReadings {
  /** Requests of this key in the current minute, this one included. */
  count: number;
  /** The key's own limit, when it has one. */
  keyRateLimit: number | null;
  /** Present on billable routes: the tenant's quota override (null = default) and units used. */
  quota?: { limit: number | null; used: number };
  now: number;
}

/** Sets the rate-limit headers and throws 429 when a limit is exceeded. */
export function enforceLimits(c: Context<AppEnv>, readings: LimitReadings): void {
  const config = edgeConfig(c.env);
  const { count, now } = readings;
  const rateLimit = readings.keyRateLimit ?? config.rateLimitPerMinute;
  c.header('x-ratelimit-limit', String(rateLimit));
  c.header('x-ratelimit-remaining', String(Math.max(0, rateLimit - count)));
  if (count > rateLimit) {
    const which = readings.keyRateLimit === null ? 'RATE_LIMIT_PER_MINUTE' : "this key's own limit";
    const nextMinute = (Math.floor(now / 60_000) + 1) * 60_000;
    throw new ApiError(
      429,
      'rate_limited',
      `rate limit exceeded: ${rateLimit} requests per minute per API key (${which})`,
      {
        'retry-after': String(Math.max(1, Math.ceil((nextMinute - now) / 1000))),
      },
    );
  }
  if (readings.quota) {
    const limit = readings.quota.limit ?? config.monthlyQuotaUnits;
    const { used } = readings.quota;
    if (used >= limit) {
      const date = new Date(now);
      const nextMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
      const which = readings.quota.limit === null ? 'MONTHLY_QUOTA_UNITS' : "the tenant's own quota";
      throw new ApiError(
        429,
        'quota_exceeded',
        `monthly quota exceeded: ${used} of ${limit} units used this month (${which})`,
        {
          'retry-after': String(Math.ceil((nextMonth - now) / 1000)),
        },
      );
    }
  }
}
