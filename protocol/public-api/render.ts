/**
 * The render fields every render-shaped request takes (`preset`, `config`, `profile`), the render
 * result, the 202 of a job, and `POST /v1/documents/{id}/render`.
 */
import { z } from '@hono/zod-openapi';
import { isProfileName, PROFILE_NAMES } from '../profiles.ts';
import { CONFIG_KEYS, isPresetName, PRESET_NAMES } from '../render-config.ts';
import { coded } from './coded.ts';
import { deliveryFieldsSchema, deliveryViewFields, sharedUrlField } from './delivery.ts';

/** Whether `value` is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `preset`, `config`, `profile`: how to render (not strict, so other bodies can extend it). */
export const renderFieldsSchema = z.object({
  preset: z
    .string()
    .max(64)
    .refine(isPresetName, coded('invalid_config', (name) => `unknown preset "${String(name)}": use one of ${PRESET_NAMES.join(', ')}`))
    .optional()
    .openapi({ enum: [...PRESET_NAMES], description: 'Preset to start from (default `glyph-en`).' }),
  // The parsed JSON object itself, not a copy: z.record rebuilds the object and silently drops a
  // "__proto__" key, which must reach the config validator and be refused as an unknown key (as at
  // the runner) rather than vanish and leave a render with defaults.
  config: z
    .custom<Record<string, unknown>>(isJsonObject, coded('invalid_config', 'config must be a JSON object of render keys'))
    .optional()
    .openapi({
      type: 'object',
      additionalProperties: true,
      description:
        'Glyph render keys overriding the preset (400 `invalid_config` names a bad key or value). ' +
        `Keys: ${CONFIG_KEYS.join(', ')}.`,
      example: { 'font-size': 9, dpi: 72 },
    }),
  profile: z
    .string()
    .max(64)
    .refine(
      isProfileName,
      coded('invalid_profile', `profile: unknown visual-token profile; expected one of ${PROFILE_NAMES.join(', ')}`),
    )
    .optional()
    .openapi({ enum: [...PROFILE_NAMES], description: 'Vision model whose visual-token count prices the pages (default `glm-4.1v`).' }),
});

/** Body of `POST /v1/documents/{id}/render`: the render fields and nothing else. */
export const renderOptionsSchema = renderFieldsSchema.extend(deliveryFieldsSchema.shape).strict().openapi('RenderOptions');

/** One page of a render. */
export const renderPageSchema = z
  .object({
    n: z.number().int().openapi({ description: 'Page number, from 1.' }),
    url: z.string().openapi({ description: 'Absolute URL of the PNG (needs the same API key).' }),
    width: z.number().int(),
    height: z.number().int(),
    visualTokens: z.number().int().openapi({ description: "Tokens this page costs under the request's profile." }),
    ...sharedUrlField,
  })
  .openapi('RenderPage');

/** The render result: pages and totals, priced for the request's profile. */
export const renderViewSchema = z
  .object({
    documentId: z.string(),
    renderId: z.string().openapi({ description: 'SHA-256 of the canonical render config.' }),
    cached: z.boolean().openapi({ description: 'Served from a committed render.' }),
    profile: z.string(),
    pages: z.array(renderPageSchema),
    totals: z.object({
      pages: z.number().int(),
      visualTokens: z.number().int(),
      textTokens: z.number().int().openapi({ description: 'Qwen3 tokens of the text.' }),
      ratio: z.number().openapi({ description: 'textTokens / visualTokens, two decimals.' }),
    }),
    missingGlyphs: z.object({
      count: z.number().int(),
      codePoints: z.array(z.string()).openapi({ description: 'Characters the fonts lack, as U+XXXX.' }),
    }),
    ...deliveryViewFields,
  })
  .openapi('Render');

/** 202: the document is over the page threshold, so a job renders it. */
export const jobAcceptedSchema = z
  .object({
    jobId: z.string(),
    status: z.literal('queued'),
    documentId: z.string(),
    renderId: z.string(),
    statusUrl: z.string().openapi({ description: 'Path of the job: poll it, then ask for the render again (a cache hit).' }),
  })
  .openapi('JobAccepted');
