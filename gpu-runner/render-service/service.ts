/**
 * Where a render's pages come from: the cache (no queue slot: reading stored bytes costs no
 * compute), an identical render already in flight (joined), or a new render that takes a queue
 * slot and fills the cache as it goes. Cache faults are logged, counted and treated as misses.
 *
 * A request that joins a render in flight shares that render's queue slot and deadline (it may
 * get less than its own full deadline, never more). Page ranges and incremental renders (the
 * pages after those whose plan hashes the caller sent) are rendered on their own: they are not
 * shared, and not cached (the cache holds whole documents). From a cache hit, an incremental
 * render sends the same pages a new one would paint.
 *
 * A cached entry from before plan hashes is laid out again (no painting) to learn its pages'
 * hashes, so its manifest has them like any other; its PNGs still come from the cache.
 */
import type { CachedRender, CachedRenderMeta, RenderCacheTierName, RenderCacheWriter } from '../cache/types.ts';
import type { RenderConfig } from '../../protocol/render-config.ts';
import type { DocumentPlan } from '../planner/document-plan.ts';
import type { RenderPlanner } from '../planner/planner.ts';
import { abortable } from '../queue/abortable.ts';
import { decodePng, paintPlan, type RawPage } from '../render/index.ts';
import type { WorkQueue } from '../queue/work-queue.ts';
import type { RunnerMetrics } from '../server/metrics.ts';
import { errorText, type RunnerLog } from '../server/log.ts';
import { RenderFlight, type RenderFlightOptions, type RenderedPng } from './flight.ts';
import { kindOptions, type RenderJob } from './job.ts';
import { hasPlanHashes, renderSelection, reusedPageCount } from './incremental.ts';
import { resolveRange, type PageRange } from './manifest.ts';

/** The render cache as the service uses it (the tiered cache of `gpu-runner/cache`). */
export interface RenderCache {
  /** The render under `key`; `tier` says which tier answered, when the cache reports it. */
  get(key: string): Promise<(CachedRender & { tier?: RenderCacheTierName }) | undefined>;
  begin(key: string): RenderCacheWriter;
}

/** Options of {@link RenderService}. */
export interface RenderServiceOptions {
  queue: WorkQueue;
  metrics: RunnerMetrics;
  log: RunnerLog;
  cache?: RenderCache;
  /** Where documents are laid out (worker threads: a layout never holds the event loop). */
  planner: RenderPlanner;
}

/** Options of {@link RenderService.open}. */
export interface OpenRenderOptions {
  /** 1-based pages to stream; the whole document when both are absent. */
  firstPage?: number;
  lastPage?: number;
  /** Plan hashes of the leading pages the caller holds: only the pages after them are sent. Not with a range. */
  reusePlans?: readonly string[];
  /** The client's signal: giving up while queued leaves the flight (and frees the slot if last). */
  signal?: AbortSignal;
}

/** An opened render: its meta now, its pages as they come. */
export interface RenderSource {
  /** `hit`: from the cache; `miss`: a new render; `joined`: an identical render in progress. */
  cache: 'hit' | 'miss' | 'joined';
  /** Meta of the whole document (page `bytes` are 0 for pages not yet encoded). */
  meta: CachedRenderMeta;
  /** The requested pages, resolved against the document. */
  range: PageRange | undefined;
  /** For an incremental render: the leading pages the caller holds, which `pages` leaves out. */
  pagesReused?: number;
  /** The pages of `range` (or all), in order. Iterate once; ending the iteration closes the source. */
  pages: AsyncIterable<RenderedPng>;
  /** Releases the source without iterating it (idempotent). */
  close(): void;
}

/** Opens renders from the cache, an in-flight render or a new one; see the module comment. */
export class RenderService {
  private readonly flights = new Map<string, RenderFlight>();

  constructor(private readonly options: RenderServiceOptions) {}

  /** The plan of `job`, laid out by the planner (off the event loop): for decode and answer on a cache miss. */
  async plan(job: RenderJob, signal?: AbortSignal): Promise<DocumentPlan> {
    return (await this.planWithText(job, signal)).plan;
  }

