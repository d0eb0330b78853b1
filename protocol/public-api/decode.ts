/** `POST /v1/documents/{id}/decode`: the OCR read-back of a document's pages. */
import { z } from '@hono/zod-openapi';
import { MAX_DECODE_SAMPLE } from '../runner-api.ts';
import { renderFieldsSchema } from './render.ts';

/** Body of a decode. */
export const decodeOptionsSchema = renderFieldsSchema
  .extend({
    sample: z.number().int().min(1).max(MAX_DECODE_SAMPLE).optional().openapi({
      description: 'Lines to read back, spread evenly over the document (the runner picks a default when absent).',
    }),
  })
  .strict()
  .openapi('DecodeOptions');

/** The read-back: how much of the text OCR recovers from the pages. */
export const decodeViewSchema = z
  .object({
    charAccuracy: z.number().openapi({
      description:
        'Character accuracy, 0..1, forgiving typographic variants (curly quotes, dashes, NFKC, whitespace runs).',
    }),
    charAccuracyRaw: z
      .number()
      .openapi({ description: 'Character accuracy, 0..1, comparing code points as they are.' }),
    charAccuracyVariantInsensitive: z.number().openapi({
      description:
        'As charAccuracy, with traditional and simplified Chinese forms of a character counted as the same (OpenCC, both sides).',
    }),
    linesChecked: z.number().int(),
    lines: z.array(z.object({ page: z.number().int(), line: z.number().int(), expected: z.string(), got: z.string() })),
    cached: z.boolean(),
  })
  .openapi('Decode');
