/**
 * Per-key rate limit (fixed one-minute windows) and per-tenant monthly quota, both in D1. The
 * statements here run in the same D1 batch as the API-key lookup (edge/auth/gate.ts): one round
 * trip admits a request. A 429 names the limit it hit.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { D1Database } from '../bindings.ts';
import { edgeConfig } from '../config.ts';
import { ApiError } from '../http/errors.ts';

/** "YYYY-MM" of a time in UTC: the usage_monthly bucket. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** Counts one request in the minute window of the key with this hash (revoked keys count nothing). */
export function rateStatement(db: D1Database, keyHash: string, minute: number) {
  // INSERT … SELECT needs its WHERE for SQLite to parse the upsert; it also makes an unknown or
  // revoked key a no-op.
  return db
    .prepare(
      `INSERT INTO rate_windows (key_id, minute, count)
       SELECT id, ?2, 1 FROM api_keys WHERE hash = ?1 AND revoked_at IS NULL
       ON CONFLICT (key_id, minute) DO UPDATE SET count = count + 1 RETURNING count`,
    )
    .bind(keyHash, minute);
}

/** The month's units and quota of the tenant owning the key with this hash. */
export function quotaStatement(db: D1Database, keyHash: string, month: string) {
  return db
    .prepare(
      `SELECT t.monthly_quota_units AS quota, COALESCE(u.units, 0) AS used
       FROM api_keys k JOIN tenants t ON t.id = k.tenant
       LEFT JOIN usage_monthly u ON u.tenant = t.id AND u.month = ?2 WHERE k.hash = ?1`,
    )
    .bind(keyHash, month);
}

/** What the batch returned for the limits. */
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
    throw new ApiError(429, 'rate_limited', `rate limit exceeded: ${rateLimit} requests per minute per API key (${which})`, {
      'retry-after': String(Math.max(1, Math.ceil((nextMinute - now) / 1000))),
    });
  }
  if (readings.quota) {
    const limit = readings.quota.limit ?? config.monthlyQuotaUnits;
    const { used } = readings.quota;
    if (used >= limit) {
      const date = new Date(now);
      const nextMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
      const which = readings.quota.limit === null ? 'MONTHLY_QUOTA_UNITS' : "the tenant's own quota";
      throw new ApiError(429, 'quota_exceeded', `monthly quota exceeded: ${used} of ${limit} units used this month (${which})`, {
        'retry-after': String(Math.ceil((nextMonth - now) / 1000)),
      });
    }
  }
  // Old windows are dead weight; sweeping on a small share of requests keeps the table tiny.
  if (Math.random() < 0.01) {
    const stale = Math.floor(now / 60_000) - 5;
    c.executionCtx.waitUntil(c.env.DB.prepare('DELETE FROM rate_windows WHERE minute < ?1').bind(stale).run());
  }
}
