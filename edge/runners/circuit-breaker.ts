/**
 * Per-runner circuit breaker: a runner that keeps failing is skipped for a cool-down instead of
 * costing every request a connect timeout.
 *
 *   closed    ── `failureThreshold` consecutive failures ──▶ open
 *   open      ── `cooldownMs` elapsed ─────────────────────▶ half-open
 *   half-open ── one trial request: success ──▶ closed, failure ──▶ open (cool-down restarts)
 *
 * Where the state lives: in the memory of one Worker isolate (a module-level instance, see
 * {@link isolateBreaker}). An isolate serves many requests, so most requests benefit from what
 * earlier ones learnt; isolates do not share it, and a new isolate starts with every circuit
 * closed. That is acceptable: in the worst case each isolate discovers a dead runner by itself,
 * paying `failureThreshold` failed attempts (each of which already failed over to the next runner).
 * Persisting the state (KV, a Durable Object) would put a storage round trip on every request to
 * save a few failed connects.
 *
 * All methods are synchronous, so within an isolate the claim of the single half-open trial is
 * atomic even with many requests in flight.
 */

/** Where a runner's circuit stands. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Options of the {@link CircuitBreaker} constructor. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; default 3. */
  failureThreshold?: number;
  /** How long an open circuit skips the runner before a trial, in ms; default 30 000. */
  cooldownMs?: number;
  /** Clock in milliseconds; defaults to `Date.now`. Tests inject one. */
  now?: () => number;
}

/** What the breaker knows about one runner (for logs, metrics and tests). */
export interface CircuitSnapshot {
  /** Current state, with open → half-open already applied for the clock's time. */
  state: CircuitState;
  /** Failures since the last success. */
  consecutiveFailures: number;
  /** When (clock ms) an open circuit becomes half-open; absent when closed. */
  retryAt?: number;
  /** Whether a half-open trial request is in flight. */
  trialInFlight: boolean;
}

/** Default consecutive failures that open a circuit. */
export const DEFAULT_FAILURE_THRESHOLD = 3;
/** Default cool-down of an open circuit, in ms. */
export const DEFAULT_COOLDOWN_MS = 30_000;

interface Entry {
  failures: number;
  /** Clock ms when the circuit opened (or last re-opened); undefined while closed. */
  openedAt?: number;
  /** Clock ms when the half-open trial was handed out; undefined when none is in flight. */
  trialStartedAt?: number;
}

/** Tracks consecutive failures per runner and decides which runners requests may use. */
export class CircuitBreaker {
  /** Consecutive failures that open a circuit. */
  readonly failureThreshold: number;
  /** Cool-down of an open circuit, in ms. */
  readonly cooldownMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  /** Creates a breaker with every circuit closed; see {@link CircuitBreakerOptions}. */
  constructor(options: CircuitBreakerOptions = {}) {
    const threshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    const cooldown = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new RangeError(`CircuitBreaker: failureThreshold must be a positive integer, got ${threshold}`);
    }
    if (!Number.isFinite(cooldown) || cooldown < 0) {
      throw new RangeError(`CircuitBreaker: cooldownMs must be a finite number ≥ 0, got ${cooldown}`);
    }
    this.failureThreshold = threshold;
    this.cooldownMs = cooldown;
    this.#now = options.now ?? Date.now;
  }

  /** The state of `runner`'s circuit now (unknown runners are closed). */
  state(runner: string): CircuitState {
    const entry = this.#entries.get(runner);
    if (entry?.openedAt === undefined) return 'closed';
    return this.#now() >= entry.openedAt + this.cooldownMs ? 'half-open' : 'open';
  }

  /**
   * Whether a request may use `runner` now without waiting: closed, or half-open with the trial
   * still free. Does not claim the trial; {@link tryAcquire} does.
   */
  isAvailable(runner: string): boolean {
    const state = this.state(runner);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    return !this.#trialBusy(this.#entries.get(runner)!);
  }

  /**
   * Claims permission to send one request to `runner`: always granted when closed; when half-open
   * it hands out the single trial (later callers are refused until the trial reports back);
   * refused when open. A granted half-open claim must end in {@link recordSuccess},
   * {@link recordFailure} or {@link release}.
   */
  tryAcquire(runner: string): boolean {
    const state = this.state(runner);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const entry = this.#entries.get(runner)!;
    if (this.#trialBusy(entry)) return false;
    entry.trialStartedAt = this.#now();
    return true;
  }

  /** The runner answered (any status other than 5xx and 429): close its circuit. */
  recordSuccess(runner: string): void {
    // Closed with no failures is the default, so forgetting the entry keeps the map small.
    this.#entries.delete(runner);
  }

  /**
   * The runner failed (connection error, timeout, 5xx, died mid-stream). Opens the circuit at the
   * threshold; a failed half-open trial, or a failed last-resort attempt on an open circuit,
   * re-opens it and restarts the cool-down (fresh evidence that it is still down).
   */
  recordFailure(runner: string): void {
    const entry = this.#entries.get(runner) ?? { failures: 0 };
    entry.failures += 1;
    entry.trialStartedAt = undefined;
    if (entry.openedAt !== undefined || entry.failures >= this.failureThreshold) {
      entry.openedAt = this.#now();
    }
    this.#entries.set(runner, entry);
  }

  /**
   * Gives back a half-open trial without a verdict (the runner said 429, or the caller aborted):
   * the next request may run the trial. No effect on a closed or open circuit.
   */
  release(runner: string): void {
    const entry = this.#entries.get(runner);
    if (entry) entry.trialStartedAt = undefined;
  }

  /** What the breaker knows about `runner`. */
  snapshot(runner: string): CircuitSnapshot {
    const entry = this.#entries.get(runner);
    const state = this.state(runner);
    return {
      state,
      consecutiveFailures: entry?.failures ?? 0,
      ...(entry?.openedAt !== undefined ? { retryAt: entry.openedAt + this.cooldownMs } : {}),
      trialInFlight: entry !== undefined && state === 'half-open' && this.#trialBusy(entry),
    };
  }

  /** Forgets everything about `runner`, or about every runner when none is given. */
  reset(runner?: string): void {
    if (runner === undefined) this.#entries.clear();
    else this.#entries.delete(runner);
  }

  // A trial whose owner never reported back (a bug, or an isolate-level hiccup) must not keep the
  // runner out forever: after one more cool-down the trial is considered lost and handed out again.
  #trialBusy(entry: Entry): boolean {
    return entry.trialStartedAt !== undefined && this.#now() < entry.trialStartedAt + this.cooldownMs;
  }
}

/**
 * The breaker shared by every `RunnerPool` in this isolate that is not given its own.
 * Module scope on purpose: a Worker builds its pool per request (bindings arrive with the request),
 * and the circuit state has to outlive the request to be of any use.
 */
export const isolateBreaker: CircuitBreaker = new CircuitBreaker();
