/**
 * One render in progress, shared by every request that asks for the same (text, config) while it
 * runs (single flight): one queue slot, one layout (in a planner thread; the pages are painted
 * from its plan), one token count, one set of PNG encodes and one cache write, however many
 * clients stream it.
 *
 * Pages are kept in memory so that a request arriving mid-render can still stream from page 1.
 * That retention is bounded: past {@link RETAIN_BYTES} the flight stops taking new subscribers,
 * drops pages every subscriber has sent, and the render waits whenever the slowest subscriber is
 * {@link PRODUCER_WINDOW} pages behind (a slow client then slows the render, not the heap).
 *
 * The flight lives while someone wants it: when the last subscriber leaves before the end, the
 * render is aborted, its slot freed and its cache write discarded.
 *
 * A flight of part of a document — a page range, or an incremental render (`reusePlans`: the
 * pages after the leading ones the caller holds) — is its own: nobody joins it, it joins no
 * whole-document flight, and it writes no cache entry (the cache holds whole documents).
 */
import type { CachedRenderMeta, RenderCacheWriter } from '../cache/types.ts';
import { NoVisibleTextError } from '../errors.ts';
import type { RenderPlanner } from '../planner/planner.ts';
import type { Ticket } from '../queue/work-queue.ts';
import type { DocumentPlan } from '../planner/document-plan.ts';
import { paintPlan } from '../render/index.ts';
import { kindOptions, type RenderJob } from './job.ts';
import { reusedPageCount } from './incremental.ts';
import { metaFromPlan, resolveRange, type PageRange } from './manifest.ts';

/** Page bytes a flight keeps for late joiners before it stops taking them. */
export const RETAIN_BYTES = 64 * 1024 * 1024;
/** Pages the render may run ahead of its slowest subscriber once it no longer retains everything. */
export const PRODUCER_WINDOW = 16;

/** One page image of a render, numbered from 1. */
export interface RenderedPng {
  n: number;
  png: Uint8Array;
}

/** What a flight tells its owner as it goes (metrics, cache, bookkeeping). */
export interface FlightHooks {
  /** Starts the cache write of a whole-document render, or undefined for none. */
  beginCache?: () => RenderCacheWriter | undefined;
  /** A page was encoded. */
  onPage?: (
    n: number,
    png: Uint8Array,
    writer: RenderCacheWriter | undefined,
  ) => Promise<RenderCacheWriter | undefined>;
  /** Every page was produced; commit the cache write. */
  onComplete?: (meta: CachedRenderMeta, writer: RenderCacheWriter | undefined) => Promise<void>;
  /** The flight ended (error undefined on success); called once. */
  onSettled?: (error: unknown) => void;
}

/** Options of {@link RenderFlight}. */
export interface RenderFlightOptions {
  job: RenderJob;
  /** Lays the document out and counts its tokens (off the event loop in the runner). */
  planner: RenderPlanner;
  /** A queue ticket entered with this flight's {@link RenderFlight.abortSignal}. */
  ticket: Ticket;
  /** Controller whose signal the ticket was entered with; aborted when the last subscriber leaves. */
  controller: AbortController;
  /** Requested pages (1-based); checked against the document once it is laid out. */
  requested?: { firstPage?: number; lastPage?: number };
  /** Plan hashes of the leading pages the caller holds: only the pages after them are painted. */
  reusePlans?: readonly string[];
  hooks?: FlightHooks;
}

/** A subscriber's view of a flight. */
export interface FlightSubscription {
  /** The pages, in order; ends when the render does, throws if it fails. Iterate once. */
  pages: AsyncIterable<RenderedPng>;
  /** Leaves the flight (idempotent); the last one out aborts an unfinished render. */
  close(): void;
}

interface Subscriber {
  cursor: number;
}

/** Pages first..last (0-based) of `plan`, each let go once taken: a long render does not keep every page's glyphs. */
function* takePages(plan: DocumentPlan, first: number, last: number): Generator<DocumentPlan['pages'][number]> {
  for (let i = first; i <= last; i++) {
    const page = plan.pages[i]!;
    plan.pages[i] = { ...page, glyphs: { codes: new Uint32Array(0), xy: new Int16Array(0) }, paragraphs: [] };
    yield page;
  }
}

/** A render shared by its subscribers; see the module comment. */
export class RenderFlight {
  /** Resolves with the whole document's meta once laid out; rejects with the flight's error. */
  readonly ready: Promise<CachedRenderMeta>;
  /** The resolved page range, when a range was requested (known once `ready` resolves). */
  range: PageRange | undefined;
  /** For an incremental render, the leading pages not painted (known once `ready` resolves). */
  pagesReused: number | undefined;
  private readonly pages: Array<Uint8Array | undefined> = [];
  private readonly subscribers = new Set<Subscriber>();
  private produced = 0;
  private trimmed = 0;
  private retained = 0;
  private firstN = 1;
  private settled = false;
  private error: unknown;
  private wake: () => void = () => {};
  private changed: Promise<void> = this.rearm();

