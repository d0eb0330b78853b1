/** What the route modules share: the Hono env and the common dependencies. */
import type { FitSearches } from '../../fit/index.ts';
import type { WorkQueue } from '../../queue/work-queue.ts';
import type { RunnerLog } from '../log.ts';
import type { RunnerSignatureEnv } from '../signature-middleware.ts';

/** Hono env of the runner app: the signature middleware's variables. */
export type RunnerEnv = RunnerSignatureEnv;

/** Dependencies every work route needs. */
export interface RouteDeps {
  queue: WorkQueue;
  log: RunnerLog;
  /** Throws 503 `draining` once the runner is shutting down. */
  assertAccepting(): void;
  /** The fit searches preset `auto` resolves through (absent: `auto` answers 503). */
  fits?: FitSearches;
}
