/**
 * Reflow: joins the lines of hard-wrapped paragraphs so a page is filled by the renderer's own
 * line breaking instead of being half empty (text wrapped at 70 columns leaves the right half
 * of a Glyph page blank).
 *
 * - A **block** is a run of non-blank lines; blank lines stay exactly as they are.
 * - A block whose lines mean something ({@link structureOf}: code, lists, tables, logs,
 *   Markdown, header fields, `>` quotes) is kept line by line in every mode, and so is a
 *   paragraph that is not greedily wrapped and reads as verse ({@link looksLikeVerse}).
 * - Other blocks are cut into **paragraphs** before every line indented deeper than the block's
 *   least indented lines (first-line-indent style: classical Chinese e-texts open paragraphs
 *   with `　　` and put no blank line between them).
 * - `auto` joins a paragraph when {@link isHardWrapped} says it was greedily wrapped; `on` joins
 *   every paragraph of a plain block; `off` returns the text unchanged.
 * - Joining replaces a line break and the spaces around it by one space, or by nothing between
 *   CJK characters and after a hyphen; the first line's indentation is kept.
 * - Once a text is reflowed, a single blank line between two prose paragraphs (joined, or a
 *   one-line paragraph of a plain block) becomes a plain line break: a paragraph then starts on
 *   the next row and costs no empty one. Two or more blank lines (a section break), and blank
 *   lines next to a kept block (code, a table, verse), stay as they are.
 *
 * The {@link LineMap} maps the output back to the customer's lines, so a citation or a layout
 * line of the reflowed text can name the lines that were sent.
 */
import { documentWrapWidth, contentWidth, isHardWrapped, joinerBetween } from './hard-wrap.ts';
import { LineMap, type CopiedPiece } from './line-map.ts';
import { indentOf, isBlank, splitSourceLines, type SourceLine } from './source-lines.ts';
import { looksLikeVerse, structureOf, type StructureKind } from './structure.ts';

/** `auto` decides per paragraph, `on` joins every plain paragraph, `off` changes nothing. */
export type ReflowMode = 'auto' | 'on' | 'off';

/** The reflow modes, for request validation and help texts. */
export const REFLOW_MODES: readonly ReflowMode[] = ['auto', 'on', 'off'];

/** What reflow decided for one paragraph (or structured block), by source lines. */
export interface ParagraphDecision {
  /** 1-based source lines, inclusive. */
  first: number;
  last: number;
  /** `joined`: its lines were joined; `kept`: left line by line. */
  action: 'joined' | 'kept';
  /** Why: the structure found, `verse`, `wrapped` / `not-wrapped` (the auto test), `on` (joined only because of the mode), or `single-line`. */
  reason: StructureKind | 'verse' | 'wrapped' | 'not-wrapped' | 'on' | 'single-line';
}

/** Result of {@link reflow}. */
export interface ReflowResult {
  /** The text to render. */
  text: string;
  /** True when at least one line break was joined. */
  reflowed: boolean;
  /** Output offsets and lines → source lines. */
  lineMap: LineMap;
  /** One decision per paragraph or structured block (empty for `off`). */
  paragraphs: ParagraphDecision[];
}

