/**
 * Bodies the edge sends to the runner's work routes (validated by the runner, built through them
 * by the edge's runner client), and the limits they are held to.
 */
import { z } from 'zod';
import { DOCUMENT_KINDS } from '../document-kinds.ts';
import { REFLOW_MODES, readbackFloorSchema } from '../render-config.ts';

/** Most characters a single runner request may carry (the edge's default upload limit is 20 MB). */
export const MAX_TEXT_CHARS = 20_000_000;
/** Longest question accepted by `/v1/answer`. */
export const MAX_QUESTION_CHARS = 2_000;
/** Most page plans one incremental render request may name. */
export const MAX_REUSE_PLANS = 10_000;
/** Most lines one decode request reads back. */
export const MAX_DECODE_SAMPLE = 2_000;

/**
 * An unpaired UTF-16 surrogate (`"\ud800"` escaped in JSON): not Unicode, with no UTF-8 form. The
 * text's SHA-256 (over UTF-8, where it turns into U+FFFD) would name another text than the one
 * drawn, and two different renders would share a cache key. Code units, no `u` flag: linear.
 */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `text` is valid Unicode (no unpaired surrogate), i.e. has a UTF-8 form. */
export function isWellFormedText(text: string): boolean {
  return !UNPAIRED_SURROGATE.test(text);
}

/**
 * Fields every runner work request carries: the text and how to render it. The edge names a
 * render (its renderId) from everything here that changes the pages — preset or config, `auto`
 * (profile and floor) and `reflow` — so asking with another reflow mode or floor is another render;
 * the manifest's `configHash` is the hash of the config the runner resolved.
 */
export const renderRequestSchema = z.strictObject({
  text: z
    .string()
    .min(1, 'text must not be empty')
    .max(MAX_TEXT_CHARS, `text must be at most ${MAX_TEXT_CHARS} characters`)
    .refine(isWellFormedText, 'text must be valid Unicode: it has an unpaired surrogate'),
  preset: z.string().optional(),
  // The parsed JSON object itself, not a copy: z.record rebuilds the object and silently drops a
  // "__proto__" key, which must reach the config validator and be refused as an unknown key.
  config: z
    .custom<Record<string, unknown>>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'config must be a JSON object',
    )
    .optional(),
  profile: z.string().optional(),
  /**
   * Preset `auto`, resolved by the runner: page geometry from `auto.profile`, font size and line
   * height from the fit search (the densest setting whose OCR read-back at the model's resolution
   * meets `readbackFloor`; default 0.99 for Latin text, 0.97 for CJK). Keys in `config` still win
   * over the search's choices. `preset` must then be absent or `auto`.
   */
  auto: z
    .strictObject({
      profile: z.string().min(1, 'auto.profile must name a profile'),
      readbackFloor: readbackFloorSchema.optional(),
    })
    .optional(),
  /**
   * Join the lines of hard-wrapped prose before layout: `auto` when detected, `on`, `off`. Absent:
   * `off` (drawn as sent); the edge sends the public default, `auto`, itself.
   */
  reflow: z.enum(REFLOW_MODES, { error: `reflow must be one of ${REFLOW_MODES.join(', ')}` }).optional(),
  /**
   * The input kind of `text` (default `text`): the runner turns it into a styled document
   * (Markdown structure, code in colour, logs unreflowed; `pdf`: the text `/v1/extract` returned).
   */
  kind: z.enum(DOCUMENT_KINDS, { error: `kind must be one of ${DOCUMENT_KINDS.join(', ')}` }).optional(),
  /** Highlighter language of a `code` document (`python`); else taken from `fileName`. */
  language: z.string().max(32, 'language must be at most 32 characters').optional(),
  /** The uploaded file's name, to take a code document's language from its extension. */
  fileName: z.string().max(255, 'fileName must be at most 255 characters').optional(),
  /** Render only pages [firstPage, lastPage] (1-based, inclusive): for big documents in jobs. */
  firstPage: z.number().int().min(1).optional(),
  lastPage: z.number().int().min(1).optional(),
  /**
   * Incremental render: the `planSha256` of each page the caller already holds from an earlier
   * render with the same options (in page order). The runner lays the whole text out, keeps the
   * leading pages whose plans equal these, and paints and sends only the pages from the first one
   * that differs (the manifest's `pagesReused` says how many it kept). Not with a page range.
   */
  reusePlans: z
    .array(z.string().regex(/^[0-9a-f]{64}$/, 'reusePlans: each entry must be a lowercase SHA-256 hex digest'))
    .max(MAX_REUSE_PLANS, `reusePlans: at most ${MAX_REUSE_PLANS} pages`)
    .optional(),
});
/** Body of `POST /v1/render`. */
export type RenderRequest = z.infer<typeof renderRequestSchema>;

/** Body of `POST /v1/decode`. */
export const decodeRequestSchema = renderRequestSchema
  .omit({ firstPage: true, lastPage: true, reusePlans: true })
  .extend({ sample: z.number().int().min(1).max(MAX_DECODE_SAMPLE).optional() });
/** Body of `POST /v1/decode`. */
export type DecodeRequest = z.infer<typeof decodeRequestSchema>;

/** Body of `POST /v1/answer`. */
export const answerRequestSchema = renderRequestSchema
  .omit({ firstPage: true, lastPage: true, reusePlans: true })
  .extend({
    question: z
      .string()
      .trim()
      .min(1, 'question must not be empty')
      .max(MAX_QUESTION_CHARS, `question must be at most ${MAX_QUESTION_CHARS} characters`),
    stream: z.boolean().optional(),
  });
/** Body of `POST /v1/answer`. */
export type AnswerRequest = z.infer<typeof answerRequestSchema>;
