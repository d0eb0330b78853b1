/**
 * What routing reports: one {@link Attempt} per runner tried, and the two ways a request can find
 * no runner. The edge maps both errors to 503 with `Retry-After`.
 */

/** How one try at one runner ended. */
export type AttemptOutcome =
  /** The runner answered with a status the caller gets (2xx, 3xx, 4xx other than 429). */
  | 'answered'
  /** 429: the runner is healthy but full; tried elsewhere, not counted as a failure. */
  | 'busy'
  /** 5xx: counted as a failure, tried elsewhere. */
  | 'server-error'
  /** No response headers within the pool's `timeoutMs`: a failure, tried elsewhere. */
  | 'timeout'
  /** The connection failed (refused, reset, DNS, TLS): a failure, tried elsewhere. */
  | 'connect-error';

/** One try at one runner, in the order they happened. */
export interface Attempt {
  /** Base URL of the runner. */
  runner: string;
  /** How the try ended. */
  outcome: AttemptOutcome;
  /** HTTP status, when the runner answered at all. */
  status?: number;
  /** Seconds from the runner's `Retry-After` on a 429, when it sent a readable one. */
  retryAfterSeconds?: number;
  /** What went wrong, for logs (never contains secrets: URLs and error messages only). */
  message?: string;
  /** Whether the runner's circuit was open and it was tried only as a last resort. */
  lastResort: boolean;
  /** Milliseconds from sending to the outcome (headers, error or timeout). */
  durationMs: number;
}

/** Retry-After the edge suggests when runners failed (rather than said how long to wait). */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Every runner tried answered 429: the service is saturated, not broken. */
export class AllRunnersBusyError extends Error {
  override readonly name = 'AllRunnersBusyError';
  /** The longest `Retry-After` any runner sent, or {@link DEFAULT_RETRY_AFTER_SECONDS}. */
  readonly retryAfterSeconds: number;
  /** The 429s, in order. */
  readonly attempts: readonly Attempt[];

  /** Builds the error from the attempts and the wait to advertise. */
  constructor(retryAfterSeconds: number, attempts: readonly Attempt[]) {
    super(`all ${attempts.length} runner(s) are busy (429); retry after ${retryAfterSeconds}s`);
    this.retryAfterSeconds = retryAfterSeconds;
    this.attempts = attempts;
  }
}

/** No runner gave a usable answer: all failed (connection, timeout, 5xx), some perhaps busy, or none was left to try. */
export class RunnersUnavailableError extends Error {
  override readonly name = 'RunnersUnavailableError';
  /** Every try, in order (empty when `exclude` left no runner). */
  readonly attempts: readonly Attempt[];
  /** Suggested wait: {@link DEFAULT_RETRY_AFTER_SECONDS}, or a longer `Retry-After` that a busy runner among the attempts sent. */
  readonly retryAfterSeconds: number;

  /** Builds the error from the attempts. */
  constructor(attempts: readonly Attempt[], retryAfterSeconds: number = DEFAULT_RETRY_AFTER_SECONDS) {
    super(
      attempts.length === 0
        ? 'no runner left to try'
        : `no runner could serve the request: ${attempts
            .map((a) => `${a.runner} ${a.outcome}${a.status !== undefined ? ` ${a.status}` : ''}`)
            .join('; ')}`,
    );
    this.attempts = attempts;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The runner's body broke off or was malformed after it answered 200: worth one retry elsewhere. */
export class RunnerStreamError extends Error {
  override readonly name = 'RunnerStreamError';
  /** Builds the error; `runner` is the base URL of the runner whose stream failed. */
  constructor(
    readonly runner: string,
    message: string,
  ) {
    super(message);
  }
}