  /** The plan of `job` and the text its layout map indexes (a styled kind's plain text; the reflowed text when reflow joined lines; else the job's text). */
  async planWithText(job: RenderJob, signal?: AbortSignal): Promise<{ plan: DocumentPlan; text: string }> {
    const outcome = await this.options.planner.plan(job.text, job.config, {
      signal,
      reflow: job.reflow,
      ...kindOptions(job),
    });
    return { plan: outcome.plan, text: outcome.plainText ?? outcome.drawnText ?? job.text };
  }

  /** Renders in flight now (for tests and `/readyz`). */
  get inFlight(): number {
    return this.flights.size;
  }

  /** The cached render under `key`, or undefined on a miss or a cache fault. Counts hits and misses. */
  async lookup(key: string): Promise<CachedRender | undefined> {
    const { cache, metrics, log } = this.options;
    if (!cache) {
      metrics.cacheMisses.inc();
      return undefined;
    }
    try {
      const hit = await cache.get(key);
      if (hit) metrics.cacheHits.inc({ tier: hit.tier ?? 'unknown' });
      else metrics.cacheMisses.inc();
      return hit;
    } catch (e) {
      metrics.cacheErrors.inc({ op: 'get' });
      metrics.cacheMisses.inc();
      log.warn('render cache get failed; treating as a miss', { key, error: errorText(e) });
      return undefined;
    }
  }

  /**
   * Opens the render of `job`. Throws 429 when a new render cannot be queued, 504 at the deadline,
   * 400 for a range outside the document.
   */
  async open(job: RenderJob, options: OpenRenderOptions = {}): Promise<RenderSource> {
    const ranged = options.firstPage !== undefined || options.lastPage !== undefined;
    const { reusePlans } = renderSelection(options);
    const hit = await this.withPlanHashes(job, await this.lookup(job.key), options.signal);
    if (hit) {
      const range = ranged ? resolveRange(hit.meta.pages.length, options.firstPage, options.lastPage) : undefined;
      const pagesReused = reusePlans ? reusedPageCount(hit.meta, reusePlans) : undefined;
      return fromCache(hit, { range, pagesReused }, options.signal);
    }
    const partial = ranged || reusePlans !== undefined;
    let flight = partial ? undefined : this.flights.get(job.key);
    let cache: RenderSource['cache'] = 'joined';
    if (flight?.joinable) this.options.metrics.singleFlightJoins.inc();
    else {
      flight = this.startFlight(
        job,
        ranged ? { firstPage: options.firstPage, lastPage: options.lastPage } : undefined,
        reusePlans,
      );
      cache = 'miss';
    }
    const subscription = flight.subscribe();
    try {
      const meta = await abortable(flight.ready, options.signal);
      const pagesReused = flight.pagesReused;
      const reused = pagesReused !== undefined ? { pagesReused } : {};
      return { cache, meta, range: flight.range, ...reused, pages: subscription.pages, close: subscription.close };
    } catch (e) {
      subscription.close();
      throw e;
    }
  }

  /**
   * `hit` with every page's plan hash: as cached, or, for an entry written before plan hashes,
   * learnt by laying the text out again (nothing painted). Undefined (a miss) when that layout
   * does not match the cached pages.
   */
  private async withPlanHashes(
    job: RenderJob,
    hit: CachedRender | undefined,
    signal?: AbortSignal,
  ): Promise<CachedRender | undefined> {
    if (!hit || hasPlanHashes(hit.meta)) return hit;
    const { plan } = await this.options.planner.plan(job.text, job.config, {
      signal,
      reflow: job.reflow,
      ...kindOptions(job),
    });
    const cached = hit.meta.pages;
    const matches =
      plan.pages.length === cached.length &&
      plan.pages.every((p, i) => p.planSha256 && p.width === cached[i]!.width && p.height === cached[i]!.height);
    if (!matches) {
      this.options.log.warn('cached render does not match its layout; rendering it again', { key: job.key });
      return undefined;
    }
    // A copy: the memory tier hands out the meta it holds.
    const pages = cached.map((p, i) => ({ ...p, planSha256: plan.pages[i]!.planSha256! }));
    return { meta: { ...hit.meta, pages }, page: (n) => hit.page(n) };
  }

