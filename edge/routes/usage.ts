/** `GET /v1/usage?from&to`: the caller's tenant's metered calls — totals and the newest rows. */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { badRequest } from '../http/errors.ts';
import { gate } from '../auth/gate.ts';
import { listUsage } from '../metering/usage.ts';

const MAX_ROWS = 1000;

function time(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  // Unix milliseconds or any ISO 8601 date/time.
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw badRequest('invalid_request', `${name} must be an ISO 8601 time or unix milliseconds`);
  return ms;
}

/** The usage route. */
export const usageRoutes = new Hono<AppEnv>();

usageRoutes.get('/', gate({ quota: false }), async (c) => {
  const now = new Date();
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const fromMs = time(c.req.query('from'), 'from', monthStart);
  const toMs = time(c.req.query('to'), 'to', now.getTime() + 1);
  if (toMs <= fromMs) throw badRequest('invalid_request', 'to must be after from');
  const limitParam = c.req.query('limit');
  const limit = limitParam === undefined ? 100 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_ROWS) throw badRequest('invalid_request', `limit must be 0..${MAX_ROWS}`);
  const { tenant } = c.get('caller');
  const usage = await listUsage(c.env.DB, { tenant, fromMs, toMs, limit });
  return c.json({ tenant, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), ...usage });
});
