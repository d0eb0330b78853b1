/** `GET /v1/jobs/{id}`: the route definition. */
import { createRoute } from '@hono/zod-openapi';
import { jobViewSchema } from '../../protocol/public-api/jobs.ts';
import { jobParams } from '../../protocol/public-api/params.ts';
import { errorResponses, GATE_ERRORS } from '../http/error-responses.ts';

/** `GET /v1/jobs/{id}`. */
export const jobRoute = createRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'job',
  tags: ['jobs'],
  summary: 'Progress of an async render',
  request: { params: jobParams },
  responses: {
    200: { description: 'The job.', content: { 'application/json': { schema: jobViewSchema } } },
    ...errorResponses(400, 404, ...GATE_ERRORS),
  },
});