  private startFlight(
    job: RenderJob,
    requested: RenderFlightOptions['requested'],
    reusePlans?: readonly string[],
  ): RenderFlight {
    const { queue, cache, metrics, log } = this.options;
    const controller = new AbortController();
    // Throws 429 synchronously when full; nothing is registered then.
    const ticket = queue.enter({ signal: controller.signal });
    const fault = (op: string, e: unknown): undefined => {
      metrics.cacheErrors.inc({ op });
      log.warn(`render cache ${op} failed; the render goes on uncached`, { key: job.key, error: errorText(e) });
      return undefined;
    };
    const flight: RenderFlight = new RenderFlight({
      job,
      planner: this.options.planner,
      ticket,
      controller,
      requested,
      ...(reusePlans ? { reusePlans } : {}),
      hooks: {
        beginCache: () => {
          try {
            return cache?.begin(job.key);
          } catch (e) {
            return fault('begin', e);
          }
        },
        onPage: async (n, png, writer) => {
          metrics.pagesRendered.inc();
          if (!writer) return undefined;
          try {
            await writer.writePage(n, png);
            return writer;
          } catch (e) {
            await writer.abort().catch(() => {});
            return fault('write', e);
          }
        },
        onComplete: async (meta, writer) => {
          if (!writer) return;
          try {
            await writer.commit(meta);
          } catch (e) {
            await writer.abort().catch(() => {});
            fault('commit', e);
          }
        },
        onSettled: () => {
          if (this.flights.get(job.key) === flight) this.flights.delete(job.key);
        },
      },
    });
    if (!requested && !reusePlans) this.flights.set(job.key, flight);
    return flight;
  }
}

/**
 * The pages of one job, for decode and answer: from the cached render on a hit, else painted from
 * `plan` (the planner's layout: the text is not laid out a second time).
 */
export type JobPages = { hit: CachedRender; plan?: undefined } | { hit?: undefined; plan: DocumentPlan };

/** PNGs of every page, in order. */
export async function* pngPages(
  source: JobPages,
  config: RenderConfig,
  signal?: AbortSignal,
): AsyncGenerator<{ n: number; png: Uint8Array }> {
  if (source.hit) {
    for (let n = 1; n <= source.hit.meta.pages.length; n++) {
      signal?.throwIfAborted();
      yield { n, png: await source.hit.page(n) };
    }
    return;
  }
  for await (const page of paintPlan(source.plan.pages, config, { output: 'png' })) {
    signal?.throwIfAborted();
    yield { n: page.index + 1, png: page.png! };
  }
}

/** Raw pixels of pages `numbers` (1-based, ascending): decoded from the cached PNGs, or painted from the plan. */
export async function* rawPages(
  source: JobPages,
  config: RenderConfig,
  numbers: number[],
): AsyncGenerator<{ n: number; raw: RawPage }> {
  if (source.hit) {
    for (const n of numbers) yield { n, raw: await decodePng(await source.hit.page(n)) };
    return;
  }
  const plan = source.plan;
  const chosen = numbers.map((n) => plan.pages[n - 1]!);
  for await (const page of paintPlan(chosen, config, { output: 'raw' })) yield { n: page.index + 1, raw: page.raw! };
}

/** The pages of a cached render to send: a range, or those after the `pagesReused` the caller holds. */
interface CachedSelection {
  range: PageRange | undefined;
  pagesReused: number | undefined;
}

function fromCache(hit: CachedRender, selection: CachedSelection, signal: AbortSignal | undefined): RenderSource {
  const { range, pagesReused } = selection;
  const first = range?.firstPage ?? (pagesReused ?? 0) + 1;
  const last = range?.lastPage ?? hit.meta.pages.length;
  let closed = false;
  async function* pages(): AsyncGenerator<RenderedPng> {
    for (let n = first; n <= last && !closed; n++) {
      signal?.throwIfAborted();
      yield { n, png: await hit.page(n) };
    }
  }
  return {
    cache: 'hit',
    meta: hit.meta,
    range,
    ...(pagesReused !== undefined ? { pagesReused } : {}),
    pages: pages(),
    close: () => void (closed = true),
  };
}
