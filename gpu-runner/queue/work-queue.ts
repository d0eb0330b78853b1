/**
 * A bounded work queue for one device: at most `concurrency` jobs run, at most `maxQueued` wait,
 * and every job has a deadline. Past the bound a new job is refused at once (429 with
 * `Retry-After`) rather than queued: a client retrying later, or the edge failing over to another
 * runner, beats a latency that grows without limit.
 *
 * A job is a {@link Ticket}: `enter` it, await `ready` (a slot is free), do the work while checking
 * `signal` between steps (it aborts at the deadline or when the caller gives up), then `release`.
 * Streamed responses hold their ticket until the last byte is written, so `concurrency` bounds the
 * renders in progress, not just the handlers running.
 */
import { DeadlineExceededError, QueueBusyError } from '../errors.ts';

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Jobs running at once (`GLYPH_RENDER_CONCURRENCY`, default 2). */
  concurrency?: number;
  /** Jobs waiting for a slot; more are refused (`GLYPH_QUEUE_MAX`, default 16). */
  maxQueued?: number;
  /** Deadline of a job from `enter`, waiting included (`GLYPH_REQUEST_TIMEOUT_MS`, default 120000). */
  timeoutMs?: number;
}

/** Options of {@link WorkQueue.enter}. */
export interface EnterOptions {
  /** The caller's abort signal (client gone): dequeues a waiting job, aborts a running one. */
  signal?: AbortSignal;
}

/** One job's place in the queue. */
export interface Ticket {
  /** Resolves when the job may run; rejects with the deadline or caller abort reason. */
  readonly ready: Promise<void>;
  /** Aborts at the deadline ({@link DeadlineExceededError}) or when the caller's signal aborts. */
  readonly signal: AbortSignal;
  /**
   * Throws the abort reason when `signal` has aborted or the deadline has passed. Synchronous
   * work (layout, token counting) keeps the deadline timer from firing on time, so steps check
   * the clock too: a render that overran while laying out answers 504, not 200 and a cut body.
   */
  check(): void;
  /** Frees the slot (or the place in line). Idempotent. */
  release(): void;
}

/** Snapshot of the queue for `/readyz` and `/metrics`. */
export interface WorkQueueStats {
  running: number;
  queued: number;
  concurrency: number;
  maxQueued: number;
  /** Jobs refused because the queue was full, since start. */
  rejected: number;
  /** Jobs that hit their deadline, since start. */
  timedOut: number;
}

interface Waiter {
  start: () => void;
}

/** Bounded FIFO of jobs with per-job deadlines; see the module comment. */
export class WorkQueue {
  readonly concurrency: number;
  readonly maxQueued: number;
  readonly timeoutMs: number;
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private rejected = 0;
  private timedOut = 0;
  // Moving average of how long a job holds its slot; drives Retry-After. Starts at one second,
  // a typical render, so the first refusals already carry a sensible hint.
  private avgHoldMs = 1000;

  constructor(options: WorkQueueOptions = {}) {
    this.concurrency = positiveInt(options.concurrency ?? 2, 'concurrency');
    this.maxQueued = nonNegativeInt(options.maxQueued ?? 16, 'maxQueued');
    this.timeoutMs = positiveInt(options.timeoutMs ?? 120_000, 'timeoutMs');
  }

  /** Takes a place in line. Throws {@link QueueBusyError} synchronously when every slot and place is taken. */
  enter(options: EnterOptions = {}): Ticket {
    if (this.running >= this.concurrency && this.waiting.length >= this.maxQueued) {
      this.rejected++;
      throw new QueueBusyError(
        `the runner is busy (${this.running} running, ${this.waiting.length} queued); retry later`,
        this.retryAfterSeconds(),
      );
    }
    const controller = new AbortController();
    let state: 'waiting' | 'running' | 'released' = 'waiting';
    let startedAt = 0;
    let waiter: Waiter | undefined;
    let rejectReady: (reason: unknown) => void = () => {};

    const release = (): void => {
      if (state === 'released') return;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCallerAbort);
      if (state === 'running') {
        this.running--;
        this.avgHoldMs = 0.8 * this.avgHoldMs + 0.2 * (performance.now() - startedAt);
        this.next();
      } else if (waiter) {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
      }
      state = 'released';
    };
    const fail = (reason: unknown): void => {
      controller.abort(reason);
      // A waiting job never ran: drop it and reject `ready`. A running one must notice `signal`.
      if (state === 'waiting') {
        release();
        rejectReady(reason);
      }
    };
    const onCallerAbort = (): void => fail(options.signal?.reason ?? new Error('aborted'));
    const deadline = performance.now() + this.timeoutMs;
    const expire = (): void => {
      if (controller.signal.aborted) return;
      this.timedOut++;
      fail(new DeadlineExceededError(this.timeoutMs));
    };
    const timer = setTimeout(expire, this.timeoutMs);
    // The timer must not keep a draining process alive; release() clears it anyway.
    timer.unref?.();

    const ready = new Promise<void>((resolve, reject) => {
      rejectReady = reject;
      const start = (): void => {
        state = 'running';
        startedAt = performance.now();
        this.running++;
        resolve();
      };
      if (this.running < this.concurrency && this.waiting.length === 0) start();
      else {
        waiter = { start };
        this.waiting.push(waiter);
      }
    });
    // Callers that release without awaiting `ready` must not leave an unhandled rejection.
    ready.catch(() => {});
    if (options.signal?.aborted) onCallerAbort();
    else options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const check = (): void => {
      if (!controller.signal.aborted && performance.now() >= deadline) expire();
      controller.signal.throwIfAborted();
    };
    return { ready, signal: controller.signal, check, release };
  }

  /** Current counts. */
  stats(): WorkQueueStats {
    return {
      running: this.running,
      queued: this.waiting.length,
      concurrency: this.concurrency,
      maxQueued: this.maxQueued,
      rejected: this.rejected,
      timedOut: this.timedOut,
    };
  }

  /** Seconds until a slot is likely free: the queue ahead times the average hold, over the slots. */
  retryAfterSeconds(): number {
    const ahead = this.waiting.length + 1;
    const seconds = (ahead * this.avgHoldMs) / this.concurrency / 1000;
    return Math.min(60, Math.max(1, Math.ceil(seconds)));
  }

  private next(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) this.waiting.shift()!.start();
  }
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
  return n;
}

function nonNegativeInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be an integer >= 0, got ${n}`);
  return n;
}
