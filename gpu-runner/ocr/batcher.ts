/**
 * Dynamic batching: gather items submitted by concurrent callers into batches, so one model run
 * serves many requests. A batch goes out when its bucket holds `maxBatch` items or when its oldest
 * item has waited `maxWaitMs`, whichever comes first. Items are grouped by a bucket key (for OCR:
 * a width class, because every row of a batch is padded to the widest one and padding is wasted
 * compute). A bounded queue gives backpressure: past `maxQueue` waiting items `submit` rejects with
 * {@link QueueFullError}, which the service turns into 429 instead of letting latency grow unbounded.
 */

/** Runs one batch; must resolve to exactly one result per item, in the same order. */
export type BatchFn<T, R> = (items: T[], key: string) => Promise<R[]>;

/** Options for {@link DynamicBatcher}. */
export interface DynamicBatcherOptions<T, R> {
  /** The batch function. */
  run: BatchFn<T, R>;
  /** Bucket key of an item; only items with the same key share a batch. Default: one bucket. */
  keyOf?: (item: T) => string;
  /** Most items in one batch. Default 16. */
  maxBatch?: number;
  /** Longest time the oldest item of a bucket waits for company before its batch runs. Default 5 ms. */
  maxWaitMs?: number;
  /** Most items waiting (submitted, not yet handed to `run`); more are refused. Default 1024. */
  maxQueue?: number;
  /** Batches allowed to run at once. Default 1 (one model session serializes runs anyway). */
  concurrency?: number;
}

/** Counters for `/metrics`; a snapshot, safe to keep. */
export interface BatcherStats {
  /** Batches handed to `run` (finished or not). */
  batches: number;
  /** Items handed to `run`. */
  items: number;
  /** `sizes[n]` = batches that held exactly `n` items (index 0 unused), length `maxBatch + 1`. */
  sizes: number[];
  /** Batches whose `run` threw or returned the wrong number of results. */
  failedBatches: number;
  /** Submits refused with {@link QueueFullError}. */
  rejected: number;
  /** Items waiting now. */
  queued: number;
  /** Batches running now. */
  inFlight: number;
}

/** Thrown (as a rejection) by `submit` when the queue is full; maps to HTTP 429. */
export class QueueFullError extends Error {
  /** Stable machine-readable code for the JSON error body. */
  readonly code = 'queue_full';
  /** The queue bound that was hit. */
  readonly limit: number;
  constructor(limit: number) {
    super(`OCR queue is full (${limit} items waiting); retry later`);
    this.name = 'QueueFullError';
    this.limit = limit;
  }
}

interface Pending<T, R> {
  item: T;
  enqueuedAt: number;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/** Collects concurrent `submit`s into batches per bucket key and runs them through one batch function. */
export class DynamicBatcher<T, R> {
  private readonly run: BatchFn<T, R>;
  private readonly keyOf: (item: T) => string;
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;
  private readonly maxQueue: number;
  private readonly concurrency: number;
  // Map keeps insertion order, which is only a tie-break; readiness is decided by age.
  private readonly buckets = new Map<string, Pending<T, R>[]>();
  private queued = 0;
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private readonly counters: Omit<BatcherStats, 'queued' | 'inFlight'>;

  constructor(options: DynamicBatcherOptions<T, R>) {
    this.run = options.run;
    this.keyOf = options.keyOf ?? (() => '');
    this.maxBatch = positiveInt(options.maxBatch ?? 16, 'maxBatch');
    this.maxWaitMs = Math.max(0, options.maxWaitMs ?? 5);
    this.maxQueue = positiveInt(options.maxQueue ?? 1024, 'maxQueue');
    this.concurrency = positiveInt(options.concurrency ?? 1, 'concurrency');
    this.counters = {
      batches: 0,
      items: 0,
      sizes: new Array<number>(this.maxBatch + 1).fill(0),
      failedBatches: 0,
      rejected: 0,
    };
  }

  /** Queues one item; resolves with its result once its batch has run. Rejects with {@link QueueFullError} when full. */
  submit(item: T): Promise<R> {
    if (this.queued >= this.maxQueue) {
      this.counters.rejected++;
      return Promise.reject(new QueueFullError(this.maxQueue));
    }
    let key: string;
    try {
      key = this.keyOf(item);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<R>((resolve, reject) => {
      let bucket = this.buckets.get(key);
      if (!bucket) {
        bucket = [];
        this.buckets.set(key, bucket);
      }
      bucket.push({ item, enqueuedAt: performance.now(), resolve, reject });
      this.queued++;
      this.pump();
    });
  }

  /** Current counters (a copy). */
  stats(): BatcherStats {
    return {
      ...this.counters,
      sizes: [...this.counters.sizes],
      queued: this.queued,
      inFlight: this.inFlight,
    };
  }

  /** Starts every batch that is ready and the concurrency limit allows, then arms the timer for the next deadline. */
  private pump(): void {
    while (this.inFlight < this.concurrency) {
      const key = this.readyBucket(performance.now());
      if (key === undefined) break;
      this.launch(key);
    }
    this.arm();
  }

  /** The ready bucket whose oldest item has waited longest: full buckets are always ready, others once their wait is over. */
  private readyBucket(now: number): string | undefined {
    let best: string | undefined;
    let bestAt = Infinity;
    for (const [key, bucket] of this.buckets) {
      const oldest = bucket[0].enqueuedAt;
      const ready = bucket.length >= this.maxBatch || now - oldest >= this.maxWaitMs;
      if (ready && oldest < bestAt) {
        best = key;
        bestAt = oldest;
      }
    }
    return best;
  }

  private launch(key: string): void {
    const bucket = this.buckets.get(key)!;
    const batch = bucket.splice(0, this.maxBatch);
    if (bucket.length === 0) this.buckets.delete(key);
    this.queued -= batch.length;
    this.inFlight++;
    this.counters.batches++;
    this.counters.items += batch.length;
    this.counters.sizes[batch.length]++;
    const settle = (results: R[] | undefined, error: unknown): void => {
      this.inFlight--;
      if (results && results.length === batch.length) {
        batch.forEach((p, i) => p.resolve(results[i]));
      } else {
        this.counters.failedBatches++;
        const err =
          error ?? new Error(`batch function returned ${results?.length ?? 'no'} results for ${batch.length} items`);
        for (const p of batch) p.reject(err);
      }
      this.pump();
    };
    // Call through a resolved promise so a batch function that throws synchronously still settles the batch.
    Promise.resolve()
      .then(() =>
        this.run(
          batch.map((p) => p.item),
          key,
        ),
      )
      .then(
        (results) => settle(results, undefined),
        (error: unknown) => settle(undefined, error ?? new Error('batch function failed')),
      );
  }

  /** Keeps one timer, set for the earliest deadline among waiting buckets (none when nothing waits or all slots are busy). */
  private arm(): void {
    let next = Infinity;
    if (this.inFlight < this.concurrency) {
      for (const bucket of this.buckets.values()) next = Math.min(next, bucket[0].enqueuedAt + this.maxWaitMs);
    }
    if (next === this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = next;
    if (next === Infinity) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, next - performance.now()),
    );
  }
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
  return n;
}
