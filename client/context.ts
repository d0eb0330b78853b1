/**
 * `client.context(…)`: `POST /v1/context`, a chat history fitted to a token budget for one model:
 * the recent turns as text, older turns as page images, the oldest in denser tiers or dropped
 * behind a marker, never over the budget (counted with the profile's own rules).
 */
import type { z } from 'zod';
import type { contextRequestSchema, contextTierSchema, contextViewSchema } from '../protocol/public-api/context.ts';
import type { BillableOptions } from './options.ts';
import type { Transport } from './transport.ts';

/** The body of a context request: `messages` or `conversationId`, `profile`, `budget`, and the optional fields. */
export type ContextRequest = z.input<typeof contextRequestSchema>;
/** A budgeted context: model-ready `messages`, the tiers, what was dropped, and the counts. */
export type ContextView = z.output<typeof contextViewSchema>;
/** One tier's rendered segment of a {@link ContextView}. */
export type ContextTier = z.output<typeof contextTierSchema>;
/** Options of {@link requestContext}: the body plus the call options. */
export type ContextOptions = ContextRequest & BillableOptions;

const BODY_KEYS = [
  'messages',
  'conversationId',
  'profile',
  'budget',
  'keepRecent',
  'format',
  'imageDelivery',
  'urlTtl',
] as const;

/** Sends `POST /v1/context` on `transport`. */
export async function requestContext(transport: Transport, options: ContextOptions): Promise<ContextView> {
  const json: Record<string, unknown> = {};
  for (const key of BODY_KEYS) if (options[key] !== undefined) json[key] = options[key];
  const response = await transport.send({
    method: 'POST',
    path: '/v1/context',
    headers: { 'idempotency-key': options.idempotencyKey },
    json,
    signal: options.signal,
  });
  return (await response.json()) as ContextView;
}
