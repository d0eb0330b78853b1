/** What the route modules share: the Hono env and the common dependencies. */
import type { RunnerSignatureEnv } from '../signature-middleware.ts';
import type { RunnerLog } from '../render-service.ts';
import type { WorkQueue } from '../work-queue.ts';

/** Hono env of the runner app: the signature middleware's variables. */
export type RunnerEnv = RunnerSignatureEnv;

/** Dependencies every work route needs. */
export interface RouteDeps {
  queue: WorkQueue;
  log: RunnerLog;
  /** Throws 503 `draining` once the runner is shutting down. */
  assertAccepting(): void;
}
