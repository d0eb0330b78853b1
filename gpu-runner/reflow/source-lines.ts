/** The customer's text cut into lines, with the offsets reflow needs to copy and join them. */

/** One line of the source text. */
export interface SourceLine {
  /** 1-based line number. */
  number: number;
  /** Offset of the line's first character. */
  start: number;
  /** The line without its terminator (`\n`, or `\r\n`). */
  text: string;
  /** Offset just past the line's last visible (non-space) character; `start` for a blank line. */
  contentEnd: number;
  /** Offset of the first non-space character; `start + text.length` for a blank line. */
  contentStart: number;
}

const SPACE = /[\s\u3000]/u;

/** Splits `text` into lines (a final terminator does not start an empty last line). */
export function splitSourceLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = 0;
  while (start < text.length || lines.length === 0) {
    let end = text.indexOf('\n', start);
    const next = end < 0 ? text.length : end + 1;
    if (end < 0) end = text.length;
    const body = text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end);
    let a = 0;
    while (a < body.length && SPACE.test(body[a]!)) a++;
    let b = body.length;
    while (b > a && SPACE.test(body[b - 1]!)) b--;
    lines.push({ number: lines.length + 1, start, text: body, contentStart: start + a, contentEnd: start + b });
    start = next;
    if (end >= text.length) break;
  }
  return lines;
}

/** True for a line with nothing but spaces. */
export function isBlank(line: SourceLine): boolean {
  return line.contentEnd <= line.contentStart;
}

/** Width in monospace columns: wide and full-width characters (CJK) count 2, others 1. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const c of s) w += isWide(c.codePointAt(0)!) ? 2 : 1;
  return w;
}

/** East Asian wide or full-width: CJK ideographs, kana, hangul, full-width forms and punctuation. */
export function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Leading indentation of a line in columns (a tab counts 4, an ideographic space 2). */
export function indentOf(line: SourceLine): number {
  return displayWidth(line.text.slice(0, line.contentStart - line.start).replace(/\t/g, '    '));
}
