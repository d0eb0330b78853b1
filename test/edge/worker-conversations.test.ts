/**
 * Conversations end to end, in workerd (wrangler dev --local) with a real runner process: create,
 * append one and many, counts, 20 concurrent appends serialized by the conversation's Durable
 * Object, tenant isolation, bad input, a 300-turn render and the render after one more turn
 * (the runner paints ≤ 2 pages; earlier pages byte-identical, ETags included), and query/decode on a
 * conversation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';
import { conversationTurns, turnGenerator } from './conversations-turns.ts';
import { transcriptOf, type Message } from '../../edge/conversations/transcript.ts';
import { GlyphgateClient, isJobAccepted } from '../../client/index.ts';

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

let runner: RunnerHandle;
let edge: EdgeHandle;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  runner = await startRunner();
  edge = await startEdge({ runners: [runner.url] });
  keyA = edge.createKey('conv-a').key;
  keyB = edge.createKey('conv-b').key;
}, 180_000);

afterAll(async () => {
  await edge?.stop();
  await runner?.stop();
});

async function create(key: string): Promise<string> {
  const res = await edge.call(key, '/v1/conversations', { method: 'POST' });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  expect(id).toMatch(/^conv_[0-9a-f]{32}$/);
  expect(res.headers.get('location')).toBe(`/v1/conversations/${id}`);
  return id;
}

async function append(
  key: string,
  id: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await edge.call(key, `/v1/conversations/${id}/messages`, json(body));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get(key: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await edge.call(key, path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const codePoints = (s: string) => Array.from(s).length;

describe('conversations: create, append, count', () => {
  it('appends one message and many, in order, and counts them', async () => {
    const id = await create(keyA);
    expect(await get(keyA, `/v1/conversations/${id}`)).toEqual({ status: 200, body: { id, messages: 0, chars: 0 } });

    const first: Message = { role: 'system', content: 'You are terse.' };
    expect(await append(keyA, id, first)).toEqual({ status: 200, body: { id, messages: 1 } });
    const more: Message[] = [
      { role: 'user', content: 'What is 2 + 2?' },
      { role: 'assistant', content: 'Four.\nAnything else?' },
      { role: 'user', content: 'Café — “naïve” question: no.' },
    ];
    expect(await append(keyA, id, { messages: more })).toEqual({ status: 200, body: { id, messages: 4 } });

    const all = [first, ...more];
    const stat = await get(keyA, `/v1/conversations/${id}`);
    expect(stat).toEqual({ status: 200, body: { id, messages: 4, chars: codePoints(transcriptOf(all)) } });
    expect(await get(keyA, `/v1/conversations/${id}/messages`)).toEqual({ status: 200, body: { id, messages: all } });
  });

  it('creates with first turns, or refuses the body and creates nothing', async () => {
    const turns: Message[] = [
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'Hello.' },
    ];
    const res = await edge.call(keyA, '/v1/conversations', json({ messages: turns }));
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(await get(keyA, `/v1/conversations/${id}/messages`)).toEqual({ status: 200, body: { id, messages: turns } });
    const bad = await edge.call(
      keyA,
      '/v1/conversations',
      json({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'narrator', content: 'y' },
        ],
      }),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('messages.1.role');
    const big = await edge.call(
      keyA,
      '/v1/conversations',
      json({ messages: [{ role: 'user', content: 'x'.repeat(100_001) }] }),
    );
    expect(big.status).toBe(413);
    expect(big.headers.get('location')).toBeNull();
  });

  it('serializes 20 concurrent appends: all present, each once, in the order their answers report', async () => {
    const id = await create(keyA);
    await append(keyA, id, { role: 'system', content: 'start' });
    const sent = Array.from(
      { length: 20 },
      (_, i): Message => ({ role: i % 2 ? 'assistant' : 'user', content: `concurrent turn ${i}` }),
    );
    const answers = await Promise.all(sent.map((m) => append(keyA, id, m)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Each append saw a distinct count: the log applied them one after another.
    const counts = answers.map((a) => a.body.messages as number);
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));

    const listed = (await get(keyA, `/v1/conversations/${id}/messages`)).body.messages as Message[];
    expect(listed).toHaveLength(21);
    // The message whose append answered k sits at position k: the order is the one the answers report.
    sent.forEach((m, i) => expect(listed[counts[i]! - 1]).toEqual(m));
    expect(new Set(listed.map((m) => m.content)).size).toBe(21);
  });

  it("answers another tenant's conversation exactly as a nonexistent one", async () => {
    const id = await create(keyA);
    await append(keyA, id, { role: 'user', content: 'mine' });
    const missing = `conv_${'0'.repeat(32)}`;
    for (const path of [`/v1/conversations/${id}`, `/v1/conversations/${id}/messages`]) {
      const other = await get(keyB, path);
      const none = await get(keyB, path.replace(id, missing));
      expect(other.status).toBe(404);
      expect(other).toEqual(none);
    }
    const otherAppend = await append(keyB, id, { role: 'user', content: 'theirs' });
    expect(otherAppend.status).toBe(404);
    expect(otherAppend).toEqual(await append(keyB, missing, { role: 'user', content: 'theirs' }));
    const render = await edge.call(keyB, `/v1/conversations/${id}/render`, json({}));
    expect(render.status).toBe(404);
    // Nothing of B's reached A's conversation.
    expect((await get(keyA, `/v1/conversations/${id}`)).body.messages).toBe(1);
  });

  it('refuses bad input with 400 naming the field, and 413 past the limits', async () => {
    const id = await create(keyA);
    const cases: [unknown, string][] = [
      [{ role: 'bot', content: 'x' }, 'role'],
      [{ role: 'user' }, 'content'],
      [{ content: 'x' }, 'role'],
      [{ role: 'user', content: 42 }, 'content'],
      [{ role: 'user', content: '   ' }, 'content'],
      [
        {
          messages: [
            { role: 'user', content: 'ok' },
            { role: 'user', content: 7 },
          ],
        },
        'messages.1.content',
      ],
      [{ messages: [] }, 'messages'],
      [{ messages: 'no' }, 'messages'],
      [{ messages: [{ role: 'user', content: 'a' }], role: 'user' }, 'messages'],
      [{ role: 'user', content: 'a', name: 'x' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await append(keyA, id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body.error as { message: string }).message, JSON.stringify(body)).toContain(field);
    }
    const notJson = await edge.call(keyA, `/v1/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    const badId = await get(keyA, '/v1/conversations/nope');
    expect(badId.status).toBe(400);
    expect((badId.body.error as { code: string }).code).toBe('invalid_conversation_id');

    const big = await append(keyA, id, { role: 'user', content: 'x'.repeat(100_001) });
    expect(big.status).toBe(413);
    expect((big.body.error as { message: string }).message).toContain('100000');
    // All or none: a batch with one message over the limit appends nothing.
    const batch = await append(keyA, id, {
      messages: [
        { role: 'user', content: 'fine' },
        { role: 'user', content: 'y'.repeat(100_001) },
      ],
    });
    expect(batch.status).toBe(413);
    expect((batch.body.error as { message: string }).message).toContain('messages.1.content');
    expect((await get(keyA, `/v1/conversations/${id}`)).body.messages).toBe(0);

    const empty = await edge.call(keyA, `/v1/conversations/${id}/render`, json({}));
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { code: string } }).error.code).toBe('empty_conversation');
  });

  it('refuses an append that would take the transcript past its limit, appending nothing', async () => {
    const id = await create(keyA);
    const chunk = 'z'.repeat(99_000);
    // 20 × ~99 k characters is just under 2 000 000; the 21st passes it.
    for (let i = 0; i < 4; i++) {
      const res = await append(keyA, id, {
        messages: Array.from({ length: 5 }, () => ({ role: 'user', content: chunk })),
      });
      expect(res.status).toBe(200);
    }
    const over = await append(keyA, id, {
      messages: [
        { role: 'user', content: chunk },
        { role: 'user', content: chunk },
      ],
    });
    expect(over.status).toBe(413);
    expect((over.body.error as { message: string }).message).toContain('2000000');
    expect((await get(keyA, `/v1/conversations/${id}`)).body.messages).toBe(20);
  }, 60_000);
});

describe('conversations: render, and render again after one more turn', () => {
  type ConversationRender = {
    documentId: string;
    renderId: string;
    messages: number;
    pagesReused: number;
    pagesRendered: number;
    pages: { n: number; url: string }[];
    totals: { pages: number };
  };

  async function render(id: string): Promise<ConversationRender> {
    const res = await edge.call(keyA, `/v1/conversations/${id}/render`, json({ preset: 'glyph-en' }));
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as ConversationRender;
  }

  async function pages(view: ConversationRender): Promise<{ etag: string; bytes: Buffer }[]> {
    const got: { etag: string; bytes: Buffer }[] = [];
    for (const page of view.pages) {
      const res = await edge.call(keyA, new URL(page.url).pathname);
      expect(res.status).toBe(200);
      got.push({ etag: res.headers.get('etag')!, bytes: Buffer.from(await res.arrayBuffer()) });
    }
    return got;
  }

  it('a 300-turn conversation plus one turn: the runner paints ≤ 2 pages, every earlier page keeps its bytes and ETag', async () => {
    const id = await create(keyA);
    const turns = conversationTurns(300);
    expect((await append(keyA, id, { messages: turns })).body.messages).toBe(300);

    const rendersBefore = await runner.requests('/v1/render');
    const first = await render(id);
    expect(first.messages).toBe(300);
    expect(first.totals.pages).toBeGreaterThanOrEqual(20);
    expect(first).toMatchObject({ pagesReused: 0, pagesRendered: first.totals.pages });

    await append(keyA, id, turnGenerator(99)('user'));
    const paintedBefore = await runner.metric('glyph_pages_rendered_total');
    const second = await render(id);
    expect(await runner.requests('/v1/render')).toBe(rendersBefore + 2);
    expect(second.messages).toBe(301);
    expect(second.documentId).not.toBe(first.documentId);
    expect(second.renderId).toBe(first.renderId);
    // pagesRendered is what the runner painted (it was sent the earlier pages' plans), not a count
    // of differing hashes: its own counter of painted pages moved by exactly that much.
    expect(second.pagesRendered).toBeGreaterThanOrEqual(1);
    expect(second.pagesRendered).toBeLessThanOrEqual(2);
    expect((await runner.metric('glyph_pages_rendered_total')) - paintedBefore).toBe(second.pagesRendered);
    expect(second.pagesReused).toBeGreaterThanOrEqual(first.totals.pages - 1);
    expect(second.pagesReused + second.pagesRendered).toBe(second.totals.pages);

    const [a, b] = [await pages(first), await pages(second)];
    const kept = second.pagesReused;
    // Every page the runner did not paint is the earlier render's page: bytes and ETag.
    expect(b.slice(0, kept).map((p) => p.etag)).toEqual(a.slice(0, kept).map((p) => p.etag));
    b.slice(0, kept).forEach((p, i) => expect(Buffer.compare(p.bytes, a[i]!.bytes), `page ${i + 1}`).toBe(0));
    expect(b.at(-1)!.etag).not.toBe(a.at(-1)!.etag);

    // Nothing new: the committed render, every page reused, no runner call.
    const third = await render(id);
    expect(third).toMatchObject({
      documentId: second.documentId,
      pagesReused: second.totals.pages,
      pagesRendered: 0,
      cached: true,
    });
    expect(await runner.requests('/v1/render')).toBe(rendersBefore + 2);
  }, 180_000);
});

describe('conversations: query and decode', () => {
  it('answers a question from the transcript, and reads its pages back', async () => {
    const id = await create(keyA);
    await append(keyA, id, {
      messages: [
        { role: 'user', content: 'My locker code is 4817 and my cat is called Mirabel.' },
        { role: 'assistant', content: 'Noted: locker 4817, cat Mirabel.' },
        { role: 'user', content: 'Also, the meeting moved to Thursday at noon.' },
      ],
    });
    const query = await edge.call(keyA, `/v1/conversations/${id}/query`, json({ question: 'What is the cat called?' }));
    expect(query.status).toBe(200);
    const answer = (await query.json()) as { answer: string; citations: { page: number; text: string }[] };
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(answer.citations.map((c) => c.text).join(' ')).toContain('Mirabel');

    const decode = await edge.call(keyA, `/v1/conversations/${id}/decode`, json({}));
    expect(decode.status).toBe(200);
    const read = (await decode.json()) as { charAccuracy: number; linesChecked: number };
    expect(read.linesChecked).toBeGreaterThan(0);
    expect(read.charAccuracy).toBeGreaterThan(0.9);

    const otherTenant = await edge.call(
      keyB,
      `/v1/conversations/${id}/query`,
      json({ question: 'What is the cat called?' }),
    );
    expect(otherTenant.status).toBe(404);
  }, 120_000);
});

describe('conversations through the SDK (client.conversations)', () => {
  it('creates, appends, counts, lists, renders and asks', async () => {
    const client = new GlyphgateClient({ baseUrl: edge.url, apiKey: keyA });
    const { id } = await client.conversations.create({ messages: [{ role: 'system', content: 'Track parcels.' }] });
    expect(await client.conversations.append(id, { role: 'user', content: 'The parcel went to Oslo.' })).toEqual({
      id,
      messages: 2,
    });
    expect(await client.conversations.append(id, [{ role: 'assistant', content: 'Oslo, noted.' }])).toEqual({
      id,
      messages: 3,
    });
    expect(await client.conversations.get(id)).toMatchObject({ id, messages: 3 });
    expect((await client.conversations.messages(id)).messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
    ]);
    const view = await client.conversations.render(id, { preset: 'glyph-en' });
    if (isJobAccepted(view)) throw new Error('a two-turn conversation went to a job');
    expect(view).toMatchObject({ conversationId: id, messages: 3, pagesReused: 0, pagesRendered: 1 });
    const answer = await client.conversations.query(id, { question: 'Where did the parcel go?' });
    expect(answer.citations.map((c) => c.text).join(' ')).toContain('Oslo');
    await expect(client.conversations.get(`conv_${'f'.repeat(32)}`)).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
  }, 60_000);
});
