/** Public, unauthenticated routes: the health check and this API's OpenAPI document. */
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
    200: { description: 'The Worker is up.', content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } } },
  },
});

/** `GET /openapi.json`. */
export const openApiRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'openapi',
  tags: ['system'],
  summary: 'This OpenAPI 3.1 document',
  security: [],
  responses: {
    200: {
      description: 'The document.',
      content: { 'application/json': { schema: z.object({ openapi: z.string() }).catchall(z.unknown()) } },
    },
  },
});
