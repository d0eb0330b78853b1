/**
 * A document's plan as it crosses from a planner thread to the main thread: page sizes, every
 * glyph's place (typed arrays, see render/paint.ts) and the layout map packed as numbers, so the
 * whole plan moves as transferred buffers instead of being structured-cloned object by object.
 * The main thread paints from it ({@link paintPlan}) without laying the text out again.
 */
import type { ManifestLine } from '../../protocol/runner-api.ts';
import type { MissingGlyphs, PaintablePage, RenderPlan } from '../render/index.ts';

/**
 * Numbers per line in {@link PlannedPage.lines}: row, box x, y, width, height, source start, end,
 * and a styled kind's source line and PDF page (0: none).
 */
export const LINE_FIELDS = 9;

/** One page of a {@link DocumentPlan}. */
export interface PlannedPage extends PaintablePage {
  /** The page's layout lines, {@link LINE_FIELDS} numbers each. */
  lines: Int32Array;
  /**
   * SHA-256 (hex) of what the page is painted from (plan-hash.ts); set by the planner thread
   * (`planDocument`), absent on a plan packed without it.
   */
  planSha256?: string;
}

/** A laid-out document, ready to paint. */
export interface DocumentPlan {
  pages: PlannedPage[];
  missingGlyphs: MissingGlyphs;
  /**
   * When the drawn text is not the text sent (reflowed): each layout line's `[start, end)` in the
   * text sent, two numbers a line in page then row order. The lines themselves index the drawn text.
   */
  sourceSpans?: Int32Array;
}

/** The transferable form of a renderer's plan. */
export function packPlan(plan: RenderPlan): DocumentPlan {
  const pages = plan.pages.map((page): PlannedPage => {
    const lines = new Int32Array(page.lines.length * LINE_FIELDS);
    page.lines.forEach((l, i) =>
      lines.set(
        [
          l.line,
          l.box.x,
          l.box.y,
          l.box.width,
          l.box.height,
          l.start,
          l.end,
          l.source?.line ?? 0,
          l.source?.pdfPage ?? 0,
        ],
        i * LINE_FIELDS,
      ),
    );
    const { index, width, height, channels, glyphs, paragraphs, styled } = page;
    return { index, width, height, channels, glyphs, paragraphs, lines, ...(styled ? { styled } : {}) };
  });
  return { pages, missingGlyphs: plan.missingGlyphs };
}

/** The buffers of a plan, to transfer rather than copy (each listed once). */
export function planBuffers(plan: DocumentPlan): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const p of plan.pages) {
    for (const a of [p.lines, p.glyphs.codes, p.glyphs.xy]) buffers.add(a.buffer as ArrayBuffer);
    if (p.styled) buffers.add(p.styled.styleOf.buffer as ArrayBuffer);
  }
  if (plan.sourceSpans) buffers.add(plan.sourceSpans.buffer as ArrayBuffer);
  return [...buffers];
}

/** The layout map with `start`/`end` in the text sent (the drawn text's own offsets when it was not reflowed). */
export function planSourceLayout(plan: DocumentPlan): ManifestLine[] {
  const layout = planLayout(plan);
  const spans = plan.sourceSpans;
  if (!spans) return layout;
  return layout.map((line, i) => ({ ...line, start: spans[2 * i]!, end: spans[2 * i + 1]! }));
}

/** The layout map in manifest form: pages 1-based, rows on the page 0-based as the renderer numbers them. */
export function planLayout(plan: DocumentPlan): ManifestLine[] {
  const layout: ManifestLine[] = [];
  for (const page of plan.pages) {
    const l = page.lines;
    for (let o = 0; o < l.length; o += LINE_FIELDS) {
      layout.push({
        page: page.index + 1,
        line: l[o]!,
        box: { x: l[o + 1]!, y: l[o + 2]!, width: l[o + 3]!, height: l[o + 4]! },
        start: l[o + 5]!,
        end: l[o + 6]!,
        ...lineSource(l[o + 7]!, l[o + 8]!),
      });
    }
  }
  return layout;
}

function lineSource(line: number, pdfPage: number): Pick<ManifestLine, 'source'> {
  if (!line && !pdfPage) return {};
  return { source: { ...(pdfPage ? { pdfPage } : {}), ...(line ? { line } : {}) } };
}
