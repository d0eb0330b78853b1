/** `/v1/conversations`: the route definitions (schemas from protocol/public-api/conversations.ts). */
import { createRoute, z } from '@hono/zod-openapi';
import {
  appendBodySchema,
  createBodySchema,
  conversationAppendedSchema,
  conversationCreatedSchema,
  conversationMessagesSchema,
  conversationParams,
  conversationRenderSchema,
  conversationViewSchema,
  MAX_CONVERSATION_CHARS,
  MAX_MESSAGE_CHARS,
  MAX_MESSAGES_PER_APPEND,
} from '../../protocol/public-api/conversations.ts';
import { decodeOptionsSchema, decodeViewSchema } from '../../protocol/public-api/decode.ts';
import { answerSchema, queryOptionsSchema } from '../../protocol/public-api/query.ts';
import { jobAcceptedSchema, renderOptionsSchema } from '../../protocol/public-api/render.ts';
import { errorResponses, GATE_ERRORS, RUNNER_ERRORS } from '../http/error-responses.ts';
import { billableHeaders, cacheHeader, cachedCallHeaders, locationHeader } from '../http/header-docs.ts';

const TAGS = ['conversations'];

/** `POST /v1/conversations`. */
export const createConversationRoute = createRoute({
  method: 'post',
  path: '/',
  operationId: 'createConversation',
  tags: TAGS,
  summary: 'Start a conversation',
  description:
    "A conversation of the caller's tenant, empty or with the turns of `messages` (the limits of an append apply); " +
    'more turns are appended with `POST …/messages`.',
  request: { body: { required: false, content: { 'application/json': { schema: createBodySchema } } } },
  responses: {
    201: {
      description: 'Created.',
      headers: locationHeader,
      content: { 'application/json': { schema: conversationCreatedSchema } },
    },
    ...errorResponses(400, 413, 415, ...GATE_ERRORS),
  },
});

/** `POST /v1/conversations/{id}/messages`. */
export const appendMessagesRoute = createRoute({
  method: 'post',
  path: '/{id}/messages',
  operationId: 'appendMessages',
  tags: TAGS,
  summary: 'Append turns to a conversation',
  description:
    'One message `{role, content}` or `{messages: [...]}`, appended in order, all or none. Appends to one conversation are ' +
    'applied one request after another in the order they arrive (its Durable Object), so concurrent appends are all kept ' +
    `and never interleaved. Limits (413): ${MAX_MESSAGE_CHARS} characters a message, ${MAX_MESSAGES_PER_APPEND} messages ` +
    `a request, ${MAX_CONVERSATION_CHARS} characters a transcript.`,
  request: {
    params: conversationParams,
    body: { required: true, content: { 'application/json': { schema: appendBodySchema } } },
  },
  responses: {
    200: { description: 'Appended.', content: { 'application/json': { schema: conversationAppendedSchema } } },
    ...errorResponses(400, 404, 413, 415, ...GATE_ERRORS),
  },
});

/** `GET /v1/conversations/{id}`. */
export const getConversationRoute = createRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'getConversation',
  tags: TAGS,
  summary: "Count a conversation's turns and characters",
  request: { params: conversationParams },
  responses: {
    200: { description: 'The conversation.', content: { 'application/json': { schema: conversationViewSchema } } },
    ...errorResponses(400, 404, ...GATE_ERRORS),
  },
});

/** `GET /v1/conversations/{id}/messages`. */
export const listMessagesRoute = createRoute({
  method: 'get',
  path: '/{id}/messages',
  operationId: 'listMessages',
  tags: TAGS,
  summary: "A conversation's turns",
  description: 'Every message, in the order the conversation applied the appends.',
  request: { params: conversationParams },
  responses: {
    200: { description: 'The turns.', content: { 'application/json': { schema: conversationMessagesSchema } } },
    ...errorResponses(400, 404, ...GATE_ERRORS),
  },
});

/** `POST /v1/conversations/{id}/render`. */
export const renderConversationRoute = createRoute({
  method: 'post',
  path: '/{id}/render',
  operationId: 'renderConversation',
  tags: TAGS,
  summary: 'Render a conversation into page images',
  description:
    'The transcript (`User: …`, `Assistant: …`, `System: …` turns, a blank line between) is stored as a document of the ' +
    'tenant and rendered as `POST /v1/documents/{id}/render` does, with the same options. Every page depends only on ' +
    'the text up to it (reflow included), so appending turns ' +
    'changes only the last page(s), and a render after an append paints only those: the pages before the first one the ' +
    "new turns changed are kept from the conversation's previous render with the same options (same bytes, ETag and " +
    'stored object), counted in `pagesReused`; `pagesRendered` counts the pages the runner painted.',
  request: {
    params: conversationParams,
    headers: billableHeaders,
    body: { content: { 'application/json': { schema: renderOptionsSchema } } },
  },
  responses: {
    200: {
      description: 'The render.',
      headers: cacheHeader,
      content: { 'application/json': { schema: conversationRenderSchema } },
    },
    202: {
      description: 'Handed to a job: poll `statusUrl`, then render again.',
      headers: { ...cacheHeader, ...locationHeader },
      content: { 'application/json': { schema: jobAcceptedSchema } },
    },
    ...errorResponses(400, 404, 413, 415, ...GATE_ERRORS, ...RUNNER_ERRORS),
  },
});

const SSE = z.string().openapi({ description: 'As `POST /v1/documents/{id}/query` with `stream: true`.' });

/** `POST /v1/conversations/{id}/query`. */
export const queryConversationRoute = createRoute({
  method: 'post',
  path: '/{id}/query',
  operationId: 'queryConversation',
  tags: TAGS,
  summary: 'Ask a question about a conversation',
  description: 'The transcript as a document, asked as `POST /v1/documents/{id}/query`.',
  request: {
    params: conversationParams,
    headers: cachedCallHeaders,
    body: { required: true, content: { 'application/json': { schema: queryOptionsSchema } } },
  },
  responses: {
    200: {
      description: 'The answer; with `stream: true`, Server-Sent Events.',
      headers: cacheHeader,
      content: { 'application/json': { schema: answerSchema }, 'text/event-stream': { schema: SSE } },
    },
    ...errorResponses(400, 404, 413, 415, ...GATE_ERRORS, ...RUNNER_ERRORS),
  },
});

/** `POST /v1/conversations/{id}/decode`. */
export const decodeConversationRoute = createRoute({
  method: 'post',
  path: '/{id}/decode',
  operationId: 'decodeConversation',
  tags: TAGS,
  summary: "OCR read-back of a conversation's pages",
  description: 'The transcript as a document, read back as `POST /v1/documents/{id}/decode`.',
  request: {
    params: conversationParams,
    headers: cachedCallHeaders,
    body: { content: { 'application/json': { schema: decodeOptionsSchema } } },
  },
  responses: {
    200: {
      description: 'The read-back.',
      headers: cacheHeader,
      content: { 'application/json': { schema: decodeViewSchema } },
    },
    ...errorResponses(400, 404, 413, 415, ...GATE_ERRORS, ...RUNNER_ERRORS),
  },
});
