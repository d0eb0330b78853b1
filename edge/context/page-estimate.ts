/**
 * Page counts of a transcript segment before it is rendered, for the budget planner: rows as the
 * renderer lays them with reflow off (every source line its own rows, wrapped at the page's
 * width; a blank row between turns), over the rows a page holds. A guess the route corrects:
 * segments it renders report their real pages, and the ratio seen scales the next guesses.
 */
import { pageSizePoints, type RenderConfig } from '../../protocol/render-config.ts';

// Average advance of a character in ems: DejaVu Sans prose is ~0.55 em; CJK glyphs are full width.
const LATIN_ADVANCE_EM = 0.55;
const CJK_ADVANCE_EM = 1.0;

/** How a config lays text out: characters a row, rows a page. */
export interface PageLayout {
  charsPerRow: number;
  rowsPerPage: number;
}

/** The layout of `config` (its text width over an average advance; its text height over the line height). */
export function pageLayout(config: RenderConfig): PageLayout {
  const [width, height] = pageSizePoints(config);
  const textWidth = width - 2 * config['margin-x'] - config['left-indent'] - config['right-indent'];
  const em = config['font-family'] === 'Noto Sans SC' ? CJK_ADVANCE_EM : LATIN_ADVANCE_EM;
  const advance = config['font-size'] * em * config['horizontal-scale'];
  return {
    charsPerRow: Math.max(1, Math.floor(textWidth / advance)),
    rowsPerPage: Math.max(1, Math.floor((height - 2 * config['margin-y']) / config['line-height'])),
  };
}

/** Rows `text` takes: each of its lines at least one, wrapped every `charsPerRow` characters. */
export function rowsOf(text: string, charsPerRow: number): number {
  let rows = 0;
  for (const line of text.split('\n')) rows += Math.max(1, Math.ceil(line.length / charsPerRow));
  return rows;
}
