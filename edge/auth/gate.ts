/**
 * The gate in front of every `/v1` route: `Authorization: Bearer <api key>` → tenant and key id
 * (keys are stored hashed in D1), then the per-key rate limit and, on billable routes, the
 * tenant's monthly quota. Key lookup and limit checks go to D1 as one batch: one round trip.
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Caller } from '../app-env.ts';
import { ApiError } from '../http/errors.ts';
import { enforceLimits, monthOf, quotaStatement, rateStatement } from '../metering/limits.ts';
import { timingSafeEqual } from './constant-time.ts';
import { hashApiKey } from './key-hash.ts';

// Visible ASCII, bounded: a longer or odd header is not a key we could have issued.
const TOKEN = /^[\x21-\x7e]{8,256}$/;

/** Options of {@link gate}. */
export interface GateOptions {
  /** The route is billable: also refuse when the tenant's monthly quota is used up. */
  quota: boolean;
}

interface KeyRow {
  id: string;
  tenant: string;
  hash: string;
  revoked_at: number | null;
  rate_limit_per_minute: number | null;
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message, { 'www-authenticate': 'Bearer realm="glyphgate"' });
}

/** Authenticates the caller (401 otherwise), applies the limits (429), and sets `caller`. */
export function gate(options: GateOptions) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match) throw unauthorized('missing or malformed Authorization header: expected "Bearer <api key>"');
    const token = match[1]!;
    if (!TOKEN.test(token)) throw unauthorized('invalid API key');
    const hash = await hashApiKey(token, c.env.API_KEY_PEPPER);

    const db = c.env.DB;
    const now = Date.now();
    const statements = [
      db.prepare('SELECT id, tenant, hash, revoked_at, rate_limit_per_minute FROM api_keys WHERE hash = ?1').bind(hash),
      rateStatement(db, hash, Math.floor(now / 60_000)),
    ];
    if (options.quota) statements.push(quotaStatement(db, hash, monthOf(now)));
    const [keys, rate, quota] = await db.batch<Record<string, unknown>>(statements);

    const row = keys?.results[0] as unknown as KeyRow | undefined;
    // One message for unknown and revoked keys: nothing is learnt about which keys exist.
    if (!row || row.revoked_at !== null || !timingSafeEqual(row.hash, hash)) throw unauthorized('invalid API key');
    const caller: Caller = { tenant: row.tenant, keyId: row.id };
    if (row.rate_limit_per_minute !== null) caller.rateLimitPerMinute = row.rate_limit_per_minute;
    c.set('caller', caller);

    const quotaRow = quota?.results[0];
    enforceLimits(c, {
      count: Number(rate?.results[0]?.count ?? 0),
      keyRateLimit: row.rate_limit_per_minute,
      ...(quotaRow ? { quota: { limit: quotaRow.quota == null ? null : Number(quotaRow.quota), used: Number(quotaRow.used) } } : {}),
      now,
    });
    await next();
  });
}
