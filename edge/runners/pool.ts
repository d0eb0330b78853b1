/**
 * Routing edge → runners (issue 4, "Routing"): each document goes first to the runner that
 * rendezvous hashing on its SHA-256 picks, so that runner's caches stay warm; connection errors,
 * timeouts and 5xx fail over down the same ranking; runners whose circuit is open go last; 429s
 * are retried elsewhere without counting as failures. Every request is signed afresh.
 *
 * Web-standard APIs only: this runs in the Worker.
 */
import { signedFetch, type RunnerCredentials } from '../../protocol/signing.ts';
import { CircuitBreaker, isolateBreaker } from './circuit-breaker.ts';
import { AllRunnersBusyError, DEFAULT_RETRY_AFTER_SECONDS, RunnersUnavailableError, type Attempt } from './errors.ts';
import { normalizeRunnerUrl } from './parse-runners.ts';
import { rendezvousOrder } from './rendezvous.ts';
import { parseRetryAfter } from './retry-after.ts';

export { AllRunnersBusyError, RunnersUnavailableError, DEFAULT_RETRY_AFTER_SECONDS } from './errors.ts';
export type { Attempt, AttemptOutcome } from './errors.ts';
export { parseRunners, normalizeRunnerUrl } from './parse-runners.ts';

/** Default time a runner gets to accept the connection and send response headers, in ms. */
export const DEFAULT_RUNNER_TIMEOUT_MS = 30_000;

/** Options of the {@link RunnerPool} constructor. */
export interface RunnerPoolOptions {
  /** Runner base URLs (as {@link parseRunners} returns them; they are normalised again here). */
  runners: readonly string[];
  /** Key id sent in `x-glyph-key-id` (`RUNNER_KEY_ID`). */
  keyId: string;
  /** Shared signing secret (`RUNNER_SECRET`). */
  secret: string;
  /**
   * Time for connect + response headers per attempt, in ms (default 30 000). It stops once the
   * headers arrive: streaming a long render's body is not cut off by it.
   */
  timeoutMs?: number;
  /** Circuit state; defaults to {@link isolateBreaker}, shared by every pool in this isolate. */
  breaker?: CircuitBreaker;
  /** `fetch` to use (tests, service bindings); defaults to the global one. */
  fetchImpl?: typeof fetch;
}

/** One request to route; see {@link RunnerPool.request}. */
export interface RunnerRequest {
  /** Path and query on the runner, starting with '/', e.g. `/v1/render`. */
  path: string;
  /** HTTP method; default POST. */
  method?: string;
  /** Body bytes (strings are sent as UTF-8); kept as bytes so every attempt can resend and re-sign it. */
  body?: string | Uint8Array | null;
  /** Extra request headers (e.g. `content-type`); the signature headers are added to them. */
  headers?: HeadersInit;
  /** The caller's abort signal: stops the attempt in progress and any failover, and a streaming body. */
  signal?: AbortSignal;
  /** Runners not to try, e.g. the one a render died on mid-stream (also `reportFailure` it). */
  exclude?: readonly string[];
}

/** What {@link RunnerPool.request} returns when a runner answered. */
export interface RunnerResult {
  /** The runner's response (2xx, 3xx or a 4xx other than 429), body unread. */
  response: Response;
  /** Base URL of the runner that answered. */
  runner: string;
  /** Every try, the answering one last. */
  attempts: Attempt[];
}

/** Routes signed requests for a document over a fixed list of runners, with failover. */
export class RunnerPool {
  /** The runners, normalised, in configuration order. */
  readonly runners: readonly string[];
  /** Circuit state consulted and updated by this pool. */
  readonly breaker: CircuitBreaker;
  /** Connect + headers budget per attempt, in ms. */
  readonly timeoutMs: number;
  readonly #creds: RunnerCredentials;
  readonly #fetch: typeof fetch;

