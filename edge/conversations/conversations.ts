/**
 * `/v1/conversations`: create, append, count, and render/query/decode a conversation. The turns
 * live in the conversation's Durable Object (conversation-log.ts); a render stores the transcript
 * as a document of the tenant (transcript-document.ts) and renders it through the document's
 * coordinator like any document (edge/renders/render.ts), naming the transcript the conversation
 * last rendered with the same options as the document it extends: the runner paints only the
 * pages from the first one the new turns changed. Query and decode are the document routes on
 * that document, reached through the app with the caller already admitted (one gate, one bill).
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Env, ExecutionContext } from '../bindings.ts';
import { apiRoutes } from '../http/api-routes.ts';
import { jsonOptions } from '../http/body-middleware.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { withDelivery } from '../page-urls/deliver.ts';
import { resolveRender, type RenderFields } from '../renders/render-options.ts';
import { renderFor } from '../renders/render.ts';
import { admittedRequest, gate } from '../tenancy/gate.ts';
import { randomHex } from '../../protocol/primitives/bytes.ts';
import {
  MAX_CONVERSATION_CHARS,
  MAX_MESSAGE_CHARS,
  MAX_MESSAGES_PER_APPEND,
} from '../../protocol/public-api/conversations.ts';
import { countCodePoints } from '../http/read-text.ts';
import { conversationFor } from './client.ts';
import {
  appendMessagesRoute,
  createConversationRoute,
  decodeConversationRoute,
  getConversationRoute,
  listMessagesRoute,
  queryConversationRoute,
  renderConversationRoute,
} from './conversation-routes.ts';
import { messagesBody } from './messages-body.ts';
import { transcriptDocument } from './transcript-document.ts';
import { transcriptOf, type Message } from './transcript.ts';

/** How a conversation route hands a request to the app's document routes (the app itself, in app.ts). */
export type Dispatch = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;

function tooLarge(message: string): ApiError {
  return new ApiError(413, 'payload_too_large', message);
}

/** 413 unless `messages` keep the per-request and per-message limits (names `messages.N.content` in a batch). */
function checkMessages(messages: readonly Message[], batch: boolean): void {
  if (messages.length > MAX_MESSAGES_PER_APPEND) {
    throw tooLarge(
      `messages: ${messages.length}, over the limit of ${MAX_MESSAGES_PER_APPEND} a request (MAX_MESSAGES_PER_APPEND)`,
    );
  }
  messages.forEach((m, i) => {
    const chars = countCodePoints(m.content);
    if (chars > MAX_MESSAGE_CHARS) {
      throw tooLarge(
        `${batch ? `messages.${i}.` : ''}content: ${chars} characters, over the ${MAX_MESSAGE_CHARS}-character limit of a message (MAX_MESSAGE_CHARS)`,
      );
    }
  });
}

function transcriptTooLarge(chars: number, limit: number): ApiError {
  return tooLarge(
    `the transcript would be ${chars} characters, over the ${limit}-character limit of a conversation (MAX_CONVERSATION_CHARS); nothing was appended`,
  );
}

/**
 * Asks the document route `op` about the conversation's transcript document, with the caller's
 * headers (idempotency key, cache control) and the validated body. The
 * request is marked as admitted: the document route's gate takes the caller this route's gate
 * admitted rather than counting the one call a second time against the rate limit and quota.
 */
