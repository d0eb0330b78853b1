/**
 * The test-only Worker entry: the production Worker (edge/index.ts) with its bindings wrapped by
 * FAULT_INJECTION (inject.ts) in the HTTP handler, the queue consumer and the Durable Object alike.
 * test/edge/worker-stack.ts bundles this instead of edge/index.ts only for an edge started with
 * FAULT_INJECTION, so the production entry carries no fault code at all.
 */
import type { DurableObjectState } from '@cloudflare/workers-types/latest/index.ts';
import worker, { DocumentCoordinator as ProductionCoordinator } from '../../../edge/index.ts';
import type { ExecutionContext, MessageBatch } from '../../../edge/bindings.ts';
import { ApiError } from '../../../edge/http/errors.ts';
import type { JobMessage } from '../../../edge/jobs/messages.ts';
import { withFaults } from './inject.ts';
import { FaultConfigError, type FaultEnv } from './rules.ts';

// Declared in wrangler.toml, so the test entry exports it too (no faults wrapped around it).
export { ConversationLog } from '../../../edge/index.ts';

/** The coordinator, its bindings wrapped as the handlers' are. */
export class DocumentCoordinator extends ProductionCoordinator {
  /** Takes its bindings through `withFaults`. */
  constructor(ctx: DurableObjectState, env: FaultEnv) {
    super(ctx, withFaults(env));
  }
}

/** The production handlers over wrapped bindings. */
export default {
  fetch(request: Request, env: FaultEnv, ctx: ExecutionContext): Response | Promise<Response> {
    let bindings: FaultEnv;
    try {
      bindings = withFaults(env);
    } catch (error) {
      // A deploy mistake: say so on every request rather than run with faults outside tests.
      if (error instanceof FaultConfigError) return new ApiError(500, 'misconfigured', error.message).getResponse();
      throw error;
    }
    return worker.fetch(request, bindings, ctx);
  },
  /** Renders one page range of a big document per message, with faults. */
  async queue(batch: MessageBatch<JobMessage>, env: FaultEnv, ctx: ExecutionContext): Promise<void> {
    await worker.queue(batch, withFaults(env), ctx);
  },
};
