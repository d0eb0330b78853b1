import { z } from 'zod';

/**
 * The signed internal API between edge and runner: request schemas (validated on the runner) and
 * response shapes (read by the edge). Pure TypeScript: both sides import it.
 */

/** Most characters a single runner request may carry (the edge's default upload limit is 20 MB). */
export const MAX_TEXT_CHARS = 20_000_000;
/** Longest question accepted by `/v1/answer`. */
export const MAX_QUESTION_CHARS = 2_000;
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

/** Fields every runner work request carries: the text and how to render it. */
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
    .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'config must be a JSON object')
    .optional(),
  profile: z.string().optional(),
  /** Render only pages [firstPage, lastPage] (1-based, inclusive): for big documents in jobs. */
  firstPage: z.number().int().min(1).optional(),
  lastPage: z.number().int().min(1).optional(),
});
/** Body of `POST /v1/render`. */
export type RenderRequest = z.infer<typeof renderRequestSchema>;

/** Body of `POST /v1/decode`. */
export const decodeRequestSchema = renderRequestSchema
  .omit({ firstPage: true, lastPage: true })
  .extend({ sample: z.number().int().min(1).max(MAX_DECODE_SAMPLE).optional() });
/** Body of `POST /v1/decode`. */
export type DecodeRequest = z.infer<typeof decodeRequestSchema>;

/** Body of `POST /v1/answer`. */
export const answerRequestSchema = renderRequestSchema.omit({ firstPage: true, lastPage: true }).extend({
  question: z
    .string()
    .trim()
    .min(1, 'question must not be empty')
    .max(MAX_QUESTION_CHARS, `question must be at most ${MAX_QUESTION_CHARS} characters`),
  stream: z.boolean().optional(),
});
/** Body of `POST /v1/answer`. */
export type AnswerRequest = z.infer<typeof answerRequestSchema>;

/** A pixel box on a page. */
export interface ManifestBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One line of the layout map: page (1-based), row on the page, pixel box, source range. */
export interface ManifestLine {
  page: number;
  line: number;
  box: ManifestBox;
  start: number;
  end: number;
}

/** One page of a render manifest (pages are numbered from 1). */
export interface ManifestPage {
  n: number;
  width: number;
  height: number;
  visualTokens: number;
}

/**
 * The `manifest` part that opens a `/v1/render` multipart response; `image/png` parts named
 * `page-<n>` follow, one per page, in order.
 */
export interface RenderManifest {
  textSha256: string;
  configHash: string;
  profile: string;
  chars: number;
  pages: ManifestPage[];
  totals: { pages: number; visualTokens: number; textTokens: number; ratio: number };
  layout: ManifestLine[];
  missingGlyphs: { count: number; codePoints: string[] };
  /** Set when only a page range was rendered: the range, and the whole document's page count. */
  range?: { firstPage: number; lastPage: number };
}

/** Response of `POST /v1/decode`. */
export interface DecodeResponse {
  charAccuracy: number;
  charAccuracyRaw: number;
  linesChecked: number;
  lines: Array<{ page: number; line: number; expected: string; got: string }>;
}

/** A cited line of the document. */
export interface Citation {
  page: number;
  line: number;
  text: string;
}

/** Response of `POST /v1/answer` (and the final `done` event when streaming). */
export interface AnswerResponse {
  answer: string;
  answerer: string;
  citations: Citation[];
}

/** JSON error body shared by edge and runner. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** Multipart part name of the manifest, and of page n. */
export const MANIFEST_PART = 'manifest';
/** Multipart part name of page `n` (1-based). */
export const pagePartName = (n: number): string => `page-${n}`;
