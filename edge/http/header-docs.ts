/**
 * Request and response headers the API documents (and, for requests, validates as strings; the
 * validator matches request header names case-insensitively).
 */
import { z } from '@hono/zod-openapi';

const idempotencyKey = z.string().optional().openapi({
  description: 'Makes a retried call bill once: the same key (per API key and operation) is billed once.',
});

/** Headers of a billable call. */
export const billableHeaders = z.object({ 'Idempotency-Key': idempotencyKey });

/** Headers of a billable call whose result is cached. */
export const cachedCallHeaders = z.object({
  'Idempotency-Key': idempotencyKey,
  'Cache-Control': z
    .string()
    .optional()
    .openapi({ description: '`no-cache` skips the cached result and computes it afresh.' }),
});

/** Headers of a page request. */
export const pageHeaders = z.object({
  'If-None-Match': z
    .string()
    .optional()
    .openapi({ description: "The page's ETag from an earlier response: 304 when it still matches." }),
});

/** A documented response header (a type, not an interface: OpenAPI objects take `x-` keys). */
export type HeaderDoc = {
  description: string;
  schema: { type: 'string' | 'integer'; enum?: string[] };
};

/** `x-glyph-cache` on render, query and decode responses. */
export const cacheHeader: Record<string, HeaderDoc> = {
  'x-glyph-cache': {
    description: '`hit` when served from a cache, `miss` when computed now.',
    schema: { type: 'string', enum: ['hit', 'miss'] },
  },
};

/** `Location` of a created document or of an accepted job. */
export const locationHeader: Record<string, HeaderDoc> = {
  Location: { description: 'URL of the document or job.', schema: { type: 'string' } },
};
