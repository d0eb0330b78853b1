/** Line and column helpers shared by the converters that keep source lines exactly. */
import type { Run } from './model.ts';

/** Default tab stop width in columns (the common editor default; options can change it). */
export const DEFAULT_TAB_WIDTH = 4;

/** The text with every line ending (`\r\n`, `\r`, `\n`) made `\n`, as the renderer counts lines. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** The lines of `text` (any line ending); a final line ending adds no empty last line. */
export function sourceLines(text: string): string[] {
  const lines = normalizeNewlines(text).split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Runs with each tab replaced by spaces up to the next tab stop, the column counted across runs
 * and restarted at each `\n`, so indentation made of tabs lands on the same columns as in an editor.
 */
export function expandTabs(runs: Run[], tabWidth: number = DEFAULT_TAB_WIDTH): Run[] {
  let column = 0;
  const out: Run[] = [];
  for (const run of runs) {
    if (!run.text.includes('\t')) {
      const lastBreak = run.text.lastIndexOf('\n');
      column = lastBreak === -1 ? column + run.text.length : run.text.length - lastBreak - 1;
      out.push(run);
      continue;
    }
    let text = '';
    for (const ch of run.text) {
      if (ch === '\t') {
        const spaces = tabWidth - (column % tabWidth);
        text += ' '.repeat(spaces);
        column += spaces;
      } else if (ch === '\n') {
        text += ch;
        column = 0;
      } else {
        text += ch;
        column += 1;
      }
    }
    out.push({ text, style: run.style });
  }
  return out;
}

/** Runs split at each `\n`: one array of runs per line (empty lines are empty arrays). */
export function splitRunsIntoLines(runs: Run[]): Run[][] {
  const lines: Run[][] = [[]];
  for (const run of runs) {
    const parts = run.text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines[lines.length - 1].push({ text: part, style: run.style });
    });
  }
  return lines;
}

/** Adjacent runs of the same style merged (fewer, longer runs for the renderer). */
export function mergeRuns(runs: Run[]): Run[] {
  const out: Run[] = [];
  for (const run of runs) {
    if (!run.text) continue;
    const last = out[out.length - 1];
    if (last && sameStyle(last.style, run.style))
      out[out.length - 1] = { text: last.text + run.text, style: last.style };
    else out.push(run);
  }
  return out;
}

function sameStyle(a: Run['style'], b: Run['style']): boolean {
  return (
    a.family === b.family && a.scale === b.scale && a.bold === b.bold && a.italic === b.italic && a.color === b.color
  );
}
