/** `POST /v1/compress`: upload and render in one call. */
import { createRoute, z } from '@hono/zod-openapi';
import { coded } from './coded.ts';
import { documentTextSchema, documentViewSchema, textBodies } from './documents.ts';
import { errorResponses, GATE_ERRORS, RUNNER_ERRORS } from './errors.ts';
import { billableHeaders, cacheHeader, locationHeader } from './headers.ts';
import { isJsonObject, jobAcceptedSchema, renderFieldsSchema, renderViewSchema } from './render.ts';

/** JSON body: the text and the render fields. */
export const compressJsonSchema = renderFieldsSchema.extend({ text: documentTextSchema }).strict().openapi('CompressJson');

/** Render fields as query parameters, for text bodies (`config` as JSON). */
export const compressQuerySchema = z
  .object({
    preset: renderFieldsSchema.shape.preset,
    profile: renderFieldsSchema.shape.profile,
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

/** `POST /v1/compress`. */
export const compressRoute = createRoute({
  method: 'post',
  path: '/',
  operationId: 'compress',
  tags: ['documents'],
  summary: 'Upload a text and render it in one call',
  description:
    'JSON bodies carry the render fields beside `text`; text bodies take them from the query (`preset`, `profile`, `config` as JSON). ' +
    'Billed as an upload plus a render.',
  request: {
    query: compressQuerySchema,
    headers: billableHeaders,
    body: { description: 'The document (required).', content: { 'application/json': { schema: compressJsonSchema }, ...textBodies } },
  },
  responses: {
    200: { description: 'The document and its render.', headers: cacheHeader, content: { 'application/json': { schema: compressedSchema } } },
    202: {
      description: 'Over the page threshold: a job renders it.',
      headers: { ...cacheHeader, ...locationHeader },
      content: { 'application/json': { schema: compressJobSchema } },
    },
    ...errorResponses(400, 413, 415, ...GATE_ERRORS, ...RUNNER_ERRORS),
  },
});
