/**
 * `POST /v1/context` end to end for glm-4.1v (worker-context-cases.ts; the other profiles have a
 * file each), and what is the same for every profile: a conversation as the history (another
 * tenant's is a 404), the anthropic and gemini shapes, and bad input.
 */
import { describe, expect, it } from 'vitest';
import { contextBudgetCases, HISTORY, json } from './worker-context-cases.ts';

const stack = contextBudgetCases('glm-4.1v');
const context = (body: Record<string, unknown>, key?: string) => stack.context(body, key);

describe('POST /v1/context: conversations, formats and bad input', () => {
  it("takes a conversation of the caller's tenant; another tenant's is a 404", async () => {
    const created = await stack.edge.call(stack.keyA, '/v1/conversations', json({ messages: HISTORY.slice(0, 20) }));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const mine = await context({ conversationId: id, profile: 'glm-4.1v', budget: 1_000_000 });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.messages.slice(1)).toEqual(HISTORY.slice(16, 20));
    const theirs = await context({ conversationId: id, profile: 'glm-4.1v', budget: 1_000_000 }, stack.keyB);
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('not_found');
  }, 120_000);

  it('shapes messages for anthropic (system apart) and gemini (parts, model role)', async () => {
    const messages = HISTORY.slice(0, 20);
    const anthropic = await context({
      messages,
      profile: 'glm-4.1v',
      budget: 1_000_000,
      format: 'anthropic',
      keepRecent: 20,
    });
    expect(anthropic.status, JSON.stringify(anthropic.body)).toBe(200);
    expect(anthropic.body.system).toBe(HISTORY[0]!.content);
    expect(anthropic.body.messages.every((m: { role: string }) => m.role === 'user' || m.role === 'assistant')).toBe(
      true,
    );
    const gemini = await context({
      messages: HISTORY.slice(0, 24),
      profile: 'glm-4.1v',
      budget: 1_000_000,
      format: 'gemini',
      imageDelivery: 'inline',
    });
    expect(gemini.status, JSON.stringify(gemini.body)).toBe(200);
    const [pages, ...rest] = gemini.body.messages as { role: string; parts: Record<string, unknown>[] }[];
    expect(pages!.parts.some((p) => 'inline_data' in p)).toBe(true);
    expect(rest.map((m) => m.role)).toEqual(['model', 'user', 'model', 'user']);
  }, 120_000);

  it('refuses an unknown profile, empty messages, both or neither history, no question, a message over the limit', async () => {
    const bad = async (body: Record<string, unknown>, status: number, code: string) => {
      const res = await context(body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.code).toBe(code);
      return res.body.error.message as string;
    };
    expect(await bad({ messages: HISTORY, profile: 'gpt-5-vision', budget: 1000 }, 400, 'invalid_profile')).toMatch(
      /profile/,
    );
    expect(await bad({ messages: [], profile: 'gpt-4o', budget: 1000 }, 400, 'invalid_request')).toMatch(
      /messages must not be empty/,
    );
    await bad({ profile: 'gpt-4o', budget: 1000 }, 400, 'invalid_request');
    await bad(
      { messages: HISTORY, conversationId: `conv_${'0'.repeat(32)}`, profile: 'gpt-4o', budget: 1000 },
      400,
      'invalid_request',
    );
    await bad({ messages: HISTORY, profile: 'gpt-4o', budget: 1.5 }, 400, 'invalid_request');
    await bad(
      { messages: [{ role: 'assistant', content: 'Hello.' }], profile: 'gpt-4o', budget: 1000 },
      400,
      'no_question',
    );
    expect(
      await bad(
        { messages: [{ role: 'user', content: 'x'.repeat(100_001) }], profile: 'gpt-4o', budget: 1000 },
        413,
        'payload_too_large',
      ),
    ).toMatch(/messages\.0\.content: 100001 characters/);
    await bad({ conversationId: `conv_${'1'.repeat(32)}`, profile: 'gpt-4o', budget: 1000 }, 404, 'not_found');
  });
});
