/**
 * The per-profile cases of `POST /v1/context`, run in workerd (wrangler dev --local, real
 * R2/D1/DO) with a real runner process, one test file per profile (each profile's first preset-auto
 * render runs its fit search, ~100 s on 2 cores): a long history under a tight budget — used ≤
 * budget, recounted from the response (every page by the profile's own rule from its pixel size,
 * every text part counted again by the runner's `POST /v1/tokens` in the profile's family, the
 * stated per-message overhead), denser tiers with their read-back, a marker when turns must be
 * dropped, and a budget below the question → 400 naming the minimum, which is then enough.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visualTokensFor, type ProfileName } from '../../protocol/profiles.ts';
import { MESSAGE_OVERHEAD_TOKENS, REPLY_PRIMER_TOKENS, omittedMarker } from '../../protocol/public-api/context.ts';
import { signedFetch } from '../../protocol/signing.ts';
import { textTokenizerFor } from '../../protocol/text-tokenizers.ts';
import { conversationTurns } from './conversations-turns.ts';
import {
  RUNNER_KEY_ID,
  RUNNER_SECRET,
  startEdge,
  startRunner,
  type EdgeHandle,
  type RunnerHandle,
} from './worker-stack.ts';

export const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

// 120 turns (~5 tier-0 pages for every profile): a system prompt, then user and assistant alternating; the last one a user's (the question).
export const HISTORY = conversationTurns(120, 29);

interface Tier {
  tier: number;
  turns: { from: number; to: number };
  pages: number;
  visualTokens: number;
  pageSizes: { n: number; width: number; height: number; visualTokens: number }[];
  readback: number;
  readbackSource: 'fit' | 'decode';
  fontSize: number;
  pagesRendered: number;
  pagesReused: number;
}
export interface ContextView {
  used: number;
  budget: number;
  visualTokens: number;
  textTokens: number;
  overheadTokens: number;
  messages: Record<string, unknown>[];
  system?: string;
  tiers: Tier[];
  text: { turns: { from: number; to: number }; tokens: number };
  dropped: { turns: number; marker: string | null };
  pages: number;
  pagesRendered: number;
  pagesReused: number;
}

/** The stack a context test file runs against: a runner, the Worker, two tenants' keys. */
export interface ContextStack {
  runner: RunnerHandle;
  edge: EdgeHandle;
  keyA: string;
  keyB: string;
  /** `POST /v1/context` with `key` (default tenant A's). */
  context(body: Record<string, unknown>, key?: string): Promise<{ status: number; body: any }>;
}

/** Starts the stack before the file's tests and stops it after; read it inside tests. */
export function useContextStack(): ContextStack {
  const stack = {} as ContextStack;
  beforeAll(async () => {
    stack.runner = await startRunner();
    // A profile's first preset-auto render waits for its fit search: past the 30 s default runner timeout.
    stack.edge = await startEdge({
      runners: [stack.runner.url],
      vars: { RUNNER_TIMEOUT_MS: '240000', PAGE_URL_SECRET: 'context-test-page-url-secret-0123456789' },
    });
    stack.keyA = stack.edge.createKey('ctx-a').key;
    stack.keyB = stack.edge.createKey('ctx-b').key;
    stack.context = async (body, key = stack.keyA) => {
      const res = await stack.edge.call(key, '/v1/context', json(body));
      return { status: res.status, body: await res.json() };
    };
  }, 180_000);
  afterAll(async () => {
    await stack.edge?.stop();
    await stack.runner?.stop();
  });
  return stack;
}

/** The runner's own count of `text` in `family` (signed as the edge signs). */
async function runnerCount(runner: RunnerHandle, text: string, family: string): Promise<number> {
  const res = await signedFetch(
    {
      url: `${runner.url}/v1/tokens`,
      method: 'POST',
      body: JSON.stringify({ text, family }),
      headers: { 'content-type': 'application/json' },
    },
    { keyId: RUNNER_KEY_ID, secret: RUNNER_SECRET },
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { textTokens: number }).textTokens;
}

/** Text parts and image parts of the answer's messages (OpenAI shape, the default format). */
function partsOf(view: ContextView): { texts: string[]; images: number } {
  const texts: string[] = [];
  let images = 0;
  for (const m of view.messages) {
    const content = m.content as string | { type: string; text?: string }[];
    if (typeof content === 'string') texts.push(content);
    else
      for (const p of content) {
        if (p.type === 'text') texts.push(p.text!);
        else if (p.type === 'image_url') images++;
      }
  }
  return { texts, images };
}

