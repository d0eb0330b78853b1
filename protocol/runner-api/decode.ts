/** The answer of `POST /v1/decode`: the OCR read-back of the pages against the text drawn. */
import { z } from 'zod';

/** Response of `POST /v1/decode`. */
export const decodeResponseSchema = z.object({
  charAccuracy: z.number(),
  charAccuracyRaw: z.number(),
  charAccuracyVariantInsensitive: z.number(),
  linesChecked: z.number().int(),
  lines: z.array(z.object({ page: z.number().int(), line: z.number().int(), expected: z.string(), got: z.string() })),
});
/** Response of `POST /v1/decode`. */
export type DecodeResponse = z.infer<typeof decodeResponseSchema>;
