/**
 * Markdown (CommonMark + GFM tables, parsed by markdown-it) → blocks: headings larger and bold,
 * list items with their own markers and depth, fenced and indented code kept line for line and
 * highlighted when the fence names a language, inline code monospace, tables as aligned grids,
 * links as their text, images as their alt text, raw HTML as the text it shows. Every block
 * carries the source line markdown-it's `map` gives it.
 */
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import { highlightRuns } from './highlight.ts';
import { domToBlocks } from './html-blocks.ts';
import { htmlFragmentDocument } from './html.ts';
import { DEFAULT_TAB_WIDTH, expandTabs, mergeRuns, normalizeNewlines } from './lines.ts';
import {
  BODY,
  type Block,
  type BlockRole,
  type ColumnAlign,
  HEADING_SCALE,
  type Run,
  type RunStyle,
  type StyledDocument,
} from './model.ts';
import { tableBlock } from './table.ts';

/** Options of {@link markdownToStyledDocument}. */
export interface MarkdownOptions {
  /** Columns per tab stop in code blocks; default 4. */
  tabWidth?: number;
}

// 'default' is CommonMark plus GFM tables and strikethrough; linkify off: a URL stays its text.
const parser = new MarkdownIt('default', { html: true, linkify: false, typographer: false });

interface ListState {
  ordered: boolean;
}
interface ItemState {
  marker: string;
  used: boolean;
}

/** A Markdown text as a {@link StyledDocument}. */
export function markdownToStyledDocument(markdown: string, options: MarkdownOptions = {}): StyledDocument {
  const tabWidth = options.tabWidth ?? DEFAULT_TAB_WIDTH;
  const tokens = parser.parse(normalizeNewlines(markdown), {});
  const blocks: Block[] = [];
  const lists: ListState[] = [];
  const items: ItemState[] = [];
  let quoteDepth = 0;
  let heading: 1 | 2 | 3 | 4 | 5 | 6 | undefined;
  let table: { cells: string[][]; align: ColumnAlign[]; header: boolean; line: number } | undefined;
  let row: string[] | undefined;

  const roleOfText = (): BlockRole => {
    if (heading) return { role: 'heading', level: heading };
    const item = items[items.length - 1];
    if (item) {
      const marker = item.used ? '' : item.marker;
      item.used = true;
      return { role: 'list-item', depth: lists.length - 1, marker };
    }
    if (quoteDepth > 0) return { role: 'quote', depth: quoteDepth };
    return { role: 'paragraph' };
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const line = t.map ? t.map[0] + 1 : undefined;
    switch (t.type) {
      case 'heading_open':
        heading = Number(t.tag.slice(1)) as 1 | 2 | 3 | 4 | 5 | 6;
        break;
      case 'heading_close':
        heading = undefined;
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: t.type === 'ordered_list_open' });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        break;
      case 'list_item_open':
        items.push({ marker: lists[lists.length - 1]?.ordered ? `${t.info}${t.markup}` : t.markup, used: false });
        break;
      case 'list_item_close':
        items.pop();
        break;
      case 'blockquote_open':
        quoteDepth++;
        break;
      case 'blockquote_close':
        quoteDepth--;
        break;
      case 'hr':
        blocks.push({ role: 'rule', runs: [], keepLines: false, wrapMark: false, ...sourceOf(line) });
        break;
      case 'fence':
      case 'code_block': {
        const language = t.type === 'fence' ? t.info.trim().split(/\s+/, 1)[0].toLowerCase() || undefined : undefined;
        const code = t.content.replace(/\n$/, '');
        // A fence's code starts on the line after the opening fence.
        const first = line === undefined ? undefined : t.type === 'fence' ? line + 1 : line;
        blocks.push({
          role: 'code',
          ...(language ? { language } : {}),
          runs: mergeRuns(expandTabs(highlightRuns(code, language), tabWidth)),
          keepLines: true,
          wrapMark: true,
          ...sourceOf(first),
        });
        break;
      }
      case 'html_block': {
        const body = htmlFragmentDocument(t.content);
        if (body) blocks.push(...domToBlocks(body, { tabWidth, ...(line ? { source: { line } } : {}) }));
        break;
      }
      case 'table_open':
        table = { cells: [], align: [], header: false, line: line ?? 1 };
        break;
      case 'thead_open':
        if (table) table.header = true;
        break;
      case 'tr_open':
        row = [];
        break;
      case 'th_open':
      case 'td_open':
        if (table && table.cells.length === 0) table.align.push(alignOf(t));
        break;
      case 'tr_close':
        if (table && row) table.cells.push(row);
        row = undefined;
        break;
      case 'table_close':
        if (table)
          blocks.push(
            tableBlock(table.cells, { header: table.header, align: table.align, source: { line: table.line } }),
          );
        table = undefined;
        break;
      case 'inline': {
        const base: RunStyle = heading ? { ...BODY, bold: true, scale: HEADING_SCALE[heading] } : BODY;
        const runs = inlineRuns(t.children ?? [], base);
        if (row) {
          row.push(runs.map((r) => r.text).join(''));
          break;
        }
        if (!runs.length) break;
        blocks.push({ ...roleOfText(), runs, keepLines: false, wrapMark: false, ...sourceOf(line) });
        break;
      }
    }
  }
  return { kind: 'markdown', blocks };
}

function sourceOf(line: number | undefined): { source?: { line: number } } {
  return line === undefined ? {} : { source: { line } };
}

function alignOf(cell: Token): ColumnAlign {
  const a = /text-align:\s*(left|center|right)/.exec(String(cell.attrGet('style') ?? ''))?.[1];
  return a === 'left' || a === 'center' || a === 'right' ? a : null;
}

/** Inline tokens as runs: emphasis, inline code, links as text, images as alt text, breaks as `\n`. */
function inlineRuns(children: Token[], base: RunStyle): Run[] {
  const runs: Run[] = [];
  let bold = 0;
  let italic = 0;
  const style = (): RunStyle => ({ ...base, bold: base.bold || bold > 0, italic: base.italic || italic > 0 });
  for (const c of children) {
    switch (c.type) {
      case 'text':
        runs.push({ text: c.content, style: style() });
        break;
      case 'code_inline':
        runs.push({ text: c.content, style: { ...style(), family: 'mono' } });
        break;
      case 'strong_open':
        bold++;
        break;
      case 'strong_close':
        bold--;
        break;
      case 'em_open':
        italic++;
        break;
      case 'em_close':
        italic--;
        break;
      case 'image':
        // The alt text is the image's children (markdown-it parses it as inline Markdown).
        runs.push(...inlineRuns(c.children ?? [], style()));
        break;
      case 'softbreak':
      case 'hardbreak':
        runs.push({ text: '\n', style: style() });
        break;
      case 'html_inline':
        if (/^<br\s*\/?>$/i.test(c.content)) runs.push({ text: '\n', style: style() });
        break;
    }
  }
  return mergeRuns(runs);
}
