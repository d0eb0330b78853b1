/**
 * Every schema of the public API in one place: the same zod schemas validate requests at the edge,
 * generate `/openapi.json`, and type the client SDK (client/types.ts, through `z.infer`).
 */
export {
  compressedSchema,
  compressJobSchema,
  compressJsonSchema,
  compressPassthroughSchema,
  compressQuerySchema,
} from './compress.ts';
export { contextRequestSchema, contextTierSchema, contextViewSchema } from './context.ts';
export { decodeOptionsSchema, decodeViewSchema } from './decode.ts';
export { documentTextSchema, documentViewSchema, uploadJsonSchema } from './documents.ts';
export { errorBodySchema } from './error-body.ts';
export { jobViewSchema } from './jobs.ts';
export { boxSchema, layoutViewSchema } from './layout.ts';
export { documentIdSchema, jobIdSchema, pageNumberSchema, renderIdSchema } from './params.ts';
export { answerDeltaSchema, answerDoneSchema, answerSchema, citationSchema, queryOptionsSchema } from './query.ts';
export {
  fitSchema,
  jobAcceptedSchema,
  renderFieldsSchema,
  renderOptionsSchema,
  renderPageSchema,
  renderViewSchema,
  resolvedConfigSchema,
  tokenizerSchema,
} from './render.ts';
export { usageQuerySchema, usageRowSchema, usageTotalsSchema, usageViewSchema } from './usage.ts';
