/** `GET /healthz`: the public, unauthenticated liveness check. */
import { createRoute, z } from '@hono/zod-openapi';

/** `GET /healthz`. */
export const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'health',
  tags: ['system'],
  summary: 'Liveness check',
  security: [],
  responses: {
    200: {
      description: 'The Worker is up.',
      content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } },
    },
  },
});
