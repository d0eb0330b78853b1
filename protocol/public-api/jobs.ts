/** `GET /v1/jobs/{id}`: progress of an async render. */
import { z } from '@hono/zod-openapi';

/** An async render job. */
export const jobViewSchema = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    documentId: z.string(),
    renderId: z.string(),
    pagesDone: z.number().int(),
    pagesTotal: z.number().int().nullable().openapi({ description: 'Known once the first page range is rendered.' }),
    progress: z.number().openapi({ description: 'pagesDone / pagesTotal, 0..1 (three decimals).' }),
    error: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
    renderUrl: z.string().optional().openapi({ description: 'Once done: POST the same render again (a cache hit).' }),
  })
  .openapi('Job');
