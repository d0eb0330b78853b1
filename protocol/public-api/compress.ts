/** `POST /v1/compress`: upload and render in one call. */
import { z } from '@hono/zod-openapi';
import { coded } from './coded.ts';
import { deliveryFieldsSchema, deliveryQueryFields } from './delivery.ts';
import { documentTextSchema, documentViewSchema } from './documents.ts';
import { isJsonObject, jobAcceptedSchema, renderFieldsSchema, renderViewSchema, tokenizerSchema } from './render.ts';

const passthroughDescription =
  'When the pages would cost the profile more tokens than the text (`worthIt: false`), answer with the text itself ' +
  '(`passthrough: true`) instead of pages. Default false: pages are returned anyway, with `worthIt: false`.';

/** JSON body: the text and the render fields. */
export const compressJsonSchema = renderFieldsSchema
  .extend({
    text: documentTextSchema,
    ...deliveryFieldsSchema.shape,
    passthrough: z
      .boolean({ error: 'passthrough must be true or false' })
      .optional()
      .openapi({ description: passthroughDescription }),
  })
  .strict()
  .openapi('CompressJson');

/** Render fields as query parameters, for text bodies (`config` as JSON). */
export const compressQuerySchema = z
  .object({
    preset: renderFieldsSchema.shape.preset,
    profile: renderFieldsSchema.shape.profile,
    reflow: renderFieldsSchema.shape.reflow,
    readbackFloor: z
      .string()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, coded('invalid_config', 'readbackFloor must be a number from 0.5 to 1'))
      .transform(Number)
      .pipe(renderFieldsSchema.shape.readbackFloor.unwrap())
      .optional()
      .openapi({ type: 'number', description: 'See `readbackFloor` of RenderOptions.' }),
    passthrough: z
      .enum(['true', 'false'], { error: 'passthrough must be true or false' })
      .transform((v) => v === 'true')
      .optional()
      .openapi({ type: 'boolean', description: passthroughDescription }),
    ...deliveryQueryFields,
    config: z
      .string()
      .transform((value, ctx) => {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', ...coded('invalid_config', 'config query parameter must be a JSON object') });
          return z.NEVER;
        }
      })
      .refine(isJsonObject, coded('invalid_config', 'config query parameter must be a JSON object'))
      .optional()
      .openapi({
        type: 'string',
        description: 'Render config overrides as a JSON object (see `config` of RenderOptions).',
      }),
  })
  .strict();

/** 200: the document and its render. */
export const compressedSchema = renderViewSchema
  .extend({
    document: documentViewSchema,
    passthrough: z
      .literal(false)
      .optional()
      .openapi({ description: 'Present (false) when `passthrough` was asked for and pages pay.' }),
  })
  .openapi('Compressed');

/** 200 with `passthrough: true` asked for and pages that do not pay: the text instead of pages. */
export const compressPassthroughSchema = z
  .object({
    passthrough: z.literal(true),
    worthIt: z.literal(false),
    document: documentViewSchema,
    profile: z.string(),
    text: z.string().openapi({
      description: 'The text as sent (UTF-8, a leading byte-order mark dropped): give it to the model as it is.',
    }),
    tokenizer: tokenizerSchema,
    rendered: z.boolean().openapi({
      description:
        'False when no page was rendered (the text costs no more than the cheapest image the profile bills): `totals.visualTokens` is ' +
        'then that least cost. True when the pages were rendered (and cached) to find out.',
    }),
    totals: z.object({
      pages: z.number().int().openapi({ description: 'Pages rendered, or estimated when none was.' }),
      visualTokens: z.number().int(),
      textTokens: z.number().int().openapi({ description: "Tokens of the text in the profile's tokenizer family." }),
      ratio: z.number(),
    }),
  })
  .openapi('CompressPassthrough');

/** 202: the document, and the job rendering it. */
export const compressJobSchema = jobAcceptedSchema.extend({ document: documentViewSchema }).openapi('CompressJob');