async function delegate(
  c: Context<AppEnv>,
  dispatch: Dispatch,
  id: string,
  op: 'query' | 'decode',
  body: RenderFields,
): Promise<Response> {
  const { record } = await transcriptDocument(c, id);
  const url = new URL(`/v1/documents/${record.sha256}/${op}`, c.req.url);
  const headers = new Headers(c.req.raw.headers);
  headers.delete('content-length');
  headers.set('content-type', 'application/json');
  const request = new Request(url, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return dispatch(admittedRequest(request, c.get('caller')), c.env, c.executionCtx as ExecutionContext);
}

/** The conversation routes; `dispatch` reaches the document routes for query and decode. */
export function conversationRoutes(dispatch: Dispatch) {
  const routes = apiRoutes();

  routes.openapi(
    createRoute({
      ...createConversationRoute,
      middleware: [gate({ quota: false }), messagesBody({ optional: true })] as const,
    }),
    async (c) => {
      const messages = (c.req.valid('json') as { messages?: Message[] } | undefined)?.messages;
      // Every limit checked before the conversation exists: a refused body creates nothing.
      if (messages) {
        checkMessages(messages, true);
        const chars = countCodePoints(transcriptOf(messages));
        if (chars > MAX_CONVERSATION_CHARS) throw transcriptTooLarge(chars, MAX_CONVERSATION_CHARS);
      }
      const id = `conv_${randomHex(16)}`;
      const log = conversationFor(c.env, c.get('caller').tenant, id);
      await log.create();
      if (messages) await log.append(messages, MAX_CONVERSATION_CHARS);
      c.header('location', `/v1/conversations/${id}`);
      return c.json({ id }, 201);
    },
  );

  routes.openapi(
    createRoute({ ...appendMessagesRoute, middleware: [gate({ quota: false }), messagesBody()] as const }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const batch = body.messages !== undefined;
      const messages: Message[] = batch ? body.messages! : [{ role: body.role!, content: body.content! }];
      checkMessages(messages, batch);
      const result = await conversationFor(c.env, c.get('caller').tenant, id).append(messages, MAX_CONVERSATION_CHARS);
      if (result.kind === 'not_found') throw notFound('conversation');
      if (result.kind === 'too_large') throw transcriptTooLarge(result.chars, result.limit);
      return c.json({ id, messages: result.messages }, 200);
    },
  );

  routes.openapi(createRoute({ ...getConversationRoute, middleware: [gate({ quota: false })] as const }), async (c) => {
    const { id } = c.req.valid('param');
    const stat = await conversationFor(c.env, c.get('caller').tenant, id).stat();
    if (!stat) throw notFound('conversation');
    return c.json({ id, messages: stat.messages, chars: stat.chars }, 200);
  });

  routes.openapi(createRoute({ ...listMessagesRoute, middleware: [gate({ quota: false })] as const }), async (c) => {
    const { id } = c.req.valid('param');
    const messages = await conversationFor(c.env, c.get('caller').tenant, id).list();
    if (!messages) throw notFound('conversation');
    return c.json({ id, messages }, 200);
  });

  routes.openapi(
    createRoute({ ...renderConversationRoute, middleware: [gate({ quota: true }), jsonOptions()] as const }),
    async (c) => {
      const { id } = c.req.valid('param');
      const fields = c.req.valid('json');
      const { tenant } = c.get('caller');
      // Resolved before anything is stored: a bad config refuses the call, storing and billing nothing.
      const resolved = await resolveRender(fields);
      const { record, messages } = await transcriptDocument(c, id);
      const log = conversationFor(c.env, tenant, id);
      // The transcript last rendered with these options: this one extends it (turns are only
      // appended), so its unchanged pages are kept and only the rest painted.
      const previous = await log.renderedDocument(resolved.renderId);
      const outcome = await renderFor(
        c,
        record,
        resolved,
        previous && previous !== record.sha256 ? { previousDocument: previous } : undefined,
      );
      if (outcome.status === 202) return c.json(outcome.body, 202);
      await log.noteRender(resolved.renderId, record.sha256, messages);
      const delivered = await withDelivery(c, outcome.body, fields);
      return c.json({ ...delivered, conversationId: id, messages }, 200);
    },
  );

  routes.openapi(
    createRoute({ ...queryConversationRoute, middleware: [gate({ quota: true }), jsonOptions()] as const }),
    async (c) => {
      const response = await delegate(c, dispatch, c.req.valid('param').id, 'query', c.req.valid('json'));
      return response as never;
    },
  );

  routes.openapi(
    createRoute({ ...decodeConversationRoute, middleware: [gate({ quota: true }), jsonOptions()] as const }),
    async (c) => {
      const response = await delegate(c, dispatch, c.req.valid('param').id, 'decode', c.req.valid('json'));
      return response as never;
    },
  );

  return routes;
}
