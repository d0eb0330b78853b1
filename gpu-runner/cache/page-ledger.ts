/**
 * Bookkeeping every tier writer shares: which pages were written, whether the writer is still
 * open, and whether a meta describes exactly what was written, so that no tier can commit a
 * render with a page missing or of the wrong size.
 */
import type { CachedRenderMeta } from './types.ts';

/** State of one writer: open until commit or abort. */
export type WriterState = 'open' | 'committing' | 'committed' | 'failed' | 'aborted';

/** Pages written so far by one writer (page number → byte length). */
export class PageLedger {
  readonly pages = new Map<number, number>();
  state: WriterState = 'open';
  readonly #pending = new Set<Promise<void>>();

  /** Validates a page write; throws for a closed writer or a page number that is not 1, 2, … */
  check(n: number, png: Uint8Array): void {
    this.assertOpen();
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`render cache: bad page number ${n}`);
    if (!(png instanceof Uint8Array)) throw new TypeError('render cache: page must be a Uint8Array');
  }

  /** Validates and records a page; tiers that store asynchronously call it once the page is stored. */
  record(n: number, png: Uint8Array): void {
    this.check(n, png);
    this.pages.set(n, png.byteLength);
  }

  /** Marks page `n` as stored, for tiers that check first and store asynchronously. */
  stored(n: number, bytes: number): void {
    this.pages.set(n, bytes);
  }

  /** Remembers an in-flight store so commit and abort can wait for it; returns `work` unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
    return work;
  }

  /** Resolves once no store is in flight (failures were already reported to their callers). */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  /** Throws unless the writer is open. */
  assertOpen(): void {
    if (this.state !== 'open') throw new Error(`render cache: writer is ${this.state}`);
  }

  /** Throws unless `meta.pages` lists exactly the written pages with their byte lengths. */
  assertComplete(meta: CachedRenderMeta): void {
    if (meta.pages.length !== this.pages.size) {
      throw new Error(`render cache: meta has ${meta.pages.length} pages, ${this.pages.size} were written`);
    }
    meta.pages.forEach((p, i) => {
      const written = this.pages.get(i + 1);
      if (written === undefined) throw new Error(`render cache: page ${i + 1} was not written`);
      if (written !== p.bytes) throw new Error(`render cache: page ${i + 1} is ${written} bytes, meta says ${p.bytes}`);
    });
  }
}
