/**
 * HTML → the page's main content: Mozilla Readability (Firefox's reader view) picks the article
 * out of navigation, ads and footers, on a linkedom DOM. linkedom only parses: it runs no script
 * and loads no URL (images, scripts, styles, frames are never requested), so a page cannot make
 * the runner do anything but read it. Scripts and frames are removed before Readability sees the
 * page, as a second guard.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { domToBlocks } from './html-blocks.ts';
import { blockText, HEADING_SCALE, type StyledDocument } from './model.ts';

/** Options of {@link htmlToStyledDocument}. */
export interface HtmlOptions {
  /** Pick the main content with Readability (default true); false: the whole `<body>`. */
  mainContent?: boolean;
  /** Columns per tab stop in `<pre>`; default 4. */
  tabWidth?: number;
}

/** Elements removed before anything reads the page. */
const INERT = 'script, style, noscript, template, iframe, frame, object, embed, link, meta[http-equiv]';

/** An HTML page's main content as a {@link StyledDocument} (blocks carry no source lines). */
export function htmlToStyledDocument(html: string, options: HtmlOptions = {}): StyledDocument {
  const { document } = parseHTML(asDocument(html));
  for (const el of Array.from(document.querySelectorAll(INERT))) el.remove();
  const pageTitle = document.querySelector('title')?.textContent?.trim() || undefined;
  let root: Node | null = null;
  let title = pageTitle;
  if (options.mainContent ?? true) {
    // Readability edits the DOM it is given; the page is ours alone, so that is fine.
    const article = new Readability<Node>(document as unknown as Document, {
      serializer: (node) => node,
      keepClasses: true,
    }).parse();
    if (article?.content && (article.textContent ?? '').trim()) {
      root = article.content;
      title = article.title?.trim() || pageTitle;
    }
  }
  root ??= document.body ?? document.documentElement;
  const blocks = root ? domToBlocks(root, { tabWidth: options.tabWidth }) : [];
  // Readability drops an <h1> that repeats the title; give the reader the title back as one.
  if (title && !blocks.some((b) => b.role === 'heading' && blockText(b).trim() === title)) {
    blocks.unshift({
      role: 'heading',
      level: 1,
      runs: [{ text: title, style: { family: 'sans', scale: HEADING_SCALE[1], bold: true, italic: false } }],
      keepLines: false,
      wrapMark: false,
    });
  }
  return { kind: 'html', ...(title ? { title } : {}), blocks };
}

/** linkedom wants a whole document; a fragment is wrapped in one. */
function asDocument(html: string): string {
  return /<html[\s>]/i.test(html) ? html : `<!doctype html><html><head></head><body>${html}</body></html>`;
}

/** An HTML fragment (Markdown's raw HTML blocks) as blocks, whole, without Readability. */
export function htmlFragmentDocument(html: string): Node | null {
  const { document } = parseHTML(asDocument(html));
  for (const el of Array.from(document.querySelectorAll(INERT))) el.remove();
  return document.body ?? null;
}
