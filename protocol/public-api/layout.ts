/** `GET /v1/documents/{id}/renders/{renderId}/layout`: line boxes of a committed render. */
import { z } from '@hono/zod-openapi';

/** A pixel box on a page. */
export const boxSchema = z
  .object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() })
  .openapi('Box');

/** Line boxes of a render, to outline the lines a query cited. */
export const layoutViewSchema = z
  .object({
    documentId: z.string(),
    renderId: z.string(),
    lines: z.array(
      z.object({
        page: z.number().int(),
        line: z.number().int(),
        box: boxSchema,
        source: z
          .object({ line: z.number().int().optional(), pdfPage: z.number().int().optional() })
          .optional()
          .openapi({
            description:
              'Where the line comes from in a structured document: its source line, or PDF page (and line on it).',
          }),
      }),
    ),
  })
  .openapi('Layout');
