/**
 * How many pages a document will roughly take, from its length and the render config alone:
 * enough to decide "render now" vs "202 + job" before any runner is asked.
 */
import { NEWLINE_BREAK, pageSizePoints, type RenderConfig } from '../../protocol/render-config.ts';

// Average advance of a character in ems: DejaVu Sans prose is ~0.55 em; CJK glyphs are full width.
const LATIN_ADVANCE_EM = 0.55;
const CJK_ADVANCE_EM = 1.0;

/**
 * Pages if the text filled every row: a lower bound (short paragraph lines waste space), so a
 * document estimated under the threshold may still come out somewhat over it — acceptable for a
 * policy switch, and it never sends a small document to the queue. With `lines` known (and
 * newlines drawn as breaks, Glyph's default) every source line takes at least one row, so a text
 * of many short or empty lines — 200 000 newlines make ~2 500 pages from 400 KB — is not taken
 * for a short one and rendered in one synchronous call.
 */
export function estimatePages(chars: number, config: RenderConfig, lines: number | null = null): number {
  const [width, height] = pageSizePoints(config);
  const textWidth = width - 2 * config['margin-x'] - config['left-indent'] - config['right-indent'];
  const em = config['font-family'] === 'Noto Sans SC' ? CJK_ADVANCE_EM : LATIN_ADVANCE_EM;
  const advance = config['font-size'] * em * config['horizontal-scale'];
  const charsPerLine = Math.max(1, Math.floor(textWidth / advance));
  const linesPerPage = Math.max(1, Math.floor((height - 2 * config['margin-y']) / config['line-height']));
  const rowsOfLines = lines !== null && config['newline-markup'] === NEWLINE_BREAK ? lines : 0;
  const rows = Math.max(Math.ceil(chars / charsPerLine), rowsOfLines);
  return Math.max(1, Math.ceil(rows / linesPerPage));
}
