/**
 * Contract test of the SDK's `context()` against a fetch stand-in (the whole path runs through
 * workerd in test/edge/worker-context.test.ts): the fields reach `POST /v1/context` as the public
 * schema names them (the schema accepts the body), the idempotency key as its header, and an API
 * error surfaces as GlyphgateError with its code.
 */
import { describe, expect, it } from 'vitest';
import { GlyphgateClient, GlyphgateError } from '../../client/index.ts';
import { contextRequestSchema } from '../../protocol/public-api/context.ts';

function recording(answer: unknown, status = 200) {
  const sent: Array<{ url: URL; method: string | undefined; body: string | undefined; headers: Headers }> = [];
  const client = new GlyphgateClient({
    baseUrl: 'https://glyph.test',
    apiKey: 'k',
    fetch: async (input, init) => {
      sent.push({
        url: new URL(String(input)),
        method: init?.method,
        body: init?.body as string | undefined,
        headers: new Headers(init?.headers),
      });
      return Response.json(answer, { status });
    },
  });
  return { client, sent };
}

describe('SDK: context()', () => {
  it('posts the history, profile, budget and options as the public schema takes them', async () => {
    const { client, sent } = recording({ used: 900, budget: 1000, messages: [] });
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What did we decide?' },
    ] as const;
    const view = await client.context({
      messages: [...messages],
      profile: 'gpt-4o',
      budget: 1000,
      keepRecent: 2,
      format: 'anthropic',
      imageDelivery: 'inline',
      idempotencyKey: 'ctx-1',
    });
    expect(view.used).toBe(900);
    expect(sent[0]!.url.pathname).toBe('/v1/context');
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.headers.get('idempotency-key')).toBe('ctx-1');
    const body = JSON.parse(sent[0]!.body!) as unknown;
    expect(body).toEqual({
      messages,
      profile: 'gpt-4o',
      budget: 1000,
      keepRecent: 2,
      format: 'anthropic',
      imageDelivery: 'inline',
    });
    expect(contextRequestSchema.safeParse(body).success).toBe(true);
  });

  it('takes a conversation id instead, and throws the API error with its code', async () => {
    const { client, sent } = recording(
      {
        error: {
          code: 'budget_too_small',
          message: 'budget: 12 is below the minimum of 57 tokens this question needs',
        },
      },
      400,
    );
    const id = `conv_${'a'.repeat(32)}`;
    const error = await client.context({ conversationId: id, profile: 'claude', budget: 12 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GlyphgateError);
    expect((error as GlyphgateError).code).toBe('budget_too_small');
    expect((error as GlyphgateError).status).toBe(400);
    const body = JSON.parse(sent[0]!.body!) as unknown;
    expect(body).toEqual({ conversationId: id, profile: 'claude', budget: 12 });
    expect(contextRequestSchema.safeParse(body).success).toBe(true);
  });
});
