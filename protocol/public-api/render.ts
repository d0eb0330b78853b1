/**
 * The render fields every render-shaped request takes (`preset`, `config`, `profile`, `reflow`,
 * `readbackFloor`), the render result, the 202 of a job, and `POST /v1/documents/{id}/render`.
 */
import { z } from '@hono/zod-openapi';
import { isProfileName, PROFILE_NAMES } from '../profiles.ts';
import {
  CONFIG_KEYS,
  DEFAULT_READBACK_FLOOR,
  isPresetChoice,
  isReflowMode,
  PRESET_CHOICES,
  READBACK_FLOOR_RANGE,
  REFLOW_MODES,
  renderConfigSchema,
} from '../render-config.ts';
import { TEXT_TOKENIZER_FAMILIES } from '../text-tokenizers.ts';
import { coded } from './coded.ts';
import { deliveryFieldsSchema, deliveryViewFields, sharedUrlField } from './delivery.ts';
import { DOCUMENT_KINDS } from '../document-kinds.ts';

/** Whether `value` is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const floorMessage = `readbackFloor must be a number from ${READBACK_FLOOR_RANGE.min} to ${READBACK_FLOOR_RANGE.max}`;

/** A visual-token profile's name (400 `invalid_profile` for any other). */
export const profileNameSchema = z
  .string()
  .max(64)
  .refine(
    isProfileName,
    coded('invalid_profile', `profile: unknown visual-token profile; expected one of ${PROFILE_NAMES.join(', ')}`),
  )
  .openapi({ enum: [...PROFILE_NAMES] });

/** `preset`, `config`, `profile`, `reflow`, `readbackFloor`: how to render (not strict, so other bodies can extend it). */
export const renderFieldsSchema = z.object({
  preset: z
    .string()
    .max(64)
    .refine(
      isPresetChoice,
      coded('invalid_config', (name) => `unknown preset "${String(name)}": use one of ${PRESET_CHOICES.join(', ')}`),
    )
    .optional()
    .openapi({
      enum: [...PRESET_CHOICES],
      description:
        'Preset to start from (default `glyph-en`). `auto`: pages fitted to `profile` (its cost grid, never resized by the ' +
        "model) with the densest font whose OCR read-back at the model's resolution meets `readbackFloor`; the response " +
        'carries the resolved `config`.',
    }),
  // The parsed JSON object itself, not a copy: z.record rebuilds the object and silently drops a
  // "__proto__" key, which must reach the config validator and be refused as an unknown key (as at
  // the runner) rather than vanish and leave a render with defaults.
  config: z
    .custom<Record<string, unknown>>(
      isJsonObject,
      coded('invalid_config', 'config must be a JSON object of render keys'),
    )
    .optional()
    .openapi({
      type: 'object',
      additionalProperties: true,
      description:
        'Glyph render keys overriding the preset (400 `invalid_config` names a bad key or value). ' +
        `Keys: ${CONFIG_KEYS.join(', ')}.`,
      example: { 'font-size': 9, dpi: 72 },
    }),
  profile: profileNameSchema.optional().openapi({
    enum: [...PROFILE_NAMES],
    description:
      'Vision model that reads the pages (default `glm-4.1v`): prices them in its visual tokens, counts the text in its ' +
      'own tokenizer family, and with preset `auto` decides the page geometry.',
  }),
  reflow: z
    .string()
    .max(16)
    .refine(isReflowMode, coded('invalid_config', `reflow must be one of ${REFLOW_MODES.join(', ')}`))
    .optional()
    .openapi({
      enum: [...REFLOW_MODES],
      description:
        'Join the lines inside paragraphs of hard-wrapped prose before layout: `auto` (default) when detected, `on`, `off`. ' +
        'Code, poetry, lists, tables and logs are never joined; citations and the layout still point at the lines sent.',
    }),
  readbackFloor: z
    .number({ error: floorMessage })
    .refine(
      (n) => n >= READBACK_FLOOR_RANGE.min && n <= READBACK_FLOOR_RANGE.max,
      coded('invalid_config', floorMessage),
    )
    .optional()
    .openapi({
      description:
        `Preset \`auto\` only: the lowest OCR read-back accepted, ${READBACK_FLOOR_RANGE.min}–${READBACK_FLOOR_RANGE.max} ` +
        `(default ${DEFAULT_READBACK_FLOOR.latin} for Latin text, ${DEFAULT_READBACK_FLOOR.cjk} for CJK, variant-insensitive).`,
    }),
});

