/**
 * The width a text wraps at, estimated as it is read: the 90th percentile of the widths of its
 * plain-text lines (not code, tables, lists…) seen so far. Reflow adds a block's lines before it
 * decides that block, and never looks at a later one, so the estimate a paragraph is judged
 * against depends only on the text up to the end of its own block: text appended later cannot
 * change how an earlier paragraph was joined.
 *
 * Every line counts, one-line paragraphs and the short last lines of wrapped ones too. In
 * wrapped prose most lines are full, so the percentile still lands on the wrap width; in text
 * whose paragraphs are single long lines (an article, a chat), it lands past any wrap width, and
 * a short run of similar lines there (table rows, a heading and a date) is not taken for a
 * wrapped paragraph. Counting only lines followed by another line of their block would leave
 * such text with few samples early on, where a whole-text estimate had the rest to go by.
 *
 * The widths are kept as a histogram. A width of {@link WIDEST_COUNTED} columns or more is
 * counted as that width: past it, 80 % of the estimate is wider than any paragraph reflow joins
 * ({@link MAX_WRAP_COLUMNS}), so no decision can tell the exact value from the capped one.
 */
import { MAX_WRAP_COLUMNS } from './hard-wrap.ts';

/** Widths from here on share one histogram bucket; see the module comment. */
export const WIDEST_COUNTED = Math.ceil(MAX_WRAP_COLUMNS / 0.8) + 1;

/** Running 90th percentile of line widths (columns). */
export class WrapWidthEstimate {
  private readonly counts = new Uint32Array(WIDEST_COUNTED + 1);
  private total = 0;

  /** Counts one line's width. */
  add(width: number): void {
    this.counts[Math.min(Math.max(0, Math.floor(width)), WIDEST_COUNTED)]!++;
    this.total++;
  }

  /** The estimate: the 90th percentile of the widths added so far (0 before any). */
  value(): number {
    if (this.total === 0) return 0;
    // The element at index ⌊0.9 n⌋ of the sorted widths, as a sort would pick it.
    const rank = Math.min(this.total - 1, Math.floor(this.total * 0.9));
    let seen = 0;
    for (let width = 0; width <= WIDEST_COUNTED; width++) {
      seen += this.counts[width]!;
      if (seen > rank) return width;
    }
    return WIDEST_COUNTED;
  }
}