  /** Validates the options; throws on an empty runner list, a bad URL or a bad timeout. */
  constructor(options: RunnerPoolOptions) {
    const runners = [...new Set(options.runners.map(normalizeRunnerUrl))];
    if (runners.length === 0) throw new Error('RunnerPool: no runners configured');
    const timeoutMs = options.timeoutMs ?? DEFAULT_RUNNER_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`RunnerPool: timeoutMs must be a positive number, got ${timeoutMs}`);
    }
    if (!options.keyId || !options.secret) throw new Error('RunnerPool: keyId and secret are required');
    this.runners = runners;
    this.timeoutMs = timeoutMs;
    this.breaker = options.breaker ?? isolateBreaker;
    this.#creds = { keyId: options.keyId, secret: options.secret };
    // Called as a plain function, never as a method of this object: workerd throws "Illegal
    // invocation" when the global fetch runs with another `this`.
    const base = options.fetchImpl ?? ((input, init) => fetch(input, init));
    // A redirect would be followed with the same signature headers to a URL they were not made
    // for (and perhaps another host); a runner never redirects, so hand any 3xx to the caller.
    this.#fetch = (input, init) => base(input, { ...init, redirect: 'manual' });
  }

  /**
   * The order `request` would try runners for this document: rendezvous order on `docSha256`, with
   * runners whose circuit is open (or whose half-open trial is taken) moved to the end, still in
   * rendezvous order among themselves. Nothing is dropped: when every circuit is open, all are
   * still tried.
   */
  async order(docSha256: string): Promise<string[]> {
    return this.#partition(await rendezvousOrder(docSha256, this.runners)).order;
  }

  /**
   * Sends the request to the first runner in {@link order} (minus `exclude`) that gives a usable
   * answer. Per attempt: a fresh signature (new nonce); connection error, timeout before headers
   * or 5xx → failure recorded, next runner; 429 → next runner, no failure, its Retry-After kept;
   * anything else (2xx, 3xx, 4xx) → returned as is. Responses not returned are cancelled.
   *
   * @throws {AllRunnersBusyError} every runner tried answered 429.
   * @throws {RunnersUnavailableError} otherwise when no runner answered usably, or none was left.
   * @throws the caller's `signal.reason` when it aborts (no runner is blamed for that).
   */
  async request(docSha256: string, request: RunnerRequest): Promise<RunnerResult> {
    const method = (request.method ?? 'POST').toUpperCase();
    checkPath(request.path);
    request.signal?.throwIfAborted();

    const excluded = new Set((request.exclude ?? []).map(normalizeOrKeep));
    const ranked = (await rendezvousOrder(docSha256, this.runners)).filter((r) => !excluded.has(r));
    const { order, lastResort } = this.#partition(ranked);

    const attempts: Attempt[] = [];
    for (let i = 0; i < order.length; i++) {
      request.signal?.throwIfAborted();
      const runner = order[i];
      const isLastResort = lastResort.has(runner);
      // Claim at the moment of sending, not when ordering: the half-open trial is handed to one
      // request only, and another may have taken it (or the circuit opened) since.
      if (!isLastResort && !this.breaker.tryAcquire(runner)) {
        lastResort.add(runner);
        order.push(runner);
        continue;
      }
      const { attempt, response } = await this.#attempt(runner, method, request, isLastResort);
      attempts.push(attempt);
      if (response) return { response, runner, attempts };
    }

    const waits = attempts.flatMap((a) => (a.retryAfterSeconds !== undefined ? [a.retryAfterSeconds] : []));
    const longestWait = waits.length > 0 ? Math.max(...waits) : undefined;
    if (attempts.length > 0 && attempts.every((a) => a.outcome === 'busy')) {
      throw new AllRunnersBusyError(longestWait ?? DEFAULT_RETRY_AFTER_SECONDS, attempts);
    }
    throw new RunnersUnavailableError(attempts, Math.max(DEFAULT_RETRY_AFTER_SECONDS, longestWait ?? 0));
  }

  /**
   * One signed request to one runner, outside routing: no failover and no circuit bookkeeping (a
   * readiness probe must neither open a circuit nor spend a half-open trial). Rejects on a
   * connection error, or with a `TimeoutError` when no headers came within `timeoutMs`.
   */
  async probe(runner: string, request: { path: string; method?: string; timeoutMs: number }): Promise<Response> {
    checkPath(request.path);
    return signedFetch(
      {
        url: runner + request.path,
        method: (request.method ?? 'GET').toUpperCase(),
        body: null,
        signal: AbortSignal.timeout(request.timeoutMs),
      },
      this.#creds,
      this.#fetch,
    );
  }

  /**
   * Records a failure the pool could not see itself, e.g. a runner whose response body broke off
   * mid-stream. Counts toward opening its circuit, like a failed attempt.
   */
  reportFailure(runner: string): void {
    this.breaker.recordFailure(normalizeOrKeep(runner));
  }

  #partition(ranked: readonly string[]): { order: string[]; lastResort: Set<string> } {
    const available: string[] = [];
    const unavailable: string[] = [];
    for (const runner of ranked) (this.breaker.isAvailable(runner) ? available : unavailable).push(runner);
    return { order: [...available, ...unavailable], lastResort: new Set(unavailable) };
  }

  async #attempt(
    runner: string,
    method: string,
    request: RunnerRequest,
    lastResort: boolean,
  ): Promise<{ attempt: Attempt; response?: Response }> {
    const started = Date.now();
    const elapsed = (): number => Date.now() - started;
    // A timer we can clear rather than AbortSignal.timeout(): the budget covers reaching the
    // headers only, and the combined signal stays attached to the body stream afterwards, where
    // only the caller's signal should be able to cut it.
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException(`no response headers within ${this.timeoutMs} ms`, 'TimeoutError')),
      this.timeoutMs,
    );
    const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;

    let response: Response;
    try {
      response = await signedFetch(
        { url: runner + request.path, method, body: request.body ?? null, headers: request.headers, signal },
        this.#creds,
        this.#fetch,
      );
    } catch (error) {
      if (request.signal?.aborted) {
        // The caller gave up; the runner did nothing wrong. Give back a half-open trial untried.
        this.breaker.release(runner);
        throw request.signal.reason;
      }
      this.breaker.recordFailure(runner);
      const timedOut = timeout.signal.aborted;
      return {
        attempt: {
          runner,
          outcome: timedOut ? 'timeout' : 'connect-error',
          message: timedOut ? `no response headers within ${this.timeoutMs} ms` : describeError(error),
          lastResort,
          durationMs: elapsed(),
        },
      };
    } finally {
      clearTimeout(timer);
    }

    const { status } = response;
    if (status === 429) {
      const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
      discard(response);
      // Busy is not broken: neither a failure nor proof that a half-open runner recovered.
      this.breaker.release(runner);
      return {
        attempt: {
          runner,
          outcome: 'busy',
          status,
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
          lastResort,
          durationMs: elapsed(),
        },
      };
    }
    if (status >= 500) {
      discard(response);
      this.breaker.recordFailure(runner);
      return {
        attempt: {
          runner,
          outcome: 'server-error',
          status,
          message: `HTTP ${status}`,
          lastResort,
          durationMs: elapsed(),
        },
      };
    }
    // 2xx, 3xx, 4xx: the runner is alive and answered; a 4xx is about the request, not the runner.
    this.breaker.recordSuccess(runner);
    return { attempt: { runner, outcome: 'answered', status, lastResort, durationMs: elapsed() }, response };
  }
}

// Rejecting a bad path up front keeps a programming error from being counted as a failure of
// every runner in turn.
function checkPath(path: string): void {
  if (!path.startsWith('/') || path.startsWith('//')) {
    throw new TypeError(`RunnerPool: path must start with a single '/', got "${path}"`);
  }
  if (/[\s#]/.test(path)) {
    throw new TypeError(`RunnerPool: path must not contain whitespace or a fragment, got "${path}"`);
  }
}

// `exclude` usually holds `RunnerResult.runner` values (already normalised); anything else that
// parses is normalised the same way so it still matches.
function normalizeOrKeep(runner: string): string {
  try {
    return normalizeRunnerUrl(runner);
  } catch {
    return runner;
  }
}

// An unread body keeps the connection (in Workers, a subrequest slot) busy until it is collected.
function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici reports "fetch failed" and puts the useful part (ECONNREFUSED ...) in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}
