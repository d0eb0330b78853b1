/**
 * Logs → one `log-line` block per source line: monospace, never reflowed, tabs expanded, a long
 * line wrapped by the renderer with a visible continuation mark. The level word (ERROR, WARN, …)
 * is coloured so a reader finds failures at a glance; the text is unchanged.
 */
import { DEFAULT_TAB_WIDTH, expandTabs, sourceLines } from './lines.ts';
import { MONO, type Run, type RunStyle, type StyledDocument } from './model.ts';

/** Options of {@link logToStyledDocument}. */
export interface LogOptions {
  /** Columns per tab stop; default 4. */
  tabWidth?: number;
  /** Colour level words (default true). */
  levelColors?: boolean;
}

/** Colours of log levels: dark enough to read back at small sizes. */
export const LEVEL_COLORS: Readonly<Record<string, string>> = {
  fatal: '#82071e',
  critical: '#82071e',
  error: '#cf222e',
  err: '#cf222e',
  warning: '#9a6700',
  warn: '#9a6700',
};

const LEVEL_WORD = /\b(FATAL|CRITICAL|ERROR|ERR|WARNING|WARN)\b/i;

/** A log as a {@link StyledDocument}: line n is block n-1, source line n. */
export function logToStyledDocument(log: string, options: LogOptions = {}): StyledDocument {
  const tabWidth = options.tabWidth ?? DEFAULT_TAB_WIDTH;
  const doc: StyledDocument = { kind: 'log', blocks: [] };
  if (log === '') return doc;
  sourceLines(log).forEach((line, i) => {
    doc.blocks.push({
      role: 'log-line',
      runs: expandTabs(levelRuns(line, options.levelColors ?? true), tabWidth),
      keepLines: true,
      wrapMark: true,
      source: { line: i + 1 },
    });
  });
  return doc;
}

function levelRuns(line: string, colors: boolean): Run[] {
  const m = colors ? LEVEL_WORD.exec(line) : null;
  if (!m) return line ? [{ text: line, style: MONO }] : [];
  const level: RunStyle = { ...MONO, bold: true, color: LEVEL_COLORS[m[1].toLowerCase()] };
  return [
    { text: line.slice(0, m.index), style: MONO },
    { text: m[0], style: level },
    { text: line.slice(m.index + m[0].length), style: MONO },
  ].filter((r) => r.text);
}
