/**
 * The API's request and response types, inferred from the zod schemas the edge validates with
 * (protocol/public-api/index.ts). Type-only imports: the client carries no zod at run time.
 */
import type { z } from 'zod';
import type {
  answerDeltaSchema,
  answerDoneSchema,
  answerSchema,
  citationSchema,
  compressedSchema,
  compressJobSchema,
  compressPassthroughSchema,
  decodeOptionsSchema,
  decodeViewSchema,
  fitSchema,
  documentViewSchema,
  errorBodySchema,
  jobAcceptedSchema,
  jobViewSchema,
  layoutViewSchema,
  queryOptionsSchema,
  renderOptionsSchema,
  renderPageSchema,
  renderViewSchema,
  resolvedConfigSchema,
  tokenizerSchema,
  usageRowSchema,
  usageTotalsSchema,
  usageViewSchema,
} from '../protocol/public-api/index.ts';

/** A stored document (`POST /v1/documents`). */
export type DocumentView = z.output<typeof documentViewSchema>;
/**
 * How to render: `preset` (`glyph-en`, `glyph-zh`, or `auto`: pages fitted to `profile`),
 * `config` overrides, `profile`, `reflow` (`auto` | `on` | `off`), `readbackFloor` (auto only).
 */
export type RenderOptions = z.output<typeof renderOptionsSchema>;
/** One page of a render. */
export type RenderPage = z.output<typeof renderPageSchema>;
/** A render: pages and totals (`POST /v1/documents/{id}/render`, 200). */
export type RenderView = z.output<typeof renderViewSchema>;
/** A render handed to a job (202). */
export type JobAccepted = z.output<typeof jobAcceptedSchema>;
/** `POST /v1/compress`, 200: the document and its render. */
export type Compressed = z.output<typeof compressedSchema>;
/** `POST /v1/compress`, 200 with `passthrough: true` asked and pages that do not pay: the text itself. */
export type CompressPassthrough = z.output<typeof compressPassthroughSchema>;
/** The complete render config a render was drawn with (send it back as `config` for the same pages). */
export type ResolvedRenderConfig = z.output<typeof resolvedConfigSchema>;
/** The tokenizer family a render's text tokens were counted in. */
export type TextTokenizer = z.output<typeof tokenizerSchema>;
/** What preset `auto`'s fit search chose. */
export type RenderFit = z.output<typeof fitSchema>;
/** `POST /v1/compress`, 202: the document and the job rendering it. */
export type CompressJob = z.output<typeof compressJobSchema>;
/** Body of a query. */
export type QueryBody = z.output<typeof queryOptionsSchema>;
/** A cited line. */
export type Citation = z.output<typeof citationSchema>;
/** The answer to a query. */
export type Answer = z.output<typeof answerSchema>;
/** `data` of a streamed `delta` event. */
export type AnswerDelta = z.output<typeof answerDeltaSchema>;
/** `data` of a streamed `done` event (`cached` and `usage` only when served from cache). */
export type AnswerDone = z.output<typeof answerDoneSchema>;
/** Body of a decode. */
export type DecodeBody = z.output<typeof decodeOptionsSchema>;
/** The OCR read-back. */
export type DecodeView = z.output<typeof decodeViewSchema>;
/** Line boxes of a render (`GET /v1/documents/{id}/renders/{renderId}/layout`). */
export type LayoutView = z.output<typeof layoutViewSchema>;
/** An async render job. */
export type JobView = z.output<typeof jobViewSchema>;
/** The usage report. */
export type UsageView = z.output<typeof usageViewSchema>;
/** Sums over usage rows. */
export type UsageTotals = z.output<typeof usageTotalsSchema>;
/** One metered call. */
export type UsageRow = z.output<typeof usageRowSchema>;
/** Every JSON error body. */
export type ErrorBody = z.output<typeof errorBodySchema>;
