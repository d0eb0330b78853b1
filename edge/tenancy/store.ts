/**
 * Tenancy's D1 tables, the only module with their SQL: `api_keys` (looked up by hash), `tenants`
 * with the month-to-date `usage_monthly` total the quota reads, and the `rate_windows` the per-key
 * rate limit counts into.
 */
import type { D1Database } from '../bindings.ts';

/** An `api_keys` row as the gate reads it. */
export interface KeyRow {
  id: string;
  tenant: string;
  hash: string;
  revoked_at: number | null;
  rate_limit_per_minute: number | null;
}

/** The statement reading the key with this hash (batched with {@link quotaStatement} by the gate). */
export function keyStatement(db: D1Database, keyHash: string) {
  return db
    .prepare('SELECT id, tenant, hash, revoked_at, rate_limit_per_minute FROM api_keys WHERE hash = ?1')
    .bind(keyHash);
}

/** The month's units (`used`) and quota override (`quota`, null = default) of the tenant owning the key with this hash. */
export function quotaStatement(db: D1Database, keyHash: string, month: string) {
  return db
    .prepare(
      `SELECT t.monthly_quota_units AS quota, COALESCE(u.units, 0) AS used
       FROM api_keys k JOIN tenants t ON t.id = k.tenant
       LEFT JOIN usage_monthly u ON u.tenant = t.id AND u.month = ?2 WHERE k.hash = ?1`,
    )
    .bind(keyHash, month);
}

/** Adds `delta` requests to a key's minute window and returns its count over all isolates. */
export async function addToRateWindow(db: D1Database, keyId: string, minute: number, delta: number): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO rate_windows (key_id, minute, count) VALUES (?1, ?2, ?3)
       ON CONFLICT (key_id, minute) DO UPDATE SET count = count + excluded.count RETURNING count`,
    )
    .bind(keyId, minute, delta)
    .first<{ count: number }>();
  return Number(row?.count ?? 0);
}

/** Deletes the rate windows older than `beforeMinute`. */
export async function sweepRateWindows(db: D1Database, beforeMinute: number): Promise<void> {
  await db.prepare('DELETE FROM rate_windows WHERE minute < ?1').bind(beforeMinute).run();
}
