/**
 * Client module `/demo/pages.js`: page images (fetched with the key, shown from blob: URLs),
 * the thumbnail list, a page with outlined lines, and the full-size viewer dialog.
 */
export const PAGES_JS = String.raw`// Page images and how the demo shows them.

/**
 * Blob URLs of page images, one fetch per page URL. An <img> cannot send the Authorization
 * header, so each image is fetched by the API client and shown from memory.
 */
export function createPageImages(api) {
  const urls = new Map();
  return {
    /** Resolves to a blob: URL of the page at url. */
    src(url) {
      if (!urls.has(url)) {
        const made = api.pageBlob(url).then((blob) => URL.createObjectURL(blob));
        // A failed fetch is not remembered: the next ask tries again.
        made.catch(() => urls.delete(url));
        urls.set(url, made);
      }
      return urls.get(url);
    },
    /** Frees every blob of the previous render. */
    clear() {
      for (const made of urls.values()) made.then((src) => URL.revokeObjectURL(src), () => {});
      urls.clear();
    },
  };
}

function pct(value, whole) {
  return (100 * value) / whole + '%';
}

/**
 * A page image with each box outlined. Boxes are in page pixels; they are placed in percent of
 * the page, so the outlines stay on their lines at any displayed size.
 */
export function outlinedPage(page, src, boxes, alt) {
  const frame = document.createElement('div');
  frame.className = 'page-frame';
  const img = document.createElement('img');
  img.src = src;
  img.alt = alt;
  img.width = page.width;
  img.height = page.height;
  frame.append(img);
  for (const box of boxes) {
    const mark = document.createElement('div');
    mark.className = 'outline';
    mark.style.left = pct(box.x, page.width);
    mark.style.top = pct(box.y, page.height);
    mark.style.width = pct(box.width, page.width);
    mark.style.height = pct(box.height, page.height);
    frame.append(mark);
  }
  return frame;
}

/** Fills the thumbnail list; images load as they scroll into view (a long document has many). */
export function showThumbnails(list, pages, images, onOpen) {
  list.replaceChildren();
  const load = (img) => {
    images.src(img.dataset.url).then(
      (src) => { img.src = src; },
      () => { img.replaceWith(Object.assign(document.createElement('span'), { className: 'broken', textContent: 'image failed to load' })); },
    );
  };
  const observer = 'IntersectionObserver' in window
    ? new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) { observer.unobserve(entry.target); load(entry.target); }
        }
      }, { rootMargin: '300px' })
    : null;
  for (const page of pages) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'thumb';
    button.setAttribute('aria-label', 'Page ' + page.n + ' of ' + pages.length + ', ' + page.visualTokens + ' visual tokens: open full size');
    const img = document.createElement('img');
    img.alt = '';
    img.width = page.width;
    img.height = page.height;
    img.dataset.url = page.url;
    const caption = document.createElement('span');
    caption.textContent = 'p. ' + page.n;
    button.append(img, caption);
    button.addEventListener('click', () => onOpen(page, []));
    const item = document.createElement('li');
    item.append(button);
    list.append(item);
    if (observer) observer.observe(img);
    else load(img);
  }
}

/** The full-size viewer: a modal dialog (Esc closes it; focus returns to the opener). */
export function createViewer(dialog, images) {
  const title = dialog.querySelector('#viewer-title');
  const body = dialog.querySelector('#viewer-body');
  dialog.querySelector('#viewer-close').addEventListener('click', () => dialog.close());
  // A click on the backdrop (the dialog box itself, outside its content) closes it too.
  dialog.addEventListener('click', (event) => { if (event.target === dialog) dialog.close(); });
  return {
    /** Shows page at full size with boxes outlined. */
    async open(page, boxes) {
      title.textContent = 'Page ' + page.n + (boxes.length ? ' (' + boxes.length + ' cited line' + (boxes.length > 1 ? 's' : '') + ' outlined)' : '');
      body.replaceChildren();
      dialog.showModal();
      try {
        const frame = outlinedPage(page, await images.src(page.url), boxes, 'Page ' + page.n + ' at full size');
        // Natural size: the dialog scrolls, the page behind it does not.
        frame.style.width = page.width + 'px';
        body.replaceChildren(frame);
      } catch (error) {
        body.textContent = 'The page image could not be loaded: ' + error.message;
      }
    },
  };
}
`;
