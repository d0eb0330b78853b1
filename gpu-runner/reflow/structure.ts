/**
 * Lines that mean something as lines: reflow never joins a block that looks like code, a list,
 * a table, a log, Markdown structure or header fields, whatever the mode ({@link looksLikeVerse}
 * covers verse). Each test is
 * deliberately cheap and errs toward "structured": a hard-wrapped paragraph left unjoined costs
 * some page space, a joined poem or table is a changed document.
 */
import { indentOf, type SourceLine } from './source-lines.ts';

/** Why a block is kept line by line. */
export type StructureKind = 'code' | 'list' | 'table' | 'log' | 'markdown' | 'fields' | 'quote';

const MARKDOWN = /^\s{0,3}(#{1,6}\s|```|~~~|([-*_=])\s*(\2\s*){2,}$|--\s?$)/;
const BULLET = /^\s*[-*+•‣◦▪–]\s+\S/;
const NUMBERED = /^\s*(\d{1,3}|[a-zA-Z]|[ivxlcdm]{1,6})[.)]\s+\S|^\s*\(\w{1,4}\)\s+\S/;
const LOG =
  /^\s*\[?(\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}|\d{2}\/\w{3}\/\d{4}|(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\b)/;
const FIELD = /^[A-Z][\w-]{0,30}:\s+\S/;
const CODE_KEYWORD =
  /^\s*(def|class|import|from\s+\S+\s+import|return|elif|except|raise|yield|const|let|var|function|export|#include|#define|package|fn|func|public|private|static|async\s+function|try\s*[:{]|else\s*[:{]|for\s*\(|while\s*\(|if\s*\()/;
const CODE_SYNTAX =
  /[{}]\s*$|^\s*[{}]|=>|===|!==|&&|\|\||::|->|\+=|\)\s*[:{;]\s*$|^\s*(\/\/|\/\*|\*\/|#!)|\b\w+\s*=\s*[\w'"[{(]/;
const CODE_PUNCTUATION = /[(){}[\]=;]|:\s*$/;
// A call closing a line: `print(x)`, `run(a, b);` (prose puts a space before its brackets).
const CALL = /\w\([^()]*\)\s*;?\s*$/;
const PIPES = /\|.*\|/;
// A gap of two or more spaces inside a line that does not follow the end of a sentence (old
// typewritten text puts two spaces after a full stop).
const COLUMN_GAP = /(?<![.!?:;'"”’)\]])\S {2,}\S|\t/;
const QUOTE = /^\s*>/;
const STARTS_UPPER = /^\s*[\p{P}\s]*\p{Lu}/u;

/** The kind of structure `lines` (one block, no blank line inside) has, or undefined for plain text. */
export function structureOf(lines: readonly SourceLine[]): StructureKind | undefined {
  const texts = lines.map((l) => l.text);
  const count = (re: RegExp) => texts.reduce((n, t) => n + (re.test(t) ? 1 : 0), 0);
  if (count(QUOTE) > 0) return 'quote';
  if (count(MARKDOWN) > 0) return 'markdown';
  if (count(PIPES) >= 2 || count(COLUMN_GAP) >= 2) return 'table';
  if (count(LOG) >= 2) return 'log';
  if (count(BULLET) > 0 || count(NUMBERED) >= 2 || NUMBERED.test(texts[0]!)) return 'list';
  if (count(FIELD) >= 2) return 'fields';
  // A keyword alone is weak ("return Mr. Bennet's visit" opens a line of prose): half a point
  // unless code punctuation comes with it.
  const code = texts.reduce(
    (n, t) =>
      n + (CODE_SYNTAX.test(t) || CALL.test(t) ? 1 : CODE_KEYWORD.test(t) ? (CODE_PUNCTUATION.test(t) ? 1 : 0.5) : 0),
    0,
  );
  if (code >= Math.min(2, lines.length * 0.5)) return 'code';
  // Three or more depths of indentation (nesting, centred lines): the indentation carries
  // meaning. Two are a first-line indent or a hanging indent, which prose has.
  if (new Set(lines.map(indentOf)).size >= 3) return 'code';
  return undefined;
}

/**
 * Verse: three or more lines, three in four opening with a capital. Prose dialogue does that
 * too, so reflow asks this only of a paragraph that is not greedily wrapped.
 */
export function looksLikeVerse(lines: readonly SourceLine[]): boolean {
  return lines.length >= 3 && lines.filter((l) => STARTS_UPPER.test(l.text)).length >= lines.length * 0.75;
}
