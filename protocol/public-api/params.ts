/** Path parameters of the public routes, checked by the rules of id-rules.ts. */
import { z } from '@hono/zod-openapi';
import { ID_RULES } from './id-rules.ts';
import { coded, ruleString } from './coded.ts';

/** A document id: the lowercase hex SHA-256 of the text. */
export const documentIdSchema = ruleString(ID_RULES.document).openapi({
  description: 'Document id: the lowercase hex SHA-256 of the text.',
  example: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
});

/** A render id: the SHA-256 of the canonical render config. */
export const renderIdSchema = ruleString(ID_RULES.render).openapi({
  description: 'Render id: the SHA-256 of the canonical render config.',
});

/** A 1-based page number (a string in the path, a number to the handler). */
export const pageNumberSchema = z
  .string()
  .refine((value) => ID_RULES.page.pattern.test(value), coded(ID_RULES.page.code, ID_RULES.page.message))
  .transform(Number)
  .openapi({ type: 'integer', minimum: 1, maximum: 999_999, description: 'Page number, from 1.' });

/** An async render job's id. */
export const jobIdSchema = ruleString(ID_RULES.job).openapi({
  description: 'Job id.',
  example: `job_${'0'.repeat(32)}`,
});

/** `{id}` of `/v1/documents/{id}/…`. */
export const documentParams = z.object({ id: documentIdSchema });

/** `{id}`, `{renderId}`, `{n}` of a page URL, in the order they are checked. */
export const pageParams = z.object({ id: documentIdSchema, renderId: renderIdSchema, n: pageNumberSchema });

/** `{id}` of `/v1/jobs/{id}`. */
export const jobParams = z.object({ id: jobIdSchema });