/** Body of `POST /v1/documents/{id}/render`: the render fields and nothing else. */
export const renderOptionsSchema = renderFieldsSchema
  .extend(deliveryFieldsSchema.shape)
  .strict()
  .openapi('RenderOptions');

/** The resolved, complete config of a render. */
// Rebuilt from the shared shape: the shared schema is plain zod, made before the OpenAPI extension.
export const resolvedConfigSchema = z.object(renderConfigSchema.shape).openapi('RenderConfig', {
  description:
    'The complete render config the pages were drawn with (Glyph keys). Sent back as `config` (with `preset` unset and ' +
    'the same `reflow`), it asks for the same pages.',
});

/** The tokenizer a render's text tokens were counted with. */
export const tokenizerSchema = z
  .object({
    family: z.enum(TEXT_TOKENIZER_FAMILIES as readonly ['o200k', 'qwen3', 'gemma3', 'claude-approx']),
    estimate: z.boolean().openapi({ description: "True when the count is not the model's own tokenizer's." }),
  })
  .openapi('TextTokenizer', {
    description:
      'gpt-4o → o200k; glm-4.1v, qwen2.5-vl, qwen3-vl → qwen3; gemini → gemma3; claude → claude-approx (an estimate).',
  });

/** What the fit search of preset `auto` chose. */
export const fitSchema = z
  .object({
    profile: z.string(),
    fontSize: z.number().openapi({ description: 'Points.' }),
    lineHeight: z.number().openapi({ description: 'Points.' }),
    readback: z
      .number()
      .openapi({ description: "OCR read-back of the calibration page at the model's resolution, 0..1." }),
    floor: z.number(),
    floorMet: z
      .boolean()
      .openapi({ description: 'False when no setting met the floor (the best read-back was taken).' }),
    resizedDown: z
      .boolean()
      .openapi({ description: "Whether the model's preprocessing scales the page down (never for a fitted page)." }),
  })
  .openapi('Fit', { description: 'Preset `auto` only: the font the search chose and its read-back.' });

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
    renderId: z.string().openapi({
      description:
        'Names the render in every cache: with a fixed config and reflow `off`, SHA-256 of the canonical config; with ' +
        'another reflow mode, of the config and the mode; with preset `auto`, of the request (profile, reflow, ' +
        'readbackFloor, config overrides).',
    }),
    cached: z.boolean().openapi({ description: 'Served from a committed render.' }),
    profile: z.string(),
    config: resolvedConfigSchema,
    reflowed: z.boolean().openapi({ description: 'Whether hard-wrapped prose was joined before layout.' }),
    tokenizer: tokenizerSchema,
    worthIt: z
      .boolean()
      .openapi({ description: "True when the pages cost the profile's model fewer tokens than the text." }),
    fit: fitSchema.optional(),
    kind: z.enum(DOCUMENT_KINDS).optional().openapi({
      description:
        "The input kind the pages were drawn as (the document's: Markdown structure, code in colour, PDF pages, …).",
    }),
    pages: z.array(renderPageSchema),
    totals: z.object({
      pages: z.number().int(),
      visualTokens: z.number().int(),
      textTokens: z
        .number()
        .int()
        .openapi({ description: "Tokens of the text in the profile's tokenizer family (`tokenizer`)." }),
      ratio: z.number().openapi({ description: 'textTokens / visualTokens, two decimals.' }),
    }),
    missingGlyphs: z.object({
      count: z.number().int(),
      codePoints: z.array(z.string()).openapi({ description: 'Characters the fonts lack, as U+XXXX.' }),
    }),
    pagesRendered: z
      .number()
      .int()
      .openapi({
        description:
          'Pages the runner painted for this response: 0 for a committed render (`cached`), every page for a fresh one, ' +
          'and for a render of a text that extends an earlier one (a conversation, a chat history) only the pages from ' +
          'the first that changed.',
      }),
    pagesReused: z
      .number()
      .int()
      .openapi({
        description:
          'The other pages: served as committed, or kept byte-identical (same ETag, same stored object) from the earlier ' +
          'render of the text this one extends. `pagesRendered + pagesReused = totals.pages`.',
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
    statusUrl: z
      .string()
      .openapi({ description: 'Path of the job: poll it, then ask for the render again (a cache hit).' }),
  })
  .openapi('JobAccepted');
