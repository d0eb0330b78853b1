/**
 * The render cache the runner uses: tiers fastest first (memory → disk → S3), read through and
 * written to together.
 *
 * A cache is an optimization, never a dependency: any tier throwing (disk full, S3 down, a
 * corrupt meta.json) is a FAULT — logged with `log.warn`, counted, and then treated as a miss
 * for reads; for writes the failing tier is dropped from that write and the others carry on.
 * Only a caller's own mistakes (an invalid key, a page number out of order, a meta that does not
 * match the pages written) throw.
 */
import { parseRenderCacheKey } from './key.ts';
import { PageLedger } from './page-ledger.ts';
import type {
  CachedRender,
  CachedRenderMeta,
  CacheLog,
  RenderCacheTier,
  RenderCacheTierName,
  RenderCacheWriter,
} from './types.ts';

/** Options of {@link TieredRenderCache}. */
export interface TieredRenderCacheOptions {
  /** Where faults go. Entries carry tier, operation, key (hashes) and the error message only. */
  log: CacheLog;
  /**
   * Background backfills running at once; a hit beyond that is not backfilled (the next hit
   * will try again), so a burst of slow-tier hits cannot pile up page copies in memory. Default 2.
   */
  maxConcurrentBackfills?: number;
}

/** Counters of a {@link TieredRenderCache}. */
export interface RenderCacheStats {
  /** Hits by the tier that answered. */
  hits: Record<RenderCacheTierName, number>;
  /** Gets that no tier answered. */
  misses: number;
  /** Tier operations that threw (each is also logged). */
  faults: number;
  /** Backfills completed into faster tiers. */
  backfills: number;
}

/** A cache hit, with the tier that answered (for `x-glyph-cache` and metrics). */
export interface TieredCacheHit extends CachedRender {
  tier: RenderCacheTierName;
}

type Op = 'get' | 'page' | 'begin' | 'write' | 'commit' | 'abort' | 'backfill' | 'close';

/** Read-through, write-to-all cache over ordered tiers. */
export class TieredRenderCache {
  /** The tiers, fastest first. */
  readonly tiers: readonly RenderCacheTier[];
  readonly #log: CacheLog;
  readonly #maxBackfills: number;
  readonly #hits: Record<RenderCacheTierName, number> = { memory: 0, disk: 0, s3: 0 };
  #misses = 0;
  #faults = 0;
  #backfills = 0;
  #runningBackfills = 0;
  readonly #backfilling = new Set<string>();
  readonly #background = new Set<Promise<void>>();

  constructor(tiers: readonly RenderCacheTier[], options: TieredRenderCacheOptions) {
    this.tiers = [...tiers];
    this.#log = options.log;
    this.#maxBackfills = Math.max(0, options.maxConcurrentBackfills ?? 2);
  }