  constructor(private readonly options: RenderFlightOptions) {
    options.ticket.signal.addEventListener('abort', () => this.notify(), { once: true });
    this.ready = this.prepare();
    // Subscribers observe failures through `ready` or their page iterator.
    this.ready.catch(() => {});
  }

  /** True while a new request may still subscribe and stream from page 1. */
  get joinable(): boolean {
    return !this.settled && this.trimmed === 0 && this.retained <= RETAIN_BYTES && !this.partial;
  }

  /** True for a flight of part of the document (a range, or an incremental render). */
  private get partial(): boolean {
    return this.options.requested !== undefined || this.options.reusePlans !== undefined;
  }

  /** Adds a subscriber positioned at the first page. Only valid while {@link joinable} (or right after construction). */
  subscribe(): FlightSubscription {
    const sub: Subscriber = { cursor: 0 };
    this.subscribers.add(sub);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.subscribers.delete(sub);
      if (this.subscribers.size === 0 && !this.settled) {
        this.options.controller.abort(new Error('every client of the render went away'));
      }
      this.trim();
    };
    return { pages: this.iterate(sub, close), close };
  }

  private async prepare(): Promise<CachedRenderMeta> {
    const { job, ticket, requested, planner } = this.options;
    try {
      await ticket.ready;
      const { plan, textTokens, reflowed } = await planner.plan(job.text, job.config, {
        countTokens: true,
        signal: ticket.signal,
        reflow: job.reflow,
        tokenizer: job.tokenizer.family,
        ...kindOptions(job),
      });
      ticket.check();
      if (plan.pages.length === 0) throw new NoVisibleTextError();
      this.range = requested ? resolveRange(plan.pages.length, requested.firstPage, requested.lastPage) : undefined;
      const meta = metaFromPlan(plan, job.text.length, textTokens ?? 0, reflowed ?? false);
      if (this.options.reusePlans) this.pagesReused = reusedPageCount(meta, this.options.reusePlans);
      void this.produce(meta, plan);
      return meta;
    } catch (e) {
      this.settle(e);
      throw e;
    }
  }

  private async produce(meta: CachedRenderMeta, plan: DocumentPlan): Promise<void> {
    const { job, ticket, hooks = {} } = this.options;
    const signal = ticket.signal;
    const first = this.range ? this.range.firstPage - 1 : (this.pagesReused ?? 0);
    const last = this.range ? this.range.lastPage - 1 : meta.pages.length - 1;
    this.firstN = first + 1;
    let writer = this.partial ? undefined : hooks.beginCache?.();
    try {
      for await (const page of paintPlan(takePages(plan, first, last), job.config, { output: 'png' })) {
        ticket.check();
        const png = page.png!;
        meta.pages[page.index]!.bytes = png.byteLength;
        this.pages.push(png);
        this.produced++;
        this.retained += png.byteLength;
        this.trim();
        this.notify();
        if (hooks.onPage) writer = await hooks.onPage(page.index + 1, png, writer);
        while (this.trimmed > 0 && this.produced - this.minCursor() >= PRODUCER_WINDOW && !signal.aborted) {
          await this.changed;
        }
      }
      ticket.check();
      await hooks.onComplete?.(meta, writer);
      this.settle(undefined);
    } catch (e) {
      await writer?.abort().catch(() => {});
      this.settle(e);
    }
  }

  private async *iterate(sub: Subscriber, close: () => void): AsyncGenerator<RenderedPng> {
    try {
      for (;;) {
        if (sub.cursor < this.produced) {
          const png = this.pages[sub.cursor]!;
          sub.cursor++;
          this.trim();
          yield { n: this.firstN + sub.cursor - 1, png };
          continue;
        }
        if (this.settled) {
          if (this.error !== undefined) throw this.error;
          return;
        }
        await this.changed;
      }
    } finally {
      close();
    }
  }

  private minCursor(): number {
    let min = this.produced;
    for (const s of this.subscribers) min = Math.min(min, s.cursor);
    return min;
  }

  /** Once over the retention budget, frees pages that every subscriber has passed. */
  private trim(): void {
    if (this.retained <= RETAIN_BYTES && this.trimmed === 0) return;
    const min = this.minCursor();
    for (; this.trimmed < min; this.trimmed++) {
      this.retained -= this.pages[this.trimmed]?.byteLength ?? 0;
      this.pages[this.trimmed] = undefined;
    }
    this.notify();
  }

  private settle(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.error = error;
    this.options.ticket.release();
    this.notify();
    this.options.hooks?.onSettled?.(error);
  }

  private rearm(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.changed = this.rearm();
    wake();
  }
}
