/**
 * How a render reaches a model (render and compress): key-free page URLs (`urlTtl`) and
 * model-ready content parts (`format`, `imageDelivery`), and where the response carries them.
 */
import { z } from '@hono/zod-openapi';
import { IMAGE_DELIVERIES, PAYLOAD_FORMATS, type ImageDelivery, type PayloadFormat } from '../model-payloads.ts';

/** Longest `urlTtl`: seven days (also R2 presigned URLs' limit). */
export const MAX_URL_TTL = 604_800;

const format = z
  .enum(PAYLOAD_FORMATS as [PayloadFormat, ...PayloadFormat[]])
  .optional()
  .openapi({
    description:
      'Also return the pages as the content parts this API takes (`payload`), after an instruction that they hold the document.',
  });
const imageDelivery = z
  .enum(IMAGE_DELIVERIES as [ImageDelivery, ...ImageDelivery[]])
  .optional()
  .openapi({ description: '`url` (default): image parts point at key-free page URLs; `inline`: the PNGs as base64.' });
const urlTtl = z
  .number()
  .int()
  .min(1)
  .max(MAX_URL_TTL)
  .optional()
  .openapi({
    description: `Give each page a key-free \`sharedUrl\` valid this many seconds (default 3600 when \`format\` asks for URLs; at most ${MAX_URL_TTL}).`,
  });

/** `format`, `imageDelivery`, `urlTtl` in a JSON body. */
export const deliveryFieldsSchema = z.object({ format, imageDelivery, urlTtl });

/** The same as query parameters (compress with a text body). */
export const deliveryQueryFields = {
  format,
  imageDelivery,
  urlTtl: z
    .string()
    .regex(/^[1-9][0-9]{0,5}$/, 'urlTtl must be a whole number of seconds')
    .transform(Number)
    .refine((n) => n <= MAX_URL_TTL, `urlTtl must be at most ${MAX_URL_TTL}`)
    .optional()
    .openapi({ type: 'integer', description: 'See `urlTtl` of RenderOptions.' }),
};

/** What a render or compress response adds when asked for URLs or a payload. */
export const deliveryViewFields = {
  sharedUrls: z
    .object({
      via: z.enum(['worker', 'r2-presigned']).openapi({
        description:
          '`worker`: HMAC capability URLs this API serves; `r2-presigned`: R2 presigned URLs (the Worker is not in the path).',
      }),
      expiresAt: z.string().openapi({ description: 'ISO time after which every `sharedUrl` is refused.' }),
    })
    .optional()
    .openapi({ description: 'Present when pages carry `sharedUrl`.' }),
  payload: z
    .object({
      format: z.enum(PAYLOAD_FORMATS as [PayloadFormat, ...PayloadFormat[]]),
      imageDelivery: z.enum(IMAGE_DELIVERIES as [ImageDelivery, ...ImageDelivery[]]),
      parts: z
        .array(z.record(z.string(), z.unknown()))
        .openapi({ description: "Content parts in that API's own shape, in page order." }),
    })
    .optional()
    .openapi({ description: 'Present when `format` was asked for.' }),
};

/** A page's key-free URL. */
export const sharedUrlField = {
  sharedUrl: z.string().optional().openapi({
    description: 'Key-free URL of the PNG until `sharedUrls.expiresAt` (asked with `urlTtl` or `format`).',
  }),
};
