/**
 * Readiness and draining. On SIGTERM the runner stops taking work (`/readyz` answers 503
 * `draining`, new work requests 503) and waits for the requests in flight — streamed bodies
 * included, until their last byte — before it exits.
 */

/** Tracks requests in flight and whether the runner is draining. */
export class Lifecycle {
  private active = 0;
  private drainingSince: number | undefined;
  private idleWaiters: Array<() => void> = [];

  /** True once {@link drain} was called. */
  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.active;
  }

  /** Counts a request in; call the returned function exactly when it is over (it is idempotent). */
  begin(): () => void {
    this.active++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      if (this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    };
  }

  /**
   * Stops taking work and resolves `true` once nothing is in flight, or `false` when `timeoutMs`
   * passes first (the caller then cuts the remaining connections).
   */
  drain(timeoutMs: number): Promise<boolean> {
    this.drainingSince ??= Date.now();
    if (this.active === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
