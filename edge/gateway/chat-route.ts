/**
 * `POST /v1/chat/completions` in the OpenAPI document. Documented only: the request is OpenAI's
 * own Chat Completions body, checked loosely by the handler (chat-request.ts) so every field the
 * gateway does not read passes through; errors are OpenAI's shape, not the rest of the API's.
 */
import { z, type RouteConfig } from '@hono/zod-openapi';

/** OpenAI's error body, as the gateway answers its own errors. */
export const openAIErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string().nullable(),
    }),
  })
  .openapi('OpenAIError');

const errors = {
  400: 'Malformed request, a model that maps to no profile, a bad `x-glyph-profile`, a bad `x-glyph-budget` (`invalid_budget`) or one below the minimum (`budget_too_small`).',
  401: 'Missing or invalid glyphgate API key.',
  413: 'Body over MAX_UPLOAD_BYTES, or the context too large even as pages (`context_too_large`, names GATEWAY_MAX_PAGES).',
  429: "glyphgate's rate limit or quota; the upstream's own 429 is relayed as it came.",
  500: 'Unexpected failure.',
  502: 'The upstream could not be reached (`upstream_unreachable`), or a runner failed.',
  503: 'No upstream configured (`upstream_not_configured`), or no runner free.',
  504: 'The upstream sent no response in UPSTREAM_TIMEOUT_MS (`upstream_timeout`).',
} as const;

const countHeaders = {
  'x-glyph-text-tokens': {
    description: 'Text tokens of the parts replaced by pages.',
    schema: { type: 'integer' as const },
  },
  'x-glyph-visual-tokens': {
    description: 'Visual tokens those pages cost the model.',
    schema: { type: 'integer' as const },
  },
  'x-glyph-pages': { description: 'Page images sent.', schema: { type: 'integer' as const } },
  'x-glyph-pages-rendered': {
    description: 'With `x-glyph-budget`: pages painted for this call.',
    schema: { type: 'integer' as const },
  },
  'x-glyph-pages-reused': {
    description: 'With `x-glyph-budget`: pages taken from earlier renders of the same history.',
    schema: { type: 'integer' as const },
  },
  'x-glyph-budget-used': {
    description: 'With `x-glyph-budget`: tokens the messages sent cost the model (never over the budget).',
    schema: { type: 'integer' as const },
  },
};

/** The documented operation. */
export const chatCompletionsRoute = {
  method: 'post',
  path: '/completions',
  operationId: 'chatCompletions',
  tags: ['gateway'],
  summary: 'OpenAI-compatible chat completions, long text sent as pages',
  description:
    'Send an OpenAI Chat Completions request (any SDK with `baseURL` set here). User text long enough that pages pay for the model ' +
    "(`model` → profile, or `x-glyph-profile`) is replaced by its page images; the last user message's short text stays text. " +
    'Forwarded to UPSTREAM_BASE_URL with the key from `x-upstream-authorization` (else UPSTREAM_API_KEY); the response, SSE too, ' +
    "is the upstream's, unchanged. Upstream errors keep their status and body.",
  request: {
    headers: z.object({
      'x-upstream-authorization': z
        .string()
        .optional()
        .openapi({ description: 'Provider key for the upstream (`Bearer` added when bare). Never stored or logged.' }),
      'x-glyph-profile': z
        .string()
        .optional()
        .openapi({ description: 'Visual-token profile to render for, whatever `model` says.' }),
      'x-glyph-budget': z
        .string()
        .optional()
        .openapi({
          description:
            'Most tokens the messages may cost the model: the messages are replaced by their budgeted context (as ' +
            '`POST /v1/context` in OpenAI format: recent turns as text, older ones as pages, the oldest denser or dropped ' +
            "behind a marker). Text messages only. 400 `invalid_budget`, or `budget_too_small` naming the question's minimum.",
        }),
    }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .looseObject({
              model: z.string(),
              messages: z.array(z.looseObject({ role: z.string() })),
              stream: z.boolean().optional(),
            })
            .openapi('ChatCompletionRequest'),
        },
      },
    },
  },
  responses: {
    200: {
      description: "The upstream's response, unchanged.",
      headers: countHeaders,
      content: {
        'application/json': { schema: z.looseObject({}).openapi({ description: 'A chat.completion object.' }) },
        'text/event-stream': {
          schema: z.string().openapi({ description: 'chat.completion.chunk events, then `data: [DONE]`.' }),
        },
      },
    },
    ...Object.fromEntries(
      Object.entries(errors).map(([status, description]) => [
        status,
        { description, content: { 'application/json': { schema: openAIErrorSchema } } },
      ]),
    ),
  },
} satisfies RouteConfig;