  /** A snapshot of the counters. */
  get stats(): RenderCacheStats {
    return { hits: { ...this.#hits }, misses: this.#misses, faults: this.#faults, backfills: this.#backfills };
  }

  /**
   * The first tier's hit, or undefined. Faster tiers that missed are backfilled in the
   * background. Throws only for an invalid key.
   */
  async get(key: string): Promise<TieredCacheHit | undefined> {
    parseRenderCacheKey(key);
    const missed: RenderCacheTier[] = [];
    for (const tier of this.tiers) {
      let hit: CachedRender | undefined;
      try {
        hit = await tier.get(key);
      } catch (err) {
        this.#fault(tier.name, 'get', key, err); // not backfilled: it would most likely fail again
        continue;
      }
      if (!hit) {
        missed.push(tier);
        continue;
      }
      this.#hits[tier.name]++;
      if (missed.length > 0) this.#backfill(key, tier.name, hit, missed);
      return this.#wrapHit(tier.name, key, hit);
    }
    this.#misses++;
    return undefined;
  }

  /** A writer to every tier; a tier that faults is dropped from this write. Throws only for an invalid key. */
  begin(key: string): RenderCacheWriter {
    parseRenderCacheKey(key);
    return this.#fanOut(key, this.tiers);
  }

  /** Resolves when background work (backfills, aborts of faulted writers) has finished. */
  async whenIdle(): Promise<void> {
    while (this.#background.size > 0) await Promise.all(this.#background);
  }

  /** Waits for background work, then closes the tiers (sockets of the S3 client). */
  async close(): Promise<void> {
    await this.whenIdle();
    await Promise.all(
      this.tiers.map((t) => t.close?.().catch((err: unknown) => this.#fault(t.name, 'close', undefined, err))),
    );
  }

  #wrapHit(tier: RenderCacheTierName, key: string, hit: CachedRender): TieredCacheHit {
    return {
      tier,
      meta: hit.meta,
      page: async (n) => {
        try {
          return await hit.page(n);
        } catch (err) {
          // A bad page number is the caller's error; anything else (evicted file, S3 gone) a fault.
          if (!(err instanceof RangeError)) this.#fault(tier, 'page', key, err);
          throw err;
        }
      },
    };
  }

  /** Copies a hit into faster tiers, fire and forget; failures are logged faults. */
  #backfill(key: string, source: RenderCacheTierName, hit: CachedRender, missed: RenderCacheTier[]): void {
    const targets = missed.filter(
      (t) => (t.accepts?.(hit.meta) ?? true) && !this.#backfilling.has(`${t.name}\0${key}`),
    );
    if (targets.length === 0 || this.#runningBackfills >= this.#maxBackfills) return;
    const marks = targets.map((t) => `${t.name}\0${key}`);
    for (const m of marks) this.#backfilling.add(m);
    const job = (async () => {
      const writer = this.#fanOut(key, targets);
      try {
        for (let n = 1; n <= hit.meta.pages.length; n++) await writer.writePage(n, await hit.page(n));
        await writer.commit(hit.meta);
        this.#backfills++;
      } catch (err) {
        this.#fault(source, 'backfill', key, err); // reading the source failed
        await writer.abort();
      }
    })().finally(() => {
      for (const m of marks) this.#backfilling.delete(m);
    });
    this.#track(job, true);
  }

  #track(work: Promise<void>, isBackfill = false): void {
    if (isBackfill) this.#runningBackfills++;
    const done: Promise<void> = work
      .catch((err: unknown) => this.#log.warn('render cache: background task failed', { error: messageOf(err) }))
      .finally(() => {
        if (isBackfill) this.#runningBackfills--;
        this.#background.delete(done);
      });
    this.#background.add(done);
  }

  /** One writer over several tiers, dropping any tier that throws. */
  #fanOut(key: string, tiers: readonly RenderCacheTier[]): RenderCacheWriter {
    interface Branch {
      tier: RenderCacheTier;
      writer: RenderCacheWriter;
    }
    const ledger = new PageLedger();
    let live: Branch[] = [];
    for (const tier of tiers) {
      try {
        live.push({ tier, writer: tier.begin(key) });
      } catch (err) {
        this.#fault(tier.name, 'begin', key, err);
      }
    }
    const drop = (branch: Branch, op: Op, err: unknown) => {
      live = live.filter((b) => b !== branch);
      this.#fault(branch.tier.name, op, key, err);
      // Clean up what the failed tier stored, in the background: the caller's write goes on.
      this.#track(
        branch.writer.abort().catch((abortErr: unknown) => this.#fault(branch.tier.name, 'abort', key, abortErr)),
      );
    };
    const each = (op: Op, fn: (w: RenderCacheWriter) => Promise<void>) =>
      Promise.all(
        live.map(async (branch) => {
          try {
            await fn(branch.writer);
          } catch (err) {
            drop(branch, op, err);
          }
        }),
      ).then(() => undefined);
    return {
      writePage: async (n, png) => {
        ledger.record(n, png); // the caller's mistakes throw here, before any tier sees them
        await each('write', (w) => w.writePage(n, png));
      },
      commit: async (meta: CachedRenderMeta) => {
        ledger.assertOpen();
        ledger.assertComplete(meta);
        ledger.state = 'committed';
        await each('commit', (w) => w.commit(meta));
      },
      abort: async () => {
        if (ledger.state === 'committed') return;
        ledger.state = 'aborted';
        const branches = live;
        live = [];
        await Promise.all(
          branches.map((b) => b.writer.abort().catch((err: unknown) => this.#fault(b.tier.name, 'abort', key, err))),
        );
      },
    };
  }

  #fault(tier: RenderCacheTierName, op: Op, key: string | undefined, err: unknown): void {
    this.#faults++;
    this.#log.warn(`render cache fault: ${tier} ${op}`, { tier, op, key, error: messageOf(err) });
  }
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
