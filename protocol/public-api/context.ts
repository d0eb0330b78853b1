/**
 * `POST /v1/context`: a chat history fitted to a token budget for one model (issue 13): the
 * most recent turns as text, older ones as page images, the oldest in denser tiers, and beyond
 * that an explicit marker of the turns omitted. Never over the budget, counted with the
 * profile's own rules.
 */
import { z } from '@hono/zod-openapi';
import { IMAGE_DELIVERIES, PAYLOAD_FORMATS, type ImageDelivery, type PayloadFormat } from '../model-payloads.ts';
import { conversationIdSchema, messageSchema } from './conversations.ts';
import { MAX_URL_TTL } from './delivery.ts';
import { profileNameSchema, tokenizerSchema } from './render.ts';

/** Turns kept as text when `keepRecent` is not given. */
export const DEFAULT_KEEP_RECENT = 4;
/** Largest budget a request may ask for. */
export const MAX_CONTEXT_BUDGET = 2_000_000;
/** Most messages one context request may carry. */
export const MAX_CONTEXT_MESSAGES = 10_000;
/** Tokens counted for each message of the context (role and framing in the model's chat template). */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Tokens counted once for the whole context (the template's reply primer). */
export const REPLY_PRIMER_TOKENS = 3;

/** The marker that stands for the turns dropped. */
export function omittedMarker(turns: number): string {
  return `[${turns} earlier ${turns === 1 ? 'turn' : 'turns'} omitted]`;
}

const turnRange = z
  .object({
    from: z.number().int().openapi({ description: 'First turn (0-based index in the history).' }),
    to: z.number().int().openapi({ description: 'One past the last turn.' }),
  })
  .openapi('TurnRange');

/** Body of `POST /v1/context`. */
export const contextRequestSchema = z
  .strictObject({
    messages: z
      .array(messageSchema, { error: 'messages must be an array of {role, content}' })
      .min(1, { error: 'messages must not be empty' })
      .optional()
      .openapi({
        description: 'The history, oldest first; the last user message is the question. Or `conversationId`.',
      }),
    conversationId: conversationIdSchema
      .optional()
      .openapi({ description: "A conversation of the caller's tenant, instead of `messages`." }),
    profile: profileNameSchema.openapi({
      description: 'The model that reads the context: prices pages and counts text in its own rules.',
    }),
    budget: z
      .number({ error: 'budget must be a whole number of tokens' })
      .int({ error: 'budget must be a whole number of tokens' })
      .min(1, { error: 'budget must be at least 1' })
      .max(MAX_CONTEXT_BUDGET, { error: `budget must be at most ${MAX_CONTEXT_BUDGET}` })
      .openapi({
        description: 'Most tokens the returned context may cost the model (visual + text, overheads included).',
      }),
    keepRecent: z
      .number({ error: 'keepRecent must be a whole number' })
      .int({ error: 'keepRecent must be a whole number' })
      .min(1, { error: 'keepRecent must be at least 1' })
      .max(1000, { error: 'keepRecent must be at most 1000' })
      .optional()
      .openapi({
        description: `Most recent turns kept as text (default ${DEFAULT_KEEP_RECENT}); the question always is.`,
      }),
    format: z
      .enum(PAYLOAD_FORMATS as [PayloadFormat, ...PayloadFormat[]])
      .optional()
      .openapi({ description: 'Shape of `messages` in the answer: `openai` (default), `anthropic`, `gemini`.' }),
    imageDelivery: z
      .enum(IMAGE_DELIVERIES as [ImageDelivery, ...ImageDelivery[]])
      .optional()
      .openapi({ description: '`url` (default): key-free page URLs; `inline`: the PNGs as base64.' }),
    urlTtl: z
      .number()
      .int()
      .min(1)
      .max(MAX_URL_TTL)
      .optional()
      .openapi({ description: 'Seconds the page URLs stay valid (default 3600).' }),
  })
  .superRefine((body, ctx) => {
    if ((body.messages === undefined) === (body.conversationId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['messages'], message: 'send either messages or conversationId' });
    }
  })
  .openapi('ContextRequest');

/** One tier's rendered segment. */
export const contextTierSchema = z
  .object({
    tier: z
      .number()
      .int()
      .openapi({ description: '0: preset auto for the profile; 1, 2: denser (font scaled 0.8, 0.65).' }),
    turns: turnRange,
    pages: z.number().int(),
    visualTokens: z
      .number()
      .int()
      .openapi({ description: "Sum of the pages' `visualTokens`: each page by the profile's rule." }),
    pageSizes: z
      .array(
        z.object({
          n: z.number().int(),
          width: z.number().int(),
          height: z.number().int(),
          visualTokens: z.number().int(),
        }),
      )
      .openapi({ description: 'Each page image in order: its pixel size and what it costs the profile.' }),
    readback: z.number().openapi({ description: 'Character accuracy of an OCR read-back, 0..1.' }),
    readbackSource: z.enum(['fit', 'decode']).openapi({
      description: '`fit`: the fit search of preset auto (tier 0); `decode`: a sampled read-back of these pages.',
    }),
    fontSize: z.number(),
    lineHeight: z.number(),
    documentId: z.string(),
    renderId: z.string(),
    pagesRendered: z.number().int(),
    pagesReused: z.number().int(),
  })
  .openapi('ContextTier');

/** 200 of `POST /v1/context`. */
export const contextViewSchema = z
  .object({
    profile: z.string(),
    tokenizer: tokenizerSchema,
    format: z.enum(PAYLOAD_FORMATS as [PayloadFormat, ...PayloadFormat[]]),
    imageDelivery: z.enum(IMAGE_DELIVERIES as [ImageDelivery, ...ImageDelivery[]]),
    budget: z.number().int(),
    used: z.number().int().openapi({
      description: 'Tokens of the context: visualTokens + textTokens + overheadTokens; never over budget.',
    }),
    visualTokens: z.number().int(),
    textTokens: z
      .number()
      .int()
      .openapi({ description: "Tokens of every text part (turns, instructions, marker) in the profile's family." }),
    overheadTokens: z
      .number()
      .int()
      .openapi({
        description: `${MESSAGE_OVERHEAD_TOKENS} per message plus ${REPLY_PRIMER_TOKENS} for the reply (system text in \`system\` counts as a message).`,
      }),
    messages: z
      .array(z.record(z.string(), z.unknown()))
      .openapi({ description: "Ready for the format's API, oldest first." }),
    system: z.string().optional().openapi({
      description: 'anthropic and gemini: the system turns kept as text (their APIs take them outside `messages`).',
    }),
    tiers: z.array(contextTierSchema).openapi({ description: 'Segments sent as pages, oldest (densest) first.' }),
    text: z.object({ turns: turnRange, tokens: z.number().int() }).openapi({ description: 'Turns sent as text.' }),
    dropped: z.object({ turns: z.number().int(), marker: z.string().nullable() }),
    pages: z.number().int(),
    pagesRendered: z
      .number()
      .int()
      .openapi({ description: 'Pages painted for this call (0 when every segment was cached).' }),
    pagesReused: z.number().int().openapi({
      description: 'Pages taken from an earlier render (a cached segment, or the earlier history it extends).',
    }),
  })
  .openapi('Context');
