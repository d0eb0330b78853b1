/**
 * Where each part of a reflowed text came from in the text the customer sent. Reflow copies
 * source slices verbatim and only replaces a line break (with the spaces around it) by one
 * space or by nothing, so the map is a sorted list of copied pieces: an output offset inside a
 * piece maps to the same place in the source; one inside a joiner maps to the end of the source
 * line it joined. Source lines are numbered from 1, as an editor shows them.
 */

/** A slice of the source copied to the output unchanged. */
export interface CopiedPiece {
  /** Offset of the piece in the output text (UTF-16 code units). */
  output: number;
  /** Offset of the piece in the source text. */
  source: number;
  /** Length of the piece. */
  length: number;
}

/** Inclusive range of 1-based source line numbers. */
export interface SourceLines {
  first: number;
  last: number;
}

/** Maps offsets and lines of a reflowed text back to the source text's lines. */
export class LineMap {
  /** For every output line (index 0 = output line 1), the source lines it shows. */
  readonly lines: readonly SourceLines[];
  private readonly sourceLineStarts: number[];

  constructor(
    private readonly pieces: readonly CopiedPiece[],
    source: string,
    private readonly output: string,
  ) {
    this.sourceLineStarts = lineStarts(source);
    const outStarts = lineStarts(output);
    this.lines = outStarts.map((start, i) => {
      const end = i + 1 < outStarts.length ? outStarts[i + 1]! - 1 : output.length;
      return this.sourceLinesOf({ start, end: Math.max(start + 1, end) });
    });
  }

  /** The map of a text that was not changed: every line maps to itself. */
  static identity(text: string): LineMap {
    return new LineMap([{ output: 0, source: 0, length: text.length }], text, text);
  }

  /** Source offset of output offset `offset` (a joiner maps to the end of the line it joined). */
  sourceOffsetOf(offset: number): number {
    const o = Math.max(0, Math.min(offset, this.output.length));
    const piece = this.pieces[lastAtOrBefore(this.pieces, o, (p) => p.output)];
    if (!piece) return 0;
    return piece.source + Math.min(o - piece.output, piece.length);
  }

  /** 1-based source line holding the character at output offset `offset`. */
  sourceLineOf(offset: number): number {
    return lastAtOrBefore(this.sourceLineStarts, this.sourceOffsetOf(offset), (s) => s) + 1;
  }

  /** Source lines covered by the output range `[start, end)` (a rendered line's `start`/`end`). */
  sourceLinesOf(range: { start: number; end: number }): SourceLines {
    const first = this.sourceLineOf(range.start);
    const last = this.sourceLineOf(Math.max(range.start, range.end - 1));
    return { first, last: Math.max(first, last) };
  }

  /** Source lines shown on 1-based output line `line`. */
  sourceLinesOfLine(line: number): SourceLines {
    const found = this.lines[line - 1];
    if (!found) throw new RangeError(`output line ${line} is outside 1..${this.lines.length}`);
    return found;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Index of the last element whose key is ≤ `value` (binary search over ascending keys), or 0. */
function lastAtOrBefore<T>(items: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]!) <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
