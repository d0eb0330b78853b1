/** `GET /v1/usage`: the route definition. */
import { createRoute } from '@hono/zod-openapi';
import { usageQuerySchema, usageViewSchema } from '../../protocol/public-api/usage.ts';
import { errorResponses, GATE_ERRORS } from '../http/error-responses.ts';

/** `GET /v1/usage`. */
export const usageRoute = createRoute({
  method: 'get',
  path: '/',
  operationId: 'usage',
  tags: ['usage'],
  summary: "Metered calls and units of the caller's tenant",
  request: { query: usageQuerySchema },
  responses: {
    200: {
      description: 'Totals per operation and the newest rows.',
      content: { 'application/json': { schema: usageViewSchema } },
    },
    ...errorResponses(400, ...GATE_ERRORS),
  },
});
