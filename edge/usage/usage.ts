/** `GET /v1/usage?from&to&limit`: the caller's tenant's metered calls — totals and the newest rows. */
import { createRoute } from '@hono/zod-openapi';
import { apiRoutes } from '../http/api-routes.ts';
import { usageRoute } from './usage-route.ts';
import { badRequest } from '../http/errors.ts';
import { gate } from '../tenancy/gate.ts';
import { listUsage } from './store.ts';

/** The usage route. */
export const usageRoutes = apiRoutes();

usageRoutes.openapi(createRoute({ ...usageRoute, middleware: [gate({ quota: false })] as const }), async (c) => {
  const query = c.req.valid('query');
  const now = new Date();
  const fromMs = query.from ?? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const toMs = query.to ?? now.getTime() + 1;
  if (toMs <= fromMs) throw badRequest('invalid_request', 'to must be after from');
  const { tenant } = c.get('caller');
  const usage = await listUsage(c.env.DB, { tenant, fromMs, toMs, limit: query.limit ?? 100 });
  return c.json({ tenant, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), ...usage }, 200);
});
