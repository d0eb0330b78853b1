/**
 * The gate in front of every `/v1` route: `Authorization: Bearer <api key>` → tenant and key id
 * (keys are stored hashed in D1), then the per-key rate limit and, on billable routes, the
 * tenant's monthly quota.
 *
 * Hot path: a key this isolate read from D1 less than AUTH_CACHE_TTL_MS ago (edge/tenancy/key-cache.ts)
 * is admitted from memory, the rate window is counted in memory and the quota figure is
 * remembered (edge/tenancy/limits.ts): no D1 round trip. Otherwise the key row (and, on billable
 * routes, the quota) is read in one D1 batch.
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Caller } from '../app-env.ts';
import { ApiError } from '../http/errors.ts';
import { edgeConfig } from '../config.ts';
import { cachedQuota, countRequest, enforceLimits, monthOf, rememberQuota, startQuotaReading } from './limits.ts';
import { keyStatement, quotaStatement, type KeyRow } from './store.ts';
import { timingSafeEqual } from './constant-time.ts';
import { hashApiKey } from './key-hash.ts';
import { cachedKey, rememberKey } from './key-cache.ts';

// Visible ASCII, bounded: a longer or odd header is not a key we could have issued.
const TOKEN = /^[\x21-\x7e]{8,256}$/;

/** Options of {@link gate}. */
export interface GateOptions {
  /** The route is billable: also refuse when the tenant's monthly quota is used up. */
  quota: boolean;
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message, { 'www-authenticate': 'Bearer realm="glyphgate"' });
}

// Requests a handler hands to the app itself on behalf of a caller this gate already admitted
// (a conversation's query is its transcript document's): known by object identity, so nothing a
// client sends can claim it, and gone with the request.
const admitted = new WeakMap<Request, Caller>();

/**
 * Marks `request`, which a handler made to dispatch to another route for its own `caller`, as
 * through the gate already: the gate there sets `caller` and neither counts the request against
 * the rate limit nor checks the quota again (the outer gate did, once, for the one call).
 */
export function admittedRequest(request: Request, caller: Caller): Request {
  admitted.set(request, caller);
  return request;
}

/** Authenticates the caller (401 otherwise), applies the limits (429), and sets `caller`. */
export function gate(options: GateOptions) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const inner = admitted.get(c.req.raw);
    if (inner) {
      c.set('caller', inner);
      await next();
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match) throw unauthorized('missing or malformed Authorization header: expected "Bearer <api key>"');
    const token = match[1]!;
    if (!TOKEN.test(token)) throw unauthorized('invalid API key');
    const hash = await hashApiKey(token, c.env.API_KEY_PEPPER);

    const db = c.env.DB;
    const config = edgeConfig(c.env);
    const ttl = config.authCacheTtlMs;
    const now = Date.now();
    const month = monthOf(now);

    let key = ttl > 0 ? cachedKey(hash) : undefined;
    let quota =
      options.quota && key && !key.revoked
        ? cachedQuota(key.tenant, month, now, ttl, config.monthlyQuotaUnits)
        : undefined;
    if (key === undefined || (options.quota && !key.revoked && quota === undefined)) {
      // One batch: the key row unless remembered, plus the quota on billable routes.
      const statements = [];
      if (key === undefined) statements.push(keyStatement(db, hash));
      if (options.quota) statements.push(quotaStatement(db, hash, month));
      const started = key === undefined ? undefined : startQuotaReading(key.tenant);
      const results = await db.batch<Record<string, unknown>>(statements);
      if (key === undefined) {
        const row = results.shift()?.results[0] as unknown as KeyRow | undefined;
        if (row) {
          key = {
            id: row.id,
            tenant: row.tenant,
            hash: row.hash,
            revoked: row.revoked_at !== null,
            rateLimitPerMinute: row.rate_limit_per_minute,
          };
          rememberKey(key, ttl);
        }
      }
      const quotaRow = results.shift()?.results[0];
      if (key && !key.revoked && quotaRow) {
        const reading = { limit: quotaRow.quota == null ? null : Number(quotaRow.quota), used: Number(quotaRow.used) };
        // Read alongside the key row, the tenant unknown before: a row this isolate wrote while the
        // batch ran may be left out until the next reading. Harmless: within 5 % of the limit every
        // billable call re-reads, with the key known (edge/tenancy/limits.ts).
        quota = rememberQuota(key.tenant, month, now, reading, started ?? startQuotaReading(key.tenant));
      }
    }

    // One message for unknown and revoked keys: nothing is learnt about which keys exist. The
    // constant-time re-check also covers the in-memory lookup, keyed by the same hash.
    if (!key || key.revoked || !timingSafeEqual(key.hash, hash)) throw unauthorized('invalid API key');
    const caller: Caller = { tenant: key.tenant, keyId: key.id };
    if (key.rateLimitPerMinute !== null) caller.rateLimitPerMinute = key.rateLimitPerMinute;
    c.set('caller', caller);

    enforceLimits(c, {
      count: countRequest(db, c.executionCtx, key.id, key.rateLimitPerMinute ?? config.rateLimitPerMinute, now),
      keyRateLimit: key.rateLimitPerMinute,
      ...(quota ? { quota } : {}),
      now,
    });
    await next();
  });
}
