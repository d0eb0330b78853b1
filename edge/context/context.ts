/**
 * `POST /v1/context`: a history (its messages, or a conversation of the caller's tenant) fitted
 * to a token budget for one profile (budgeted-context.ts), within the limits conversations keep.
 */
import { createRoute } from '@hono/zod-openapi';
import type { ProfileName } from '../../protocol/profiles.ts';
import { DEFAULT_KEEP_RECENT, MAX_CONTEXT_MESSAGES } from '../../protocol/public-api/context.ts';
import { MAX_CONVERSATION_CHARS, MAX_MESSAGE_CHARS } from '../../protocol/public-api/conversations.ts';
import { conversationFor } from '../conversations/client.ts';
import { transcriptOf, type Message } from '../conversations/transcript.ts';
import { apiRoutes } from '../http/api-routes.ts';
import { ApiError, badRequest, notFound } from '../http/errors.ts';
import { countCodePoints } from '../http/read-text.ts';
import { gate } from '../tenancy/gate.ts';
import { budgetedContext } from './budgeted-context.ts';
import { contextBody } from './context-body.ts';
import { contextRoute } from './context-route.ts';
import { timing } from 'hono/timing';

const tooLarge = (message: string) => new ApiError(413, 'payload_too_large', message);

/** 413 unless `messages` keep the limits of a conversation. */
export function checkHistoryLimits(messages: readonly Message[]): void {
  if (messages.length > MAX_CONTEXT_MESSAGES) {
    throw tooLarge(
      `messages: ${messages.length}, over the limit of ${MAX_CONTEXT_MESSAGES} a context (MAX_CONTEXT_MESSAGES)`,
    );
  }
  messages.forEach((m, i) => {
    const chars = countCodePoints(m.content);
    if (chars > MAX_MESSAGE_CHARS) {
      throw tooLarge(
        `messages.${i}.content: ${chars} characters, over the ${MAX_MESSAGE_CHARS}-character limit of a message (MAX_MESSAGE_CHARS)`,
      );
    }
  });
  const chars = countCodePoints(transcriptOf(messages));
  if (chars > MAX_CONVERSATION_CHARS) {
    throw tooLarge(
      `the transcript is ${chars} characters, over the ${MAX_CONVERSATION_CHARS}-character limit of a conversation (MAX_CONVERSATION_CHARS)`,
    );
  }
}

/** `POST /v1/context`. */
export const contextRoutes = apiRoutes();

contextRoutes.openapi(
  createRoute({
    ...contextRoute,
    middleware: [timing({ total: false }), gate({ quota: true }), contextBody()] as const,
  }),
  async (c) => {
    const body = c.req.valid('json');
    let messages: Message[];
    if (body.conversationId !== undefined) {
      const listed = await conversationFor(c.env, c.get('caller').tenant, body.conversationId).list();
      if (!listed) throw notFound('conversation');
      if (listed.length === 0)
        throw badRequest('empty_conversation', 'the conversation has no messages yet: append some first');
      messages = listed;
    } else messages = body.messages!;
    checkHistoryLimits(messages);
    const view = await budgetedContext(c, {
      messages,
      profile: body.profile as ProfileName,
      budget: body.budget,
      keepRecent: body.keepRecent ?? DEFAULT_KEEP_RECENT,
      format: body.format ?? 'openai',
      imageDelivery: body.imageDelivery ?? 'url',
      ...(body.urlTtl !== undefined ? { urlTtl: body.urlTtl } : {}),
    });
    return c.json(view, 200);
  },
);
