/** Reaching the Durable Object of one (tenant, conversation). */
import type { Env } from '../bindings.ts';
import type { ConversationRpc } from './conversation-log.ts';

/** The conversation log stub for `tenant`'s conversation `id`; the name includes the tenant. */
export function conversationFor(env: Env, tenant: string, id: string): ConversationRpc {
  return env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(`${tenant}/${id}`)) as unknown as ConversationRpc;
}