/** Reflows `text` in `mode`; see the module comment. */
export function reflow(text: string, mode: ReflowMode = 'auto'): ReflowResult {
  if (mode === 'off') return { text, reflowed: false, lineMap: LineMap.identity(text), paragraphs: [] };
  const lines = splitSourceLines(text);
  const blocks = blocksOf(lines);
  const documentWidth = documentWrapWidth(
    blocks.filter((b) => !structureOf(b)).flatMap((b) => b.slice(0, -1).map(contentWidth)),
  );

  const paragraphs: ParagraphDecision[] = [];
  const joins: Join[] = [];
  /** Per block: whether its first and last paragraphs are prose (the blank lines around them may go). */
  const edges: Array<{ first: SourceLine; last: SourceLine; leadingProse: boolean; trailingProse: boolean }> = [];
  for (const block of blocks) {
    const kind = structureOf(block);
    const before = paragraphs.length;
    if (kind) {
      paragraphs.push(decision(block, 'kept', kind));
      edges.push({ first: block[0]!, last: block.at(-1)!, leadingProse: false, trailingProse: false });
      continue;
    }
    for (const paragraph of paragraphsOf(block)) {
      if (paragraph.length < 2) {
        paragraphs.push(decision(paragraph, 'kept', 'single-line'));
        continue;
      }
      const wrapped = isHardWrapped(paragraph, documentWidth);
      if (!wrapped && looksLikeVerse(paragraph)) {
        paragraphs.push(decision(paragraph, 'kept', 'verse'));
        continue;
      }
      const join = mode === 'on' || wrapped;
      paragraphs.push(decision(paragraph, join ? 'joined' : 'kept', join ? (wrapped ? 'wrapped' : 'on') : 'not-wrapped'));
      if (join) {
        for (let i = 0; i + 1 < paragraph.length; i++) {
          const line = paragraph[i]!;
          const next = paragraph[i + 1]!;
          joins.push({ from: line.contentEnd, to: next.contentStart, joiner: joinerBetween(line, text.slice(next.contentStart, next.contentEnd)) });
        }
      }
    }
    const own = paragraphs.slice(before);
    const prose = (d: ParagraphDecision | undefined) => d?.action === 'joined' || d?.reason === 'single-line';
    edges.push({ first: block[0]!, last: block.at(-1)!, leadingProse: prose(own[0]), trailingProse: prose(own.at(-1)) });
  }
  if (joins.length === 0) return { text, reflowed: false, lineMap: LineMap.identity(text), paragraphs };

  // One blank line between two prose paragraphs becomes a plain break: from the end of the first
  // paragraph's content to the start of the next one's line (its indentation is kept).
  for (let b = 0; b + 1 < edges.length; b++) {
    const a = edges[b]!;
    const c = edges[b + 1]!;
    if (a.trailingProse && c.leadingProse && c.first.number - a.last.number === 2) {
      // The paragraph's own line terminator (`\n` or `\r\n`) stands in for the blank line.
      const terminator = text.slice(a.last.start + a.last.text.length, lines[a.last.number]!.start);
      joins.push({ from: a.last.contentEnd, to: c.first.start, joiner: terminator });
    }
  }
  joins.sort((x, y) => x.from - y.from);

  // Copy the source between joins verbatim; each join replaces [from, to) by its joiner.
  const pieces: CopiedPiece[] = [];
  let out = '';
  let from = 0;
  for (const join of joins) {
    pieces.push({ output: out.length, source: from, length: join.from - from });
    out += text.slice(from, join.from);
    out += join.joiner;
    from = join.to;
  }
  pieces.push({ output: out.length, source: from, length: text.length - from });
  out += text.slice(from);
  return { text: out, reflowed: true, lineMap: new LineMap(pieces, text, out), paragraphs };
}

/** A stretch of the source `[from, to)` replaced by `joiner` in the output. */
interface Join {
  from: number;
  to: number;
  joiner: string;
}

function blocksOf(lines: readonly SourceLine[]): SourceLine[][] {
  const blocks: SourceLine[][] = [];
  let current: SourceLine[] = [];
  for (const line of lines) {
    if (isBlank(line)) {
      if (current.length) blocks.push(current);
      current = [];
    } else current.push(line);
  }
  if (current.length) blocks.push(current);
  return blocks;
}

function paragraphsOf(block: readonly SourceLine[]): SourceLine[][] {
  const base = Math.min(...block.map(indentOf));
  const paragraphs: SourceLine[][] = [[block[0]!]];
  for (let i = 1; i < block.length; i++) {
    if (indentOf(block[i]!) > base) paragraphs.push([block[i]!]);
    else paragraphs[paragraphs.length - 1]!.push(block[i]!);
  }
  return paragraphs;
}

function decision(lines: readonly SourceLine[], action: ParagraphDecision['action'], reason: ParagraphDecision['reason']): ParagraphDecision {
  return { first: lines[0]!.number, last: lines[lines.length - 1]!.number, action, reason };
}
