/**
 * The answer of `POST /v1/render`: multipart/form-data, the `manifest` part (JSON) first, then one
 * `image/png` part named `page-<n>` per page, in order. The edge validates the manifest before it
 * stores a single page.
 */
import { z } from 'zod';
import { DOCUMENT_KINDS } from '../document-kinds.ts';
import { renderConfigSchema } from '../render-config.ts';
import { TEXT_TOKENIZER_FAMILIES, type TextTokenizerFamily } from '../text-tokenizers.ts';

/** A pixel box on a page. */
export const manifestBoxSchema = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });
/** A pixel box on a page. */
export type ManifestBox = z.infer<typeof manifestBoxSchema>;

/** One line of the layout map: page (1-based), row on the page, pixel box, source range. */
export const manifestLineSchema = z.object({
  page: z.number().int(),
  line: z.number().int(),
  box: manifestBoxSchema,
  start: z.number().int(),
  end: z.number().int(),
  /**
   * Where the line comes from in the source of a structured kind: its 1-based source line (code,
   * logs, Markdown) or PDF page (and line on it). `start`/`end` then index the document's drawn
   * plain text. Absent for plain text, whose offsets index the text itself.
   */
  source: z.object({ line: z.number().int().optional(), pdfPage: z.number().int().optional() }).optional(),
});
/** One line of the layout map. */
export type ManifestLine = z.infer<typeof manifestLineSchema>;

/** One page of a render manifest (pages are numbered from 1). */
export const manifestPageSchema = z.object({
  n: z.number().int().min(1),
  width: z.number().int(),
  height: z.number().int(),
  visualTokens: z.number().int(),
  /**
   * SHA-256 of the page's plan (everything its pixels are painted from: size, glyphs and their
   * positions, styled boxes): equal plans under the same config paint byte-identical PNGs. Sent
   * back as `reusePlans`, it lets the runner skip the pages a caller already holds.
   */
  planSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
/** One page of a render manifest. */
export type ManifestPage = z.infer<typeof manifestPageSchema>;

/** What the fit search chose for a render with preset `auto`. */
export const manifestFitSchema = z.object({
  /** The profile the pages were fitted to. */
  profile: z.string(),
  /** Script the search calibrated for (share of CJK characters in the text). */
  script: z.enum(['latin', 'cjk']).optional(),
  /** Chosen font size and line height, in points. */
  fontSize: z.number(),
  lineHeight: z.number(),
  /**
   * OCR read-back of the calibration page at the model's resolution: strict character accuracy
   * for Latin text, variant-insensitive for CJK.
   */
  readback: z.number(),
  /** The floor asked for. */
  floor: z.number(),
  /** False when no setting reached the floor: the densest setting with the best read-back was taken. */
  floorMet: z.boolean(),
  /** Whether the model's preprocessing scales the chosen page down (never, for a fitted page). */
  resizedDown: z.boolean(),
});
/** What the fit search chose for a render with preset `auto`. */
export type ManifestFit = z.infer<typeof manifestFitSchema>;

/** The `manifest` part that opens a `/v1/render` multipart response. */
export const renderManifestSchema = z.object({
  textSha256: z.string(),
  /** sha256 of the canonical JSON of the resolved config (`config`), not of the request's preset or overrides. */
  configHash: z.string(),
  /**
   * The resolved, complete render config (Glyph's keys) the pages were drawn with: sent back as
   * `config`, it asks for the same pages again (for `auto`, with `reflow` as reported here).
   */
  config: renderConfigSchema,
  /** Whether hard-wrapped prose was joined before layout (the layout map still points at the text sent). */
  reflowed: z.boolean(),
  /** The tokenizer `totals.textTokens` was counted with (the profile's own family) and whether it is an estimate. */
  textTokenizer: z.object({
    family: z.enum(TEXT_TOKENIZER_FAMILIES as readonly [TextTokenizerFamily, ...TextTokenizerFamily[]]),
    estimate: z.boolean(),
  }),
  /** True when the pages cost the profile fewer tokens than the text (see protocol/worth-it.ts). */
  worthIt: z.boolean(),
  /** Set for preset `auto`: what the fit search chose. */
  fit: manifestFitSchema.optional(),
  /** The input kind the pages were drawn as (absent: `text`). */
  kind: z.enum(DOCUMENT_KINDS).optional(),
  profile: z.string(),
  chars: z.number().int(),
  pages: z.array(manifestPageSchema),
  totals: z.object({
    pages: z.number().int(),
    visualTokens: z.number().int(),
    textTokens: z.number().int(),
    ratio: z.number(),
  }),
  /**
   * Where each drawn line came from: `start`/`end` are UTF-16 offsets into the text the customer
   * sent (mapped back through the reflow when it joined lines), never into the reflowed text.
   */
  layout: z.array(manifestLineSchema),
  missingGlyphs: z.object({ count: z.number().int(), codePoints: z.array(z.string()) }),
  /**
   * Set when the request sent `reusePlans`: how many leading pages had the caller's plans and were
   * not painted; the PNG parts are pages `pagesReused + 1` … last (`pages` and `layout` stay whole).
   */
  pagesReused: z.number().int().min(0).optional(),
  /** Set when only a page range was rendered: the range, and the whole document's page count. */
  range: z.object({ firstPage: z.number().int(), lastPage: z.number().int() }).optional(),
});
/** The `manifest` part of a `/v1/render` answer. */
export type RenderManifest = z.infer<typeof renderManifestSchema>;

/** Multipart part name of the manifest. */
export const MANIFEST_PART = 'manifest';
/** Multipart part name of page `n` (1-based). */
export const pagePartName = (n: number): string => `page-${n}`;
