/**
 * `/v1/conversations`: a chat history that grows turn by turn and renders as one document whose
 * pages of the past stay byte-identical as turns are appended (issue 13).
 */
import { z } from '@hono/zod-openapi';
import { coded } from './coded.ts';
import { renderViewSchema } from './render.ts';

/** Characters (code points) one message's content may hold; 413 past it. */
export const MAX_MESSAGE_CHARS = 100_000;
/** Characters (code points) a conversation's transcript may hold; 413 past it. */
export const MAX_CONVERSATION_CHARS = 2_000_000;
/** Messages one request may append; 413 past it. */
export const MAX_MESSAGES_PER_APPEND = 1_000;
/** Bytes of a messages request body; 413 past it. */
export const MAX_MESSAGES_BODY_BYTES = 4 * 1024 * 1024;

/** The speakers a turn can have. */
export const MESSAGE_ROLES = ['user', 'assistant', 'system'] as const;

const CONVERSATION_ID = /^conv_[0-9a-f]{32}$/;

/** A conversation's id: `conv_` and 32 hex characters. */
export const conversationIdSchema = z
  .string()
  .refine(
    (value) => CONVERSATION_ID.test(value),
    coded('invalid_conversation_id', 'conversation id must look like conv_ followed by 32 hex characters'),
  )
  .openapi({ pattern: CONVERSATION_ID.source, description: 'Conversation id.', example: `conv_${'0'.repeat(32)}` });

/** `{id}` of `/v1/conversations/{id}/…`. */
export const conversationParams = z.object({ id: conversationIdSchema });

const roleSchema = z.enum(MESSAGE_ROLES, { error: `role must be one of ${MESSAGE_ROLES.join(', ')}` });
const contentSchema = z
  .string({ error: 'content must be a string' })
  .refine((s) => s.trim().length > 0, { error: 'content must not be empty' })
  .openapi({ description: `At most ${MAX_MESSAGE_CHARS} characters (413 past it).` });

/** One turn. */
export const messageSchema = z
  .strictObject(
    { role: roleSchema, content: contentSchema },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field "${issue.keys[0]}": a message takes "role" and "content"`
          : undefined,
    },
  )
  .openapi('ConversationMessage', { description: 'Drawn as `User: …`, `Assistant: …` or `System: …`.' });

/**
 * Body of `POST /v1/conversations/{id}/messages`: one message, or `{ messages: [...] }` appended in
 * order. One object rather than a union, so that a refusal names its field (`role`,
 * `messages.3.content`) instead of "invalid input".
 */
export const appendBodySchema = z
  .strictObject(
    {
      role: roleSchema.optional(),
      content: contentSchema.optional(),
      messages: z
        .array(messageSchema, { error: 'messages must be an array of {role, content}' })
        .min(1, { error: 'messages must not be empty' })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field "${issue.keys[0]}": send {role, content} or {messages: [...]}`
          : undefined,
    },
  )
  .superRefine((body, ctx) => {
    if (body.messages !== undefined) {
      if (body.role !== undefined || body.content !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['messages'],
          message: 'send either {role, content} or {messages: [...]}, not both',
        });
      }
      return;
    }
    if (body.role === undefined)
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'role is required (or send {messages: [...]})' });
    if (body.content === undefined)
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'content is required (or send {messages: [...]})' });
  })
  .openapi('AppendMessages', {
    description: `One message \`{role, content}\`, or \`{"messages": [...]}\` (at most ${MAX_MESSAGES_PER_APPEND}, appended in order, all or none).`,
  });

/** Body of `POST /v1/conversations`: none, or the first turns. */
export const createBodySchema = z
  .strictObject(
    {
      messages: z
        .array(messageSchema, { error: 'messages must be an array of {role, content}' })
        .min(1, { error: 'messages must not be empty' })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field "${issue.keys[0]}": a new conversation takes only "messages"`
          : undefined,
    },
  )
  .openapi('CreateConversation', {
    description: 'Optional: the first turns, appended in order before the id is returned.',
  });

/** `POST /v1/conversations` → 201. */
export const conversationCreatedSchema = z.object({ id: z.string() }).openapi('ConversationCreated');

/** After an append. */
export const conversationAppendedSchema = z
  .object({ id: z.string(), messages: z.number().int().openapi({ description: 'Messages in the conversation now.' }) })
  .openapi('ConversationAppended');

/** `GET /v1/conversations/{id}`. */
export const conversationViewSchema = z
  .object({
    id: z.string(),
    messages: z.number().int(),
    chars: z
      .number()
      .int()
      .openapi({
        description: `Code points of the transcript as drawn (speaker prefixes and separators included); at most ${MAX_CONVERSATION_CHARS}.`,
      }),
  })
  .openapi('Conversation');

/** `GET /v1/conversations/{id}/messages`: the turns, in the order they were appended. */
export const conversationMessagesSchema = z
  .object({ id: z.string(), messages: z.array(messageSchema) })
  .openapi('ConversationMessages');

/** `POST /v1/conversations/{id}/render`: the document render's manifest, plus what was reused. */
export const conversationRenderSchema = renderViewSchema
  .extend({
    conversationId: z.string(),
    messages: z.number().int().openapi({ description: 'Messages the transcript held when rendered.' }),
    pagesReused: z
      .number()
      .int()
      .openapi({
        description:
          "Pages kept from the conversation's previous render with the same options (the runner did not paint them: their " +
          "bytes, ETag and stored object are that render's), or served as committed; 0 for the first render.",
      }),
    pagesRendered: z
      .number()
      .int()
      .openapi({
        description:
          'Pages the runner painted for this render: those from the first page the appended turns changed (usually the ' +
          'last one or two); 0 when nothing was appended since the last render.',
      }),
  })
  .openapi('ConversationRender');
