/**
 * Tables as aligned monospace grids: each cell padded to its column's width (left, centre or
 * right as the source aligns it), columns joined by ` | `, a `-+-` rule under the header. One row
 * is one line, and the rule stands where Markdown's delimiter row stands, so line n of the grid
 * is line n of a Markdown table's source.
 */
import type { Block, ColumnAlign, Run, SourceRef } from './model.ts';
import { MONO } from './model.ts';

/** Options of {@link tableBlock}. */
export interface TableBlockOptions {
  /** The first row is a header (drawn bold, with a rule under it). */
  header: boolean;
  /** Alignment per column; missing columns are unaligned (left). */
  align?: ColumnAlign[];
  source?: SourceRef;
}

/** Width of a cell in monospace columns (code points; wide CJK characters count one). */
function columns(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function pad(text: string, width: number, align: ColumnAlign): string {
  const gap = width - columns(text);
  if (gap <= 0) return text;
  if (align === 'right') return ' '.repeat(gap) + text;
  if (align === 'center') return ' '.repeat(Math.floor(gap / 2)) + text + ' '.repeat(gap - Math.floor(gap / 2));
  return text + ' '.repeat(gap);
}

/** A `table` block: the cells kept, and the same table as a padded grid in the runs. */
export function tableBlock(cells: string[][], options: TableBlockOptions): Block {
  const count = Math.max(0, ...cells.map((row) => row.length));
  const rows = cells.map((row) => Array.from({ length: count }, (_, i) => (row[i] ?? '').replace(/\s+/g, ' ').trim()));
  const align: ColumnAlign[] = Array.from({ length: count }, (_, i) => options.align?.[i] ?? null);
  const widths = align.map((_, i) => Math.max(1, ...rows.map((row) => columns(row[i]))));
  const runs: Run[] = [];
  rows.forEach((row, r) => {
    if (r > 0) runs.push({ text: '\n', style: MONO });
    // Trailing spaces of the last column draw nothing; drop them so the text compares cleanly.
    const line = row
      .map((cell, i) => pad(cell, widths[i], align[i]))
      .join(' | ')
      .trimEnd();
    runs.push({ text: line, style: r === 0 && options.header ? { ...MONO, bold: true } : MONO });
    if (r === 0 && options.header)
      runs.push({ text: `\n${widths.map((w) => '-'.repeat(w)).join('-+-')}`, style: MONO });
  });
  return {
    role: 'table',
    cells: rows,
    align,
    header: options.header,
    runs,
    keepLines: true,
    wrapMark: true,
    ...(options.source ? { source: options.source } : {}),
  };
}
