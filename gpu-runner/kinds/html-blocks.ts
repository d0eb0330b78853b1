/**
 * A DOM tree (linkedom's; nothing in it is ever executed or fetched) as blocks: headings, lists
 * with their markers, `<pre>` kept line for line (highlighted when it names its language), quotes,
 * tables as grids, links as their text, images as their alt text. Inline whitespace collapses as
 * a browser collapses it; `<br>` is a line break.
 */
import { highlightRuns } from './highlight.ts';
import { DEFAULT_TAB_WIDTH, expandTabs, mergeRuns } from './lines.ts';
import {
  BODY,
  type Block,
  type BlockRole,
  type ColumnAlign,
  HEADING_SCALE,
  MONO,
  type Run,
  type RunStyle,
  type SourceRef,
} from './model.ts';
import { tableBlock } from './table.ts';

/** Elements whose content is never text a reader sees. */
const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'object',
  'embed',
  'svg',
  'canvas',
  'head',
  'nav',
  'button',
  'input',
  'select',
  'textarea',
  'form',
  'video',
  'audio',
  'map',
  'link',
  'meta',
]);

/** Elements that start and end a block of their own. */
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'li',
  'main',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'ul',
  'html',
  'center',
]);

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Options of {@link domToBlocks}. */
export interface DomBlocksOptions {
  /** Columns per tab stop inside `<pre>`; default 4. */
  tabWidth?: number;
  /** The source place every block gets (Markdown's HTML blocks: the block's line); default none. */
  source?: SourceRef;
}

interface Context {
  listDepth: number;
  quoteDepth: number;
  style: RunStyle;
  /** The list item whose marker the next block takes. */
  item?: { marker: string; used: boolean };
}

/** The blocks of `root`'s content, in document order. */
export function domToBlocks(root: Node, options: DomBlocksOptions = {}): Block[] {
  const blocks: Block[] = [];
  const tabWidth = options.tabWidth ?? DEFAULT_TAB_WIDTH;
  const source = options.source ? { source: options.source } : {};
  let pending: Run[] = [];
  let pendingContext: Context | undefined;
  let heading: 1 | 2 | 3 | 4 | 5 | 6 | undefined;

  const flush = (): void => {
    const runs = trimRuns(pending);
    const ctx = pendingContext;
    pending = [];
    pendingContext = undefined;
    if (!runs.length || !ctx) return;
    blocks.push({ ...roleFor(ctx, heading), runs, keepLines: false, wrapMark: false, ...source });
  };

  const roleFor = (ctx: Context, level: typeof heading): BlockRole => {
    if (level) return { role: 'heading', level };
    if (ctx.item) {
      const marker = ctx.item.used ? '' : ctx.item.marker;
      ctx.item.used = true;
      return { role: 'list-item', depth: ctx.listDepth - 1, marker };
    }
    if (ctx.quoteDepth > 0) return { role: 'quote', depth: ctx.quoteDepth };
    return { role: 'paragraph' };
  };

  const inline = (text: string, ctx: Context): void => {
    if (!pendingContext) {
      // Whitespace between block elements (`<ul>\n  <li>`) starts no block: the block belongs
      // to the context of its first visible text.
      if (!text.trim()) return;
      pendingContext = ctx;
    }
    pending.push({ text, style: ctx.style });
  };

  const walk = (node: Node, ctx: Context): void => {
    if (node.nodeType === TEXT_NODE) {
      const text = (node.nodeValue ?? '').replace(/[ \t\n\r\f]+/g, ' ');
      if (text) inline(text, ctx);
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) return;
    const el = node as Element;
    const tag = el.localName.toLowerCase();
    if (SKIPPED.has(tag) || el.getAttribute('hidden') !== null || el.getAttribute('aria-hidden') === 'true') return;
    switch (tag) {
      case 'br':
        inline('\n', ctx);
        return;
      case 'img': {
        const alt = el.getAttribute('alt')?.trim();
        if (alt) inline(alt, ctx);
        return;
      }
      case 'b':
      case 'strong':
      case 'th':
        children(el, { ...ctx, style: { ...ctx.style, bold: true } });
        return;
      case 'i':
      case 'em':
      case 'cite':
      case 'dfn':
        children(el, { ...ctx, style: { ...ctx.style, italic: true } });
        return;
      case 'code':
      case 'kbd':
      case 'samp':
      case 'tt':
        children(el, { ...ctx, style: { ...ctx.style, family: 'mono' } });
        return;
      case 'hr':
        flush();
        blocks.push({ role: 'rule', runs: [], keepLines: false, wrapMark: false, ...source });
        return;
      case 'pre': {
        flush();
        const language = languageOf(el);
        const code = (el.textContent ?? '').replace(/\r\n?/g, '\n').replace(/^\n/, '').replace(/\n$/, '');
        if (!code.trim()) return;
        const runs = mergeRuns(expandTabs(highlightRuns(code, language, MONO), tabWidth));
        blocks.push({
          role: 'code',
          ...(language ? { language } : {}),
          runs,
          keepLines: true,
          wrapMark: true,
          ...source,
        });
        return;
      }
      case 'table': {
        flush();
        const table = readTable(el);
        if (table.cells.length)
          blocks.push(tableBlock(table.cells, { header: table.header, align: table.align, ...source }));
        return;
      }
      case 'ul':
      case 'ol': {
        flush();
        const start = Number.parseInt(el.getAttribute('start') ?? '1', 10);
        let n = Number.isFinite(start) ? start : 1;
        for (const child of Array.from(el.childNodes)) {
          if (child.nodeType === ELEMENT_NODE && (child as Element).localName.toLowerCase() === 'li') {
            const value = Number.parseInt((child as Element).getAttribute('value') ?? '', 10);
            if (Number.isFinite(value)) n = value;
            const marker = tag === 'ol' ? `${n++}.` : '-';
            const item = { marker, used: false };
            children(child as Element, { ...ctx, listDepth: ctx.listDepth + 1, item });
            flush();
          } else {
            walk(child, { ...ctx, listDepth: ctx.listDepth + 1 });
          }
        }
        return;
      }
      case 'blockquote':
        flush();
        children(el, { ...ctx, quoteDepth: ctx.quoteDepth + 1 });
        flush();
        return;
    }
    const level = /^h([1-6])$/.exec(tag);
    if (level) {
      flush();
      heading = Number(level[1]) as 1 | 2 | 3 | 4 | 5 | 6;
      children(el, { ...ctx, style: { ...ctx.style, bold: true, scale: HEADING_SCALE[heading] } });
      flush();
      heading = undefined;
      return;
    }
    if (BLOCKS.has(tag)) {
      flush();
      children(el, ctx);
      flush();
      return;
    }
    children(el, ctx);
  };

  const children = (el: Element, ctx: Context): void => {
    for (const child of Array.from(el.childNodes)) walk(child, ctx);
  };

  walk(root, { listDepth: 0, quoteDepth: 0, style: BODY });
  flush();
  return blocks;
}

