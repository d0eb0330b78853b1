/**
 * Syntax colours for source code: lowlight (highlight.js grammars, synchronous, no WASM) turns
 * code into classed spans; each span becomes a run coloured from a light theme whose colours are
 * dark enough to read back at 9 px. Languages are named as highlight.js names them or by its
 * aliases (`py`, `ts`, `rs`); an unknown language is drawn in the monospace face uncoloured.
 */
import type { Element, ElementContent, Root } from 'hast';
import { all, createLowlight } from 'lowlight';
import { MONO, type Run, type RunStyle } from './model.ts';

const lowlight = createLowlight(all);

/**
 * highlight.js scopes and their colours (GitHub's light theme, with the comment grey darkened so
 * OCR still reads it). A span takes the colour of its first class found here.
 */
export const SYNTAX_COLORS: Readonly<Record<string, string>> = {
  keyword: '#cf222e',
  'meta keyword': '#cf222e',
  doctag: '#cf222e',
  'template-tag': '#cf222e',
  'template-variable': '#cf222e',
  type: '#953800',
  'variable.language': '#cf222e',
  title: '#6639ba',
  'title.class': '#953800',
  'title.function': '#6639ba',
  attr: '#0550ae',
  attribute: '#0550ae',
  literal: '#0550ae',
  meta: '#0550ae',
  number: '#0550ae',
  operator: '#0550ae',
  variable: '#953800',
  'selector-attr': '#0550ae',
  'selector-class': '#0550ae',
  'selector-id': '#0550ae',
  regexp: '#0a3069',
  string: '#0a3069',
  symbol: '#0550ae',
  built_in: '#953800',
  comment: '#57606a',
  code: '#57606a',
  formula: '#57606a',
  name: '#116329',
  quote: '#116329',
  'selector-tag': '#116329',
  'selector-pseudo': '#116329',
  tag: '#116329',
  subst: '#24292f',
  section: '#0550ae',
  bullet: '#953800',
  addition: '#116329',
  deletion: '#82071e',
};

/** True when the highlighter knows `language` (a name or an alias). */
export function isKnownLanguage(language: string): boolean {
  return lowlight.registered(language);
}

/**
 * The code as monospace runs with syntax colours (`\n` kept, tabs untouched). Comments are
 * italic. `language` undefined or unknown: one uncoloured run.
 */
export function highlightRuns(code: string, language: string | undefined, base: RunStyle = MONO): Run[] {
  if (!language || !lowlight.registered(language)) return code ? [{ text: code, style: base }] : [];
  const tree: Root = lowlight.highlight(language, code);
  const runs: Run[] = [];
  const walk = (nodes: ElementContent[] | Root['children'], style: RunStyle): void => {
    for (const node of nodes) {
      if (node.type === 'text') {
        if (node.value) runs.push({ text: node.value, style });
      } else if (node.type === 'element') {
        walk(node.children, styleOf(node, style));
      }
    }
  };
  walk(tree.children, base);
  return runs;
}

/** The style a highlighted span gives its text: its scope's colour (inherited otherwise). */
function styleOf(span: Element, outer: RunStyle): RunStyle {
  const classes = (span.properties.className as string[] | undefined) ?? [];
  const scopes = classes.map((c) => c.replace(/^hljs-/, '').replace(/_$/, ''));
  // `hljs-title function_` is the scope `title.function`: try the dotted pair first.
  const candidates = scopes.length > 1 ? [`${scopes[0]}.${scopes[1]}`, ...scopes] : scopes;
  const color = candidates.map((s) => SYNTAX_COLORS[s]).find(Boolean);
  const comment = scopes.includes('comment');
  if (!color && !comment) return outer;
  return { ...outer, ...(color ? { color } : {}), ...(comment ? { italic: true } : {}) };
}
