/** `POST /v1/compress`: upload and render in one call. */
import { z } from '@hono/zod-openapi';
import { coded } from './coded.ts';
import { deliveryFieldsSchema, deliveryQueryFields } from './delivery.ts';
import { documentTextSchema, documentViewSchema } from './documents.ts';
import { isJsonObject, jobAcceptedSchema, renderFieldsSchema, renderViewSchema } from './render.ts';

/** JSON body: the text and the render fields. */
export const compressJsonSchema = renderFieldsSchema.extend({ text: documentTextSchema, ...deliveryFieldsSchema.shape }).strict().openapi('CompressJson');

/** Render fields as query parameters, for text bodies (`config` as JSON). */
export const compressQuerySchema = z
  .object({
    preset: renderFieldsSchema.shape.preset,
    profile: renderFieldsSchema.shape.profile,
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
      .openapi({ type: 'string', description: 'Render config overrides as a JSON object (see `config` of RenderOptions).' }),
  })
  .strict();

/** 200: the document and its render. */
export const compressedSchema = renderViewSchema.extend({ document: documentViewSchema }).openapi('Compressed');

/** 202: the document, and the job rendering it. */
export const compressJobSchema = jobAcceptedSchema.extend({ document: documentViewSchema }).openapi('CompressJob');
