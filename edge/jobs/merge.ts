/**
 * A job stores each page range's manifest part in R2; the last range merges them into the one
 * manifest (and layout) a whole-document render would have produced.
 */
import type { ManifestLine, RenderManifest } from '../../protocol/runner-api.ts';
import type { PageStore, StoredManifest, StoredPage } from '../storage/renders.ts';

/** What a job keeps per page range. */
export interface RangePart {
  manifest: Omit<RenderManifest, 'pages' | 'layout'>;
  pages: StoredPage[];
  layout: ManifestLine[];
  /** Where the range's pages were stored; absent in parts written before pages were stored by content. */
  pageStore?: PageStore;
}

/**
 * Merges range parts into the stored manifest and layout; throws when pages are missing or
 * repeated (the caller must not commit then).
 */
export function mergeParts(parts: RangePart[]): { manifest: StoredManifest; layout: ManifestLine[] } {
  if (parts.length === 0) throw new Error('merge: no parts');
  const sorted = [...parts].sort((a, b) => (a.pages[0]?.n ?? 0) - (b.pages[0]?.n ?? 0));
  const head = sorted[0]!.manifest;
  const pages = sorted.flatMap((p) => p.pages);
  const layout = sorted.flatMap((p) => p.layout);
  pages.forEach((page, i) => {
    if (page.n !== i + 1) throw new Error(`merge: expected page ${i + 1}, found ${page.n}`);
  });
  if (pages.length !== head.totals.pages) throw new Error(`merge: ${pages.length} of ${head.totals.pages} pages`);
  // One manifest names one page layout: a job whose ranges straddle the change of layout cannot
  // be committed as it is (it fails, and is asked for again: every range is then stored by content).
  const stores = new Set(sorted.map((p) => p.pageStore ?? 'render'));
  if (stores.size > 1) throw new Error('merge: ranges stored in both page layouts');
  return {
    manifest: {
      textSha256: head.textSha256,
      configHash: head.configHash,
      config: head.config,
      reflowed: head.reflowed,
      textTokenizer: head.textTokenizer,
      ...(head.fit ? { fit: head.fit } : {}),
      ...(head.kind ? { kind: head.kind } : {}),
      profile: head.profile,
      chars: head.chars,
      pages,
      totals: head.totals,
      missingGlyphs: head.missingGlyphs,
      storedAt: new Date().toISOString(),
      ...(sorted[0]!.pageStore ? { pageStore: sorted[0]!.pageStore } : {}),
    },
    layout,
  };
}