/** Recounts `view` independently and checks it is what it says and within its budget. */
export async function expectWithinBudget(
  runner: RunnerHandle,
  profile: ProfileName,
  view: ContextView,
  budget: number,
): Promise<void> {
  let visual = 0;
  for (const tier of view.tiers) {
    expect(tier.pageSizes).toHaveLength(tier.pages);
    for (const page of tier.pageSizes) {
      expect(page.visualTokens).toBe(visualTokensFor(profile, page.width, page.height));
      visual += page.visualTokens;
    }
  }
  expect(view.visualTokens).toBe(visual);
  const { texts, images } = partsOf(view);
  expect(images).toBe(view.pages);
  const family = textTokenizerFor(profile).family;
  const text = (await Promise.all(texts.map((t) => runnerCount(runner, t, family)))).reduce((a, b) => a + b, 0);
  expect(view.textTokens).toBe(text);
  expect(view.overheadTokens).toBe(MESSAGE_OVERHEAD_TOKENS * view.messages.length + REPLY_PRIMER_TOKENS);
  expect(view.used).toBe(visual + text + view.overheadTokens);
  expect(view.used).toBeLessThanOrEqual(budget);
  expect(view.budget).toBe(budget);
  // The figures, for the log (issue 13's closing note quotes them).
  const tiers = view.tiers.map(
    (t) =>
      `t${t.tier} ${t.turns.from}-${t.turns.to} ${t.pages}p ${t.visualTokens}vt rb=${t.readback.toFixed(4)} ${t.fontSize}pt`,
  );
  console.log(
    `context ${profile}: budget ${budget} used ${view.used} (visual ${visual}, text ${text}, overhead ${view.overheadTokens}); ${tiers.join('; ')}; text ${view.text.turns.from}-${view.text.turns.to}; dropped ${view.dropped.turns}; rendered ${view.pagesRendered} reused ${view.pagesReused}`,
  );
}

/** The budget cases for `profile`, on a stack of their own (returned for the file's other tests). */
export function contextBudgetCases(profile: ProfileName): ContextStack {
  const stack = useContextStack();
  const context = (body: Record<string, unknown>) => stack.context(body);
  const within = (view: ContextView, budget: number) => expectWithinBudget(stack.runner, profile, view, budget);
  describe(`POST /v1/context for ${profile}`, () => {
    let ample: ContextView;

    it('with room for it: the recent turns as text, every older turn as tier-0 pages', async () => {
      const res = await context({ messages: HISTORY, profile, budget: 1_000_000 });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      ample = res.body;
      await within(ample, 1_000_000);
      expect(ample.dropped).toEqual({ turns: 0, marker: null });
      expect(ample.text.turns).toEqual({ from: 116, to: 120 });
      expect(ample.tiers.map((t) => [t.tier, t.turns])).toEqual([[0, { from: 0, to: 116 }]]);
      expect(ample.tiers[0]!.readbackSource).toBe('fit');
      expect(ample.tiers[0]!.readback).toBeGreaterThanOrEqual(0);
      expect(ample.tiers[0]!.readback).toBeLessThanOrEqual(1);
      expect(ample.pages).toBeGreaterThanOrEqual(3);
      // The last four turns as they were sent, after the one message of pages.
      expect(ample.messages.slice(1)).toEqual(HISTORY.slice(116));
    }, 300_000);

    it('under a tight budget: the oldest turns in denser tiers, each read back, never over', async () => {
      const textCost = ample.used - ample.visualTokens;
      const budget = textCost + Math.floor(ample.visualTokens * 0.55);
      const res = await context({ messages: HISTORY, profile, budget });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const view: ContextView = res.body;
      await within(view, budget);
      const dense = view.tiers.filter((t) => t.tier > 0);
      expect(dense.length).toBeGreaterThan(0);
      // Oldest first, densest first.
      expect(view.tiers.map((t) => t.tier)).toEqual([...view.tiers.map((t) => t.tier)].sort((a, b) => b - a));
      for (const t of dense) {
        expect(t.readbackSource).toBe('decode');
        expect(t.readback).toBeGreaterThanOrEqual(0);
        expect(t.readback).toBeLessThanOrEqual(1);
        expect(t.fontSize).toBeLessThan(ample.tiers[0]!.fontSize);
      }
      // Cuts between tiers on multiples of 8 turns.
      for (const t of view.tiers.slice(0, -1)) expect(t.turns.to % 8).toBe(0);
    }, 300_000);

    it('when even the densest tier cannot hold them: the oldest dropped behind a marker', async () => {
      const textCost = ample.used - ample.visualTokens;
      const page = Math.max(...ample.tiers[0]!.pageSizes.map((p) => p.visualTokens));
      const budget = textCost + page + 40;
      const res = await context({ messages: HISTORY, profile, budget });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const view: ContextView = res.body;
      await within(view, budget);
      expect(view.dropped.turns).toBeGreaterThan(0);
      expect(view.dropped.marker).toBe(omittedMarker(view.dropped.turns));
      const first = view.messages[0]!.content as { type: string; text?: string }[];
      expect(first[0]).toEqual({ type: 'text', text: omittedMarker(view.dropped.turns) });
      if (view.tiers.length > 0) expect(view.tiers[0]!.turns.from).toBe(view.dropped.turns);
    }, 300_000);

    it('a budget below the question alone is a 400 naming the minimum, and the minimum itself is enough', async () => {
      const res = await context({ messages: HISTORY, profile, budget: 12 });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('budget_too_small');
      const match = /^budget: 12 is below the minimum of (\d+) tokens this question needs$/.exec(
        res.body.error.message,
      );
      expect(match, res.body.error.message).not.toBeNull();
      const minimum = Number(match![1]);
      const at = await context({ messages: HISTORY, profile, budget: minimum });
      expect(at.status, JSON.stringify(at.body)).toBe(200);
      await within(at.body, minimum);
      expect(at.body.dropped.turns).toBe(119);
      expect(at.body.messages.at(-1)).toEqual(HISTORY.at(-1));
    }, 120_000);
  });
  return stack;
}
