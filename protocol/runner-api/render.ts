/**
 * The answer of `POST /v1/render`: multipart/form-data, the `manifest` part (JSON) first, then one
 * `image/png` part named `page-<n>` per page, in order. The edge validates the manifest before it
 * stores a single page.
 */
import { z } from 'zod';

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
});
/** One line of the layout map. */
export type ManifestLine = z.infer<typeof manifestLineSchema>;

/** One page of a render manifest (pages are numbered from 1). */
export const manifestPageSchema = z.object({
  n: z.number().int().min(1),
  width: z.number().int(),
  height: z.number().int(),
  visualTokens: z.number().int(),
});
/** One page of a render manifest. */
export type ManifestPage = z.infer<typeof manifestPageSchema>;

/** The `manifest` part that opens a `/v1/render` multipart response. */
export const renderManifestSchema = z.object({
  textSha256: z.string(),
  configHash: z.string(),
  profile: z.string(),
  chars: z.number().int(),
  pages: z.array(manifestPageSchema),
  totals: z.object({ pages: z.number().int(), visualTokens: z.number().int(), textTokens: z.number().int(), ratio: z.number() }),
  layout: z.array(manifestLineSchema),
  missingGlyphs: z.object({ count: z.number().int(), codePoints: z.array(z.string()) }),
  /** Set when only a page range was rendered: the range, and the whole document's page count. */
  range: z.object({ firstPage: z.number().int(), lastPage: z.number().int() }).optional(),
});
/** The `manifest` part of a `/v1/render` answer. */
export type RenderManifest = z.infer<typeof renderManifestSchema>;

/** Multipart part name of the manifest. */
export const MANIFEST_PART = 'manifest';
/** Multipart part name of page `n` (1-based). */
export const pagePartName = (n: number): string => `page-${n}`;
