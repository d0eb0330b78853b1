/** Small DOM helpers of the demo page: typed element lookup and element construction. */

/**
 * The element with `id`, checked to be of `type` (e.g. `HTMLInputElement`). The page's ids are
 * fixed by its HTML (demo/build/page.ts): a missing one is a build mistake, so it throws.
 */
export function byId<T extends HTMLElement>(id: string, type: abstract new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`the page has no <${type.name}> #${id}`);
  return node;
}

/** A new element with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A number as the page prints it (`12,345`). */
export function fmt(n: number): string {
  return n.toLocaleString('en');
}

/** `1 page`, `2 pages`. */
export function plural(n: number, word: string): string {
  return `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
}
