/**
 * The gateway's `x-glyph-budget` end to end: the official `openai` SDK as the client, the real
 * Worker in workerd with a real runner, and as the upstream the CONTRACT-TEST stand-in of an
 * OpenAI-compatible API (a model cannot run here). A client that sends its whole history every
 * turn: the messages go upstream as their budgeted context (older turns as pages, the recent ones
 * as text), and two turns later only the new pages are rendered, the rest reused. Bad and too
 * small budgets are 400s in OpenAI's shape; without the header nothing changes.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from './gateway-stand-in.ts';
import { conversationTurns } from './conversations-turns.ts';
import { startEdge, startRunner, type EdgeHandle, type RunnerHandle } from './worker-stack.ts';

const PROVIDER_KEY = `sk-provider-${crypto.randomUUID()}`;
// A system prompt, then user and assistant alternating: a history of an even length ends on a user turn.
const HISTORY = conversationTurns(200, 31);

let runner: RunnerHandle;
let edge: EdgeHandle;
let standIn: StandIn;
let client: OpenAI;

beforeAll(async () => {
  standIn = await startStandIn();
  runner = await startRunner();
  edge = await startEdge({
    runners: [runner.url],
    // gpt-4o's first auto render waits for its fit search: past the 30 s default runner timeout.
    vars: { UPSTREAM_BASE_URL: standIn.baseUrl, RUNNER_TIMEOUT_MS: '240000' },
  });
  client = new OpenAI({
    apiKey: edge.createKey('budget').key,
    baseURL: `${edge.url}/v1`,
    defaultHeaders: { 'x-upstream-authorization': PROVIDER_KEY },
    maxRetries: 0,
    timeout: 300_000,
  });
}, 180_000);

afterAll(async () => {
  await edge?.stop();
  await runner?.stop();
  await standIn?.stop();
});

type Counts = { pages: number; visual: number; text: number; rendered: number; reused: number; used: number };

async function ask(turns: number, budget: string): Promise<Counts> {
  const { data, response } = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: HISTORY.slice(0, turns) }, { headers: { 'x-glyph-budget': budget } })
    .withResponse();
  const header = (name: string) => {
    const value = response.headers.get(name);
    expect(value, name).toMatch(/^\d+$/);
    return Number(value);
  };
  const counts: Counts = {
    pages: header('x-glyph-pages'),
    visual: header('x-glyph-visual-tokens'),
    text: header('x-glyph-text-tokens'),
    rendered: header('x-glyph-pages-rendered'),
    reused: header('x-glyph-pages-reused'),
    used: header('x-glyph-budget-used'),
  };
  expect(counts.used).toBeLessThanOrEqual(Number(budget));
  console.log(`gateway budget ${budget}, ${turns} turns: ${JSON.stringify(counts)}`);
  expect(counts.used).toBeGreaterThan(counts.visual + counts.text);
  const got = standIn.requests.at(-1)!;
  expect(got.images).toHaveLength(counts.pages);
  expect(got.images.every((i) => i.isPng)).toBe(true);
  // The recent turns as text, as sent, with their roles; the first message holds the pages.
  expect(got.body.messages.slice(-4)).toEqual(HISTORY.slice(turns - 4, turns));
  expect(got.body.messages[0]!.role).toBe('user');
  expect(data.choices[0]!.message.content).toBe(`saw ${counts.pages} pages and ${got.texts.length} texts`);
  expect(JSON.stringify(got.headers) + got.rawBody).not.toContain('x-glyph-budget');
  return counts;
}

describe('x-glyph-budget on /v1/chat/completions', () => {
  it('sends the history as its budgeted context; two turns later only the new pages are rendered', async () => {
    const first = await ask(150, '400000');
    expect(first.pages).toBeGreaterThanOrEqual(4);
    expect(first.rendered).toBe(first.pages);
    expect(first.reused).toBe(0);
    const second = await ask(152, '400000');
    expect(second.pages).toBeGreaterThanOrEqual(first.pages);
    expect(second.reused).toBeGreaterThan(0);
    expect(second.rendered).toBeLessThanOrEqual(2);
    expect(second.rendered + second.reused).toBe(second.pages);
  }, 600_000);

  it('under a tight budget a growing history stays within it and still reuses pages', async () => {
    const ample = await ask(170, '400000');
    const budget = String(ample.used - ample.visual + Math.floor(ample.visual * 0.7));
    const tight = await ask(170, budget);
    expect(tight.visual).toBeLessThan(ample.visual);
    // Turn by turn, two at a time: each call carries the last call's plan over (edge/context/
    // plan-memory.ts) while it fits, so its segments only grow at their ends and a step keeps the
    // pages of the one before. When the budget forces a new plan (a page more no longer fits),
    // that one step starts its segments afresh; the steps after it carry the new plan.
    let rendered = 0;
    let reused = 0;
    const fresh: number[] = [];
    for (const turns of [172, 174, 176, 178, 180, 182]) {
      const next = await ask(turns, budget);
      expect(next.used, `turns ${turns}`).toBeLessThanOrEqual(Number(budget));
      if (next.reused === 0) fresh.push(turns);
      rendered += next.rendered;
      reused += next.reused;
    }
    console.log(
      `tight budget ${budget}, turns 172–182: ${rendered} pages rendered, ${reused} reused; planned afresh at ${fresh.join(', ') || 'none'}`,
    );
    expect(fresh.length, `steps that kept no page: ${fresh.join(', ')}`).toBeLessThanOrEqual(1);
    expect(reused).toBeGreaterThan(0);
  }, 600_000);

  it('refuses a malformed budget and one below the question, in OpenAI error shape', async () => {
    for (const bad of ['abc', '0', '-5', '1.5', '99999999999']) {
      const error = (await client.chat.completions
        .create({ model: 'gpt-4o', messages: HISTORY.slice(0, 4) }, { headers: { 'x-glyph-budget': bad } })
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(error, bad).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error.code).toBe('invalid_budget');
      expect(error.param).toBe('x-glyph-budget');
    }
    const small = (await client.chat.completions
      .create({ model: 'gpt-4o', messages: HISTORY.slice(0, 4) }, { headers: { 'x-glyph-budget': '10' } })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(small).toBeInstanceOf(OpenAI.BadRequestError);
    expect(small.code).toBe('budget_too_small');
    expect(small.message).toMatch(/x-glyph-budget: 10 is below the minimum of \d+ tokens this question needs/);
  }, 120_000);

  it('without the header, the request goes upstream as before (no budget headers, short text untouched)', async () => {
    const messages = HISTORY.slice(0, 4);
    const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
    expect(response.headers.get('x-glyph-pages-rendered')).toBeNull();
    expect(response.headers.get('x-glyph-pages')).toBe('0');
    expect(standIn.requests.at(-1)!.body.messages).toEqual(messages);
  });
});