/** The `language-xxx` / `lang-xxx` class of a `<pre>` or its `<code>`, as Markdown tools write it. */
function languageOf(pre: Element): string | undefined {
  const code = pre.querySelector('code');
  const classes = `${pre.getAttribute('class') ?? ''} ${code?.getAttribute('class') ?? ''}`;
  return /(?:^|\s)(?:language|lang)-([A-Za-z0-9+#._-]+)/.exec(classes)?.[1]?.toLowerCase();
}

/** A table's cell texts, whether its first row is a header, and column alignment. */
function readTable(table: Element): { cells: string[][]; header: boolean; align: ColumnAlign[] } {
  const rows = Array.from(table.querySelectorAll('tr')).filter((tr) => tr.closest('table') === table);
  const cells: string[][] = [];
  const align: ColumnAlign[] = [];
  let header = false;
  rows.forEach((tr, r) => {
    const tds = Array.from(tr.children).filter((c) => /^t[hd]$/i.test(c.localName));
    if (r === 0) header = tds.length > 0 && tds.every((c) => c.localName.toLowerCase() === 'th');
    cells.push(tds.map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim()));
    tds.forEach((td, i) => {
      const a = (
        td.getAttribute('align') ?? /text-align:\s*(\w+)/.exec(td.getAttribute('style') ?? '')?.[1]
      )?.toLowerCase();
      if (align[i] == null && (a === 'left' || a === 'right' || a === 'center')) align[i] = a;
    });
  });
  return { cells, header, align };
}

/** Runs with the block's leading/trailing spaces and the spaces around line breaks removed. */
function trimRuns(runs: Run[]): Run[] {
  let text = '';
  for (const r of runs) text += r.text;
  if (!text.trim()) return [];
  // Work on the joined text to find what to drop, then cut the runs at the same offsets.
  const keep: boolean[] = new Array(text.length).fill(true);
  let i = 0;
  while (i < text.length && text[i] === ' ') keep[i++] = false;
  let j = text.length - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\n')) keep[j--] = false;
  for (let k = 0; k < text.length; k++) {
    if (text[k] !== '\n') continue;
    for (let a = k - 1; a >= 0 && text[a] === ' '; a--) keep[a] = false;
    for (let b = k + 1; b < text.length && text[b] === ' '; b++) keep[b] = false;
  }
  // Collapse a space that follows a kept space in another run (inline elements side by side).
  let last = '';
  for (let k = 0; k < text.length; k++) {
    if (!keep[k]) continue;
    if (text[k] === ' ' && last === ' ') keep[k] = false;
    else last = text[k];
  }
  const out: Run[] = [];
  let offset = 0;
  for (const run of runs) {
    let kept = '';
    for (let k = 0; k < run.text.length; k++) if (keep[offset + k]) kept += run.text[k];
    offset += run.text.length;
    if (kept) out.push({ text: kept, style: run.style });
  }
  return mergeRuns(out);
}
