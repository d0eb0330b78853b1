/** The one error shape of the API: `{ "error": { "code", "message" } }`. */
import { z } from '@hono/zod-openapi';

/** Every JSON error body. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: 'Machine-readable error code.', example: 'not_found' }),
      message: z.string().openapi({ description: 'What went wrong, for people.', example: 'document not found' }),
    }),
  })
  .openapi('ErrorBody');
