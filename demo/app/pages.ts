/**
 * Page images and how the demo shows them: blob: URLs of pages fetched with the key, the
 * thumbnail list, a page with outlined lines, and the full-size viewer dialog.
 */
import type { RenderPage } from '../../client/index.ts';
import { el } from './dom.ts';

/** A pixel box on a page (the layout route's). */
export interface PageBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Blob URLs of page images, one fetch per page. */
export interface PageImages {
  /** Resolves to a blob: URL of `page`. */
  src(page: RenderPage): Promise<string>;
  /** Frees every blob of the previous render. */
  clear(): void;
}

/**
 * Page images fetched by `load` and shown from memory: an <img> cannot send the Authorization
 * header, so each image is fetched through the SDK and shown from a blob: URL.
 */
export function createPageImages(load: (page: RenderPage) => Promise<Blob>): PageImages {
  const urls = new Map<string, Promise<string>>();
  return {
    src(page) {
      let made = urls.get(page.url);
      if (!made) {
        made = load(page).then((blob) => URL.createObjectURL(blob));
        // A failed fetch is not remembered: the next ask tries again.
        made.catch(() => urls.delete(page.url));
        urls.set(page.url, made);
      }
      return made;
    },
    clear() {
      for (const made of urls.values())
        made.then(
          (src) => URL.revokeObjectURL(src),
          () => {},
        );
      urls.clear();
    },
  };
}

function pct(value: number, whole: number): string {
  return `${(100 * value) / whole}%`;
}

/**
 * A page image with each box outlined. Boxes are in page pixels; they are placed in percent of
 * the page, so the outlines stay on their lines at any displayed size.
 */
export function outlinedPage(page: RenderPage, src: string, boxes: readonly PageBox[], alt: string): HTMLDivElement {
  const frame = el('div', 'page-frame');
  const img = el('img');
  img.src = src;
  img.alt = alt;
  img.width = page.width;
  img.height = page.height;
  frame.append(img);
  for (const box of boxes) {
    const mark = el('div', 'outline');
    mark.style.left = pct(box.x, page.width);
    mark.style.top = pct(box.y, page.height);
    mark.style.width = pct(box.width, page.width);
    mark.style.height = pct(box.height, page.height);
    frame.append(mark);
  }
  return frame;
}

/** Fills the thumbnail list; images load as they scroll into view (a long document has many). */
export function showThumbnails(
  list: HTMLElement,
  pages: readonly RenderPage[],
  images: PageImages,
  onOpen: (page: RenderPage, boxes: PageBox[]) => void,
): void {
  list.replaceChildren();
  const byImage = new Map<Element, RenderPage>();
  const load = (img: HTMLImageElement, page: RenderPage) => {
    images.src(page).then(
      (src) => {
        img.src = src;
      },
      () => img.replaceWith(el('span', 'broken', 'image failed to load')),
    );
  };
  const observer =
    'IntersectionObserver' in window
      ? new IntersectionObserver(
          (entries) => {
            for (const entry of entries) {
              const page = byImage.get(entry.target);
              if (!entry.isIntersecting || !page) continue;
              observer?.unobserve(entry.target);
              load(entry.target as HTMLImageElement, page);
            }
          },
          { rootMargin: '300px' },
        )
      : null;
  for (const page of pages) {
    const button = el('button', 'thumb');
    button.type = 'button';
    button.setAttribute(
      'aria-label',
      `Page ${page.n} of ${pages.length}, ${page.visualTokens} visual tokens: open full size`,
    );
    const img = el('img');
    img.alt = '';
    img.width = page.width;
    img.height = page.height;
    img.dataset.url = page.url;
    button.append(img, el('span', '', `p. ${page.n}`));
    button.addEventListener('click', () => onOpen(page, []));
    const item = el('li');
    item.append(button);
    list.append(item);
    byImage.set(img, page);
    if (observer) observer.observe(img);
    else load(img, page);
  }
}

/** The full-size viewer. */
export interface PageViewer {
  /** Shows `page` at full size with `boxes` outlined. */
  open(page: RenderPage, boxes: readonly PageBox[]): Promise<void>;
}

/** The full-size viewer: a modal dialog (Esc closes it; focus returns to the opener). */
export function createViewer(dialog: HTMLDialogElement, images: PageImages): PageViewer {
  const title = dialog.querySelector('#viewer-title')!;
  const body = dialog.querySelector('#viewer-body')!;
  dialog.querySelector('#viewer-close')!.addEventListener('click', () => dialog.close());
  // A click on the backdrop (the dialog box itself, outside its content) closes it too.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  return {
    async open(page, boxes) {
      const outlined = boxes.length ? ` (${boxes.length} cited line${boxes.length > 1 ? 's' : ''} outlined)` : '';
      title.textContent = `Page ${page.n}${outlined}`;
      body.replaceChildren();
      dialog.showModal();
      try {
        const frame = outlinedPage(page, await images.src(page), boxes, `Page ${page.n} at full size`);
        // Natural size: the dialog scrolls, the page behind it does not.
        frame.style.width = `${page.width}px`;
        body.replaceChildren(frame);
      } catch (error) {
        body.textContent = `The page image could not be loaded: ${(error as Error).message}`;
      }
    },
  };
}
