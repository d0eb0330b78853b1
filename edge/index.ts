/**
 * Worker entry (wrangler.toml `main`): the HTTP API, the `glyph-jobs` queue consumer, and the
 * Durable Object class, each over the Worker's own bindings.
 */
import { app } from './app.ts';
import type { Env, ExecutionContext, MessageBatch } from './bindings.ts';
import { consumeJobs } from './jobs/consumer.ts';
import type { JobMessage } from './jobs/messages.ts';

export { DocumentCoordinator } from './coordinator/document-coordinator.ts';
export { ConversationLog } from './conversations/conversation-log.ts';

/** The Worker's handlers: HTTP (the Hono app) and the job queue. */
export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    return app.fetch(request, env, ctx);
  },
  /** Renders one page range of a big document per message. */
  async queue(batch: MessageBatch<JobMessage>, env: Env, _ctx: ExecutionContext): Promise<void> {
    await consumeJobs(batch, env);
  },
};
