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
 * - Once a paragraph has been joined, a single blank line between two prose paragraphs after it
 *   (joined, or a one-line paragraph of a plain block) becomes a plain line break: a paragraph
 *   then starts on the next row and costs no empty one. Two or more blank lines (a section
 *   break), blank lines next to a kept block (code, a table, verse), and those before the first
 *   joined paragraph stay as they are.
 * - **Prefix-stable**: every decision about a block — its structure, each paragraph's verdict
 *   and the wrap width it is judged against ({@link WrapWidthEstimate}), the blank line before
 *   it — depends on that block and the text before it, never on text after it. Appending text
 *   therefore changes the output only from the end of the last complete block (one followed by
 *   a terminated blank line) or, when the text ends inside a block, from the end of the block
 *   before it: {@link ReflowResult.stableLength}. Pages laid out from a reflowed text keep their
 *   breaks when turns or paragraphs are appended to it.
 *
 * The {@link LineMap} maps the output back to the customer's lines, so a citation or a layout
 * line of the reflowed text can name the lines that were sent.
 */
import { contentWidth, isHardWrapped, joinerBetween } from './hard-wrap.ts';
import { LineMap, type CopiedPiece } from './line-map.ts';
import { indentOf, isBlank, splitSourceLines, type SourceLine } from './source-lines.ts';
import { looksLikeVerse, structureOf, type StructureKind } from './structure.ts';
import { WrapWidthEstimate } from './wrap-width.ts';

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
  /**
   * Length of the prefix of `text` that stays as it is whatever is appended to the source: the
   * reflow of any extension of the source starts with `text.slice(0, stableLength)`. It ends at
   * the end of the last complete paragraph block, or of the block before the last one.
   */
  stableLength: number;
}

/** Reflows `text` in `mode`; see the module comment. */
export function reflow(text: string, mode: ReflowMode = 'auto'): ReflowResult {
  if (mode === 'off')
    return { text, reflowed: false, lineMap: LineMap.identity(text), paragraphs: [], stableLength: text.length };
  const lines = splitSourceLines(text);
  const blocks = blocksOf(lines);
  const wrapWidth = new WrapWidthEstimate();

  const paragraphs: ParagraphDecision[] = [];
  const joins: Join[] = [];
  /** Whether a paragraph has been joined in this block or an earlier one. */
  let joinedYet = false;
  /** The block before the current one, and whether its last paragraph is prose. */
  let previous: { last: SourceLine; trailingProse: boolean } | undefined;
  for (const block of blocks) {
    const kind = structureOf(block);
    const before = paragraphs.length;
    if (kind) paragraphs.push(decision(block, 'kept', kind));
    else {
      // The block's own lines count before it is judged; later blocks never do.
      for (const line of block) wrapWidth.add(contentWidth(line));
      for (const paragraph of paragraphsOf(block)) {
        if (paragraph.length < 2) {
          paragraphs.push(decision(paragraph, 'kept', 'single-line'));
          continue;
        }
        const wrapped = isHardWrapped(paragraph, wrapWidth.value());
        if (!wrapped && looksLikeVerse(paragraph)) {
          paragraphs.push(decision(paragraph, 'kept', 'verse'));
          continue;
        }
        const join = mode === 'on' || wrapped;
        paragraphs.push(
          decision(paragraph, join ? 'joined' : 'kept', join ? (wrapped ? 'wrapped' : 'on') : 'not-wrapped'),
        );
        if (!join) continue;
        joinedYet = true;
        for (let i = 0; i + 1 < paragraph.length; i++) {
          const line = paragraph[i]!;
          const next = paragraph[i + 1]!;
          joins.push({
            from: line.contentEnd,
            to: next.contentStart,
            joiner: joinerBetween(line, text.slice(next.contentStart, next.contentEnd)),
          });
        }
      }
    }
    const own = paragraphs.slice(before);
    const prose = (d: ParagraphDecision | undefined) => d?.action === 'joined' || d?.reason === 'single-line';
    // One blank line between two prose paragraphs becomes a plain break, from the end of the
    // first one's content to the start of the next one's line (its indentation is kept), once
    // the text has shown itself reflowed: a paragraph joined here or before.
    if (previous?.trailingProse && prose(own[0]) && joinedYet && block[0]!.number - previous.last.number === 2) {
      // The paragraph's own line terminator (`\n` or `\r\n`) stands in for the blank line.
      const terminator = text.slice(
        previous.last.start + previous.last.text.length,
        lines[previous.last.number]!.start,
      );
      joins.push({ from: previous.last.contentEnd, to: block[0]!.start, joiner: terminator });
    }
    previous = { last: block.at(-1)!, trailingProse: prose(own.at(-1)) };
  }
  const stableSource = stableSourceLength(text, lines, blocks);
  if (joins.length === 0)
    return { text, reflowed: false, lineMap: LineMap.identity(text), paragraphs, stableLength: stableSource };
  joins.sort((x, y) => x.from - y.from);

  // Copy the source between joins verbatim; each join replaces [from, to) by its joiner.
  const pieces: CopiedPiece[] = [];
  let out = '';
  let from = 0;
  let stableLength = -1;
  for (const join of joins) {
    if (stableLength < 0 && join.from >= stableSource) stableLength = out.length + stableSource - from;
    pieces.push({ output: out.length, source: from, length: join.from - from });
    out += text.slice(from, join.from);
    out += join.joiner;
    from = join.to;
  }
  if (stableLength < 0) stableLength = out.length + stableSource - from;
  pieces.push({ output: out.length, source: from, length: text.length - from });
  out += text.slice(from);
  return { text: out, reflowed: true, lineMap: new LineMap(pieces, text, out), paragraphs, stableLength };
}

/**
 * Source offset up to which the output is final: the end of the content of the last block that
 * text appended to the source cannot extend (one followed by a terminated blank line), or of the
 * block before it. Past it, an appended line may join the last block, and the blank line after
 * a block may become a plain break once the next block is known.
 */
function stableSourceLength(text: string, lines: readonly SourceLine[], blocks: readonly SourceLine[][]): number {
  const last = blocks.at(-1);
  if (!last) return 0;
  const after = lines[last.at(-1)!.number];
  // A blank line with its terminator: nothing appended can make it part of the block.
  if (after && text.indexOf('\n', after.start) >= 0) return last.at(-1)!.contentEnd;
  return blocks.at(-2)?.at(-1)?.contentEnd ?? 0;
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

function decision(
  lines: readonly SourceLine[],
  action: ParagraphDecision['action'],
  reason: ParagraphDecision['reason'],
): ParagraphDecision {
  return { first: lines[0]!.number, last: lines[lines.length - 1]!.number, action, reason };
}
