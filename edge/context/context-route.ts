/** `POST /v1/context`: the route definition (schemas from protocol/public-api/context.ts). */
import { createRoute } from '@hono/zod-openapi';
import {
  contextRequestSchema,
  contextViewSchema,
  MESSAGE_OVERHEAD_TOKENS,
  REPLY_PRIMER_TOKENS,
} from '../../protocol/public-api/context.ts';
import { MAX_CONVERSATION_CHARS, MAX_MESSAGE_CHARS } from '../../protocol/public-api/conversations.ts';
import { errorResponses, GATE_ERRORS, RUNNER_ERRORS } from '../http/error-responses.ts';
import { billableHeaders } from '../http/header-docs.ts';

/** `POST /v1/context`. */
export const contextRoute = createRoute({
  method: 'post',
  path: '/',
  operationId: 'context',
  tags: ['conversations'],
  summary: 'A chat history fitted to a token budget',
  description:
    'The last `keepRecent` turns (and always the last user message, the question) as text; older turns as page images of ' +
    'their transcript (preset auto for `profile`, reflow off); when that is still over `budget`, the oldest turns go to denser ' +
    'tiers (font 0.8×, 0.65×), and beyond that they are dropped behind an explicit marker. Never over budget: pages by the ' +
    "profile's rule, text counted in its tokenizer family, " +
    `${MESSAGE_OVERHEAD_TOKENS} tokens a message and ${REPLY_PRIMER_TOKENS} for the reply. Tier cuts move in blocks of turns, ` +
    'and a segment that extends one seen before (by the hash of its messages) paints only its new pages. 400 `budget_too_small` ' +
    `names the minimum; 404 for another tenant's conversation; 413 past ${MAX_MESSAGE_CHARS} characters a message or ` +
    `${MAX_CONVERSATION_CHARS} a transcript. Segment renders are billed as renders.`,
  request: {
    headers: billableHeaders,
    body: { required: true, content: { 'application/json': { schema: contextRequestSchema } } },
  },
  responses: {
    200: { description: 'The context.', content: { 'application/json': { schema: contextViewSchema } } },
    ...errorResponses(400, 404, 413, 415, ...GATE_ERRORS, ...RUNNER_ERRORS),
  },
});
