/**
 * How many pages a document will roughly take, from its length and the render config alone:
 * enough to decide "render now" vs "202 + job" before any runner is asked.
 */
import { pageSizePoints, type RenderConfig } from '../../protocol/render-config.ts';

// Average advance of a character in ems: DejaVu Sans prose is ~0.55 em; CJK glyphs are full width.
const LATIN_ADVANCE_EM = 0.55;
const CJK_ADVANCE_EM = 1.0;

/**
 * Pages if the text filled every line: a lower bound (short paragraph lines waste space), so a
 * document estimated under the threshold may still come out somewhat over it — acceptable for a
 * policy switch, and it never sends a small document to the queue.
 */
export function estimatePages(chars: number, config: RenderConfig): number {
  const [width, height] = pageSizePoints(config);
  const textWidth = width - 2 * config['margin-x'] - config['left-indent'] - config['right-indent'];
  const em = config['font-family'] === 'Noto Sans SC' ? CJK_ADVANCE_EM : LATIN_ADVANCE_EM;
  const advance = config['font-size'] * em * config['horizontal-scale'];
  const charsPerLine = Math.max(1, Math.floor(textWidth / advance));
  const linesPerPage = Math.max(1, Math.floor((height - 2 * config['margin-y']) / config['line-height']));
  return Math.max(1, Math.ceil(chars / (charsPerLine * linesPerPage)));
}
