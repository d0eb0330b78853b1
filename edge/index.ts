/**
 * Worker entry (wrangler.toml `main`): the HTTP API, the `glyph-jobs` queue consumer, and the
 * Durable Object class. Each hands the app its bindings through `withFaults`, which is `env` itself
 * unless a test set FAULT_INJECTION (edge/faults/).
 */
import { app } from './app.ts';
import type { Env, ExecutionContext, MessageBatch } from './bindings.ts';
import { withFaults } from './faults/inject.ts';
import { FaultConfigError } from './faults/rules.ts';
import { errorResponse } from './http/errors.ts';
import { consumeJobs } from './jobs/consumer.ts';
import type { JobMessage } from './jobs/messages.ts';

export { DocumentCoordinator } from './coordinator/document-coordinator.ts';

/** The Worker's handlers: HTTP (the Hono app) and the job queue. */
export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    let bindings: Env;
    try {
      bindings = withFaults(env);
    } catch (error) {
      // A deploy mistake: say so on every request rather than run with faults in production.
      if (error instanceof FaultConfigError) return errorResponse(500, 'misconfigured', error.message);
      throw error;
    }
    return app.fetch(request, bindings, ctx);
  },
  /** Renders one page range of a big document per message. */
  async queue(batch: MessageBatch<JobMessage>, env: Env, _ctx: ExecutionContext): Promise<void> {
    await consumeJobs(batch, withFaults(env));
  },
};
