/**
 * Source code → one `code` block: monospace, every source line one drawn line with its exact
 * indentation (tabs expanded to tab stops), keywords and literals coloured by the highlighter,
 * optionally a line-number gutter. Line n of the block is source line n.
 */
import { kindFromFileName, normalizeLanguage } from '../../protocol/document-kinds.ts';
import { highlightRuns, isKnownLanguage } from './highlight.ts';
import { DEFAULT_TAB_WIDTH, expandTabs, mergeRuns, normalizeNewlines, splitRunsIntoLines } from './lines.ts';
import { MONO, type Run, type StyledDocument } from './model.ts';

/** Colour of line numbers in the gutter: muted, still dark enough to read back. */
export const GUTTER_COLOR = '#6e7781';

/** Options of {@link codeToStyledDocument}. */
export interface CodeOptions {
  /** Language name or alias (`python`, `py`); wins over the file name. */
  language?: string;
  /** File name, to take the language from its extension when `language` is absent. */
  fileName?: string;
  /** Columns per tab stop; default 4. */
  tabWidth?: number;
  /** Draw each line's number in a gutter (`12  `, muted); the numbers are part of the drawn text. */
  lineNumbers?: boolean;
}

/** The highlighter language for these options, or undefined when none is known. */
export function codeLanguage(options: CodeOptions): string | undefined {
  const named = options.language ? normalizeLanguage(options.language) : undefined;
  if (named && isKnownLanguage(named)) return named;
  const fromName = options.fileName ? kindFromFileName(options.fileName) : undefined;
  const guessed = fromName?.kind === 'code' ? fromName.language : undefined;
  if (guessed && isKnownLanguage(guessed)) return guessed;
  return named ?? guessed;
}

/** Source code as a {@link StyledDocument}: one `code` block with `keepLines`, source line 1. */
export function codeToStyledDocument(source: string, options: CodeOptions = {}): StyledDocument {
  const language = codeLanguage(options);
  const text = normalizeNewlines(source);
  const lines = splitRunsIntoLines(expandTabs(highlightRuns(text, language), options.tabWidth ?? DEFAULT_TAB_WIDTH));
  if (lines.length > 1 && lines[lines.length - 1].length === 0) lines.pop();
  const doc: StyledDocument = { kind: 'code', blocks: [], ...(language ? { language } : {}) };
  if (text === '') return doc;
  const width = String(lines.length).length;
  const runs: Run[] = [];
  lines.forEach((line, i) => {
    if (i > 0) runs.push({ text: '\n', style: MONO });
    if (options.lineNumbers)
      runs.push({ text: `${String(i + 1).padStart(width)}  `, style: { ...MONO, color: GUTTER_COLOR } });
    runs.push(...line);
  });
  doc.blocks.push({
    role: 'code',
    ...(language ? { language } : {}),
    runs: mergeRuns(runs),
    keepLines: true,
    wrapMark: true,
    source: { line: 1 },
  });
  return doc;
}
