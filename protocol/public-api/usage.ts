/** `GET /v1/usage`: the caller's tenant's metered calls. */
import { z } from '@hono/zod-openapi';

/** Most usage rows one response lists. */
export const MAX_USAGE_ROWS = 1000;

// Unix milliseconds or any ISO 8601 date/time; empty means the default.
function timeParam(name: string) {
  return z
    .string()
    .transform((value, ctx) => {
      if (value === '') return undefined;
      const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      if (Number.isFinite(ms)) return ms;
      ctx.addIssue({ code: 'custom', message: `${name} must be an ISO 8601 time or unix milliseconds` });
      return z.NEVER;
    })
    .optional();
}

const limitMessage = `limit must be 0..${MAX_USAGE_ROWS}`;

/** Query of `GET /v1/usage` (`from`/`to` as unix milliseconds, `limit` as a number, once parsed). */
export const usageQuerySchema = z.object({
  from: timeParam('from').openapi({
    type: 'string',
    description: 'Start (inclusive): ISO 8601 or unix ms. Default: the start of this UTC month.',
  }),
  to: timeParam('to').openapi({ type: 'string', description: 'End (exclusive): ISO 8601 or unix ms. Default: now.' }),
  limit: z.coerce
    .number({ error: limitMessage })
    .int({ error: limitMessage })
    .min(0, { error: limitMessage })
    .max(MAX_USAGE_ROWS, { error: limitMessage })
    .optional()
    .openapi({
      type: 'integer',
      description: 'Most rows listed, newest first (default 100). Totals cover the whole range.',
    }),
});

/** Sums over a set of usage rows. */
export const usageTotalsSchema = z
  .object({
    calls: z.number().int(),
    units: z.number(),
    pages: z.number().int(),
    visualTokens: z.number().int(),
    textTokens: z.number().int(),
    cacheHits: z.number().int(),
  })
  .openapi('UsageTotals');

/** One metered call. */
export const usageRowSchema = z
  .object({
    id: z.string(),
    keyId: z.string(),
    operation: z.enum(['upload', 'render', 'query', 'decode', 'chat']),
    units: z.number(),
    pages: z.number().int(),
    visualTokens: z.number().int(),
    textTokens: z.number().int(),
    cacheHit: z.boolean(),
    document: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('UsageRow');

/** The usage report. */
export const usageViewSchema = z
  .object({
    tenant: z.string(),
    from: z.string().openapi({ format: 'date-time' }),
    to: z.string().openapi({ format: 'date-time' }),
    totals: usageTotalsSchema.extend({ byOperation: z.record(z.string(), usageTotalsSchema) }),
    rows: z.array(usageRowSchema),
    truncated: z.boolean().openapi({ description: 'More rows matched than `limit`.' }),
  })
  .openapi('Usage');
