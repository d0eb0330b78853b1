/** `GET /v1/jobs/:id`: progress of an async render (202) of a big document. */
import { createRoute } from '@hono/zod-openapi';
import { jobRoute } from './job-route.ts';
import { apiRoutes } from '../http/api-routes.ts';
import { notFound } from '../http/errors.ts';
import { getJob } from './store.ts';
import { gate } from '../tenancy/gate.ts';

/** The job route. */
export const jobRoutes = apiRoutes();

jobRoutes.openapi(createRoute({ ...jobRoute, middleware: [gate({ quota: false })] as const }), async (c) => {
  const { id } = c.req.valid('param');
  const job = await getJob(c.env.DB, id, c.get('caller').tenant);
  if (!job) throw notFound('job');
  return c.json(
    {
      id: job.id,
      status: job.status,
      documentId: job.document,
      renderId: job.configHash,
      pagesDone: job.pagesDone,
      pagesTotal: job.pagesTotal,
      progress: job.pagesTotal ? Math.round((job.pagesDone / job.pagesTotal) * 1000) / 1000 : 0,
      error: job.error,
      createdAt: new Date(job.createdAt).toISOString(),
      updatedAt: new Date(job.updatedAt).toISOString(),
      // Once done, POST the same render again: it is a cache hit.
      ...(job.status === 'done' ? { renderUrl: `/v1/documents/${job.document}/render` } : {}),
    },
    200,
  );
});
