/**
 * The budget planner of `POST /v1/context` (edge/context/plan.ts), pure: given turns, their text
 * tokens and each tier's page costs, it picks tiers and drops, never over budget, densest tiers
 * oldest, cuts on block multiples.
 */
import { describe, expect, it } from 'vitest';
import {
  carriedPlan,
  firstTextTurn,
  minimumTokens,
  planContext,
  planTokens,
  shiftedPlans,
  type PlanInput,
} from '../../edge/context/plan.ts';

/** A cost model: turn i has chars[i] characters; tier t fits perPage[t] characters a page of pageTokens. */
function model(
  chars: number[],
  options: Partial<PlanInput> & { perPage?: number[]; pageTokens?: number; marker?: number } = {},
): PlanInput {
  const perPage = options.perPage ?? [1000, 1600, 2400];
  const pageTokens = options.pageTokens ?? 100;
  const prefix = [0];
  for (const c of chars) prefix.push(prefix.at(-1)! + c);
  const marker = options.marker ?? 7;
  return {
    turns: chars.length,
    questionFrom: chars.length - 1,
    keepRecent: 4,
    tiers: 3,
    blockSize: 4,
    budget: 1000,
    // Text is dearer than pages: a token per 3 characters, 4 tokens a message.
    textTokens: (i) => Math.ceil(chars[i]! / 3) + 4,
    segmentTokens: (tier, from, to) =>
      to <= from ? 0 : Math.ceil((prefix[to]! - prefix[from]!) / perPage[tier]!) * pageTokens + 20,
    contextTokens: (dropped, has) => (dropped > 0 || has ? 4 : 0) + (dropped > 0 ? marker : 0),
    fixedTokens: 3,
    ...options,
  };
}

/** Recounts a plan from the model, independently of the planner's own total. */
function recount(input: PlanInput, plan: NonNullable<ReturnType<typeof planContext>>): number {
  let total = input.fixedTokens + input.contextTokens(plan.dropped, plan.segments.length > 0);
  for (let i = plan.textFrom; i < input.turns; i++) total += input.textTokens(i);
  for (const s of plan.segments) total += input.segmentTokens(s.tier, s.from, s.to);
  return total;
}

/** Segments cover [dropped, textFrom) contiguously, densest oldest. */
function expectWellFormed(input: PlanInput, plan: NonNullable<ReturnType<typeof planContext>>): void {
  let at = plan.dropped;
  let lastTier = Infinity;
  for (const s of plan.segments) {
    expect(s.from).toBe(at);
    expect(s.to).toBeGreaterThan(s.from);
    expect(s.tier).toBeLessThan(lastTier);
    lastTier = s.tier;
    at = s.to;
  }
  expect(at).toBe(plan.textFrom);
  expect(plan.textFrom).toBeLessThanOrEqual(input.questionFrom);
}

const turns = (n: number, size = 600) => Array.from({ length: n }, (_, i) => size + ((i * 37) % 300));

describe('planContext', () => {
  it('keeps the recent turns as text and everything older at tier 0 when that fits', () => {
    const input = model(turns(20), { budget: 100_000 });
    const plan = planContext(input)!;
    expect(plan.dropped).toBe(0);
    expect(plan.textFrom).toBe(16);
    expect(plan.segments).toEqual([{ tier: 0, from: 0, to: 16 }]);
    expect(plan.tokens).toBe(recount(input, plan));
  });

  it('moves the oldest turns to denser tiers, on block multiples, before dropping any', () => {
    const input = model(turns(40));
    const all0 = input.segmentTokens(0, 0, 36);
    const textCost = [36, 37, 38, 39].reduce((s, i) => s + input.textTokens(i), 0);
    // Tighter than all older turns at tier 0, looser than all at the densest tier.
    input.budget = textCost + 7 + Math.round(all0 * 0.8);
    const plan = planContext(input)!;
    expect(plan.dropped).toBe(0);
    expect(plan.segments.map((s) => s.tier)).toContain(0);
    expect(plan.segments.some((s) => s.tier > 0)).toBe(true);
    expect(plan.segments[0]!.tier).toBeGreaterThan(0);
    for (const s of plan.segments.slice(0, -1)) expect(s.to % input.blockSize).toBe(0);
    expect(recount(input, plan)).toBeLessThanOrEqual(input.budget);
    expectWellFormed(input, plan);
  });

  it('drops the oldest turns (a block at a time, marker counted) only when the densest tier cannot hold them', () => {
    const input = model(turns(60));
    const textCost = [56, 57, 58, 59].reduce((s, i) => s + input.textTokens(i), 0);
    input.budget = textCost + 7 + 11 + input.segmentTokens(2, 0, 56) / 2;
    const plan = planContext(input)!;
    expect(plan.dropped).toBeGreaterThan(0);
    expect(plan.dropped % input.blockSize).toBe(0);
    expect(recount(input, plan)).toBeLessThanOrEqual(input.budget);
    expectWellFormed(input, plan);
  });

  it('is never over budget and always well formed (randomized costs and budgets)', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let planned = 0;
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + Math.floor(rand() * 80);
      const chars = Array.from({ length: n }, () => 1 + Math.floor(rand() * 3000));
      const input = model(chars, {
        keepRecent: 1 + Math.floor(rand() * 8),
        blockSize: 1 + Math.floor(rand() * 10),
        tiers: 1 + Math.floor(rand() * 3),
        pageTokens: 50 + Math.floor(rand() * 1500),
        budget: 1 + Math.floor(rand() * 20_000),
      });
      input.questionFrom = Math.floor(rand() * n);
      const plan = planContext(input);
      const minimum = minimumTokens(input);
      if (!plan) {
        expect(minimum).toBeGreaterThan(input.budget);
        continue;
      }
      planned++;
      expect(minimum).toBeLessThanOrEqual(input.budget);
      expect(plan.tokens).toBe(recount(input, plan));
      expect(plan.tokens).toBeLessThanOrEqual(input.budget);
      expectWellFormed(input, plan);
      expect(plan.textFrom).toBeGreaterThanOrEqual(firstTextTurn(input));
    }
    expect(planned).toBeGreaterThan(100);
  });

  it('keeps segments as the history grows: each plan extends or repeats a segment of an earlier one', () => {
    const chars = turns(64);
    const seen: { tier: number; from: number; to: number }[] = [];
    let extended = 0; // steps that keep a segment
    for (let n = 36; n <= 60; n++) {
      const input = model(chars.slice(0, n));
      input.budget = 2600;
      const plan = planContext(input)!;
      expect(recount(input, plan)).toBeLessThanOrEqual(input.budget);
      expectWellFormed(input, plan);
      // Every cut but the text window's is on a block multiple.
      for (const s of plan.segments) expect(s.from % input.blockSize).toBe(0);
      if (seen.length > 0) {
        // A segment rendered before (a cache hit) or one it extends (its pages reused).
        const kept = plan.segments.filter((s) =>
          seen.some((p) => p.tier === s.tier && p.from === s.from && p.to <= s.to),
        );
        if (kept.length > 0) extended++;
      }
      seen.push(...plan.segments);
    }
    // 24 steps; a step that first drops a block starts its densest segment afresh.
    expect(extended).toBeGreaterThanOrEqual(21);
  });

  it('sends fewer recent turns as text only when even dropping every older turn cannot fit them', () => {
    const chars = [...turns(12), 3000, 3000, 3000, 300];
    const input = model(chars, { budget: 1200 });
    const plan = planContext(input)!;
    expect(plan.textFrom).toBeGreaterThan(firstTextTurn(input));
    expect(recount(input, plan)).toBeLessThanOrEqual(input.budget);
    expectWellFormed(input, plan);
  });

  it('answers null below the minimum, which is the question and the marker', () => {
    const input = model(turns(10));
    const minimum = minimumTokens(input);
    expect(minimum).toBe(input.textTokens(9) + 3 + 4 + 7);
    expect(planContext({ ...input, budget: minimum - 1 })).toBeNull();
    const atMinimum = planContext({ ...input, budget: minimum })!;
    expect(atMinimum).toEqual({ dropped: 9, segments: [], textFrom: 9, tokens: minimum });
  });
});

describe('planContext on a long history', () => {
  it('plans 10 000 turns (the request limit) under a small budget: most dropped, on a block, within it', () => {
    const input = model(turns(10_000, 400), { budget: 3000, blockSize: 8 });
    const plan = planContext(input)!;
    expect(plan.dropped).toBeGreaterThan(9000);
    expect(plan.dropped % 8).toBe(0);
    expect(recount(input, plan)).toBeLessThanOrEqual(input.budget);
    expectWellFormed(input, plan);
  });
});

describe('planContext with measured segments only', () => {
  it('combines the segments it knows (others infinite) rather than dropping everything', () => {
    const input = model(turns(40));
    const known = new Map([
      ['0/16/36', 300],
      ['2/0/16', 200],
    ]);
    input.segmentTokens = (tier, from, to) =>
      to <= from ? 0 : (known.get(`${tier}/${from}/${to}`) ?? Number.POSITIVE_INFINITY);
    input.budget = 100_000;
    const plan = planContext(input)!;
    expect(plan.dropped).toBe(0);
    expect(plan.segments).toEqual([
      { tier: 2, from: 0, to: 16 },
      { tier: 0, from: 16, to: 36 },
    ]);
  });
});

describe('planContext drop blocks', () => {
  it('drops in its own coarser blocks, keeping the drop point as the history grows', () => {
    const chars = turns(120);
    const drops: number[] = [];
    for (let n = 90; n <= 110; n += 2) {
      const input = model(chars.slice(0, n), { blockSize: 4, dropBlockSize: 16, budget: 2000 });
      const plan = planContext(input)!;
      expect(plan.dropped % 16 === 0 || plan.dropped === plan.textFrom).toBe(true);
      expect(recount(input, plan)).toBeLessThanOrEqual(input.budget);
      expectWellFormed(input, plan);
      drops.push(plan.dropped);
    }
    expect(drops.every((d) => d > 0)).toBe(true);
    // 11 growing histories, few distinct drop points.
    expect(new Set(drops).size).toBeLessThanOrEqual(4);
  });
});

describe('carriedPlan (the last call’s plan on a grown history)', () => {
  const remembered = {
    budget: 5000,
    dropped: 32,
    segments: [
      { tier: 2, from: 32, to: 96 },
      { tier: 0, from: 96, to: 116 },
    ],
    textFrom: 116,
  };

  it('keeps the drop point and every cut, extending the sharpest segment to where the text now starts', () => {
    const plan = carriedPlan(remembered, { budget: 5000, textFrom: 118, questionFrom: 121 })!;
    expect(plan.dropped).toBe(32);
    expect(plan.textFrom).toBe(118);
    expect(plan.segments).toEqual([
      { tier: 2, from: 32, to: 96 },
      { tier: 0, from: 96, to: 118 },
    ]);
    // The remembered plan itself is not changed.
    expect(remembered.segments[1]!.to).toBe(116);
  });

  it('carries nothing for another budget, a plan without pages, or a text start it cannot reach', () => {
    expect(carriedPlan(remembered, { budget: 6000, textFrom: 118, questionFrom: 121 })).toBeNull();
    expect(carriedPlan({ ...remembered, segments: [] }, { budget: 5000, textFrom: 118, questionFrom: 121 })).toBeNull();
    expect(carriedPlan(remembered, { budget: 5000, textFrom: 114, questionFrom: 121 })).toBeNull();
    expect(carriedPlan(remembered, { budget: 5000, textFrom: 118, questionFrom: 117 })).toBeNull();
    expect(
      carriedPlan({ ...remembered, textFrom: 120 }, { budget: 5000, textFrom: 122, questionFrom: 125 }),
    ).toBeNull();
  });
});

describe('shiftedPlans (a carried plan that no longer fits)', () => {
  const carried = {
    dropped: 32,
    segments: [
      { tier: 2, from: 32, to: 136 },
      { tier: 0, from: 136, to: 150 },
    ],
    textFrom: 150,
    tokens: Number.NaN,
  };

  it('moves the last cut later a block at a time, the denser segment growing at its end, then folds', () => {
    const shifted = shiftedPlans(carried, 8);
    expect(shifted.map((p) => p.segments)).toEqual([
      [
        { tier: 2, from: 32, to: 144 },
        { tier: 0, from: 144, to: 150 },
      ],
      [{ tier: 2, from: 32, to: 150 }],
    ]);
    for (const p of shifted) {
      expect(p.dropped).toBe(32);
      expect(p.textFrom).toBe(150);
      // Every segment but the sharpest starts where it did: its pages are the carried plan's, extended.
      expect(p.segments[0]!.from).toBe(32);
    }
    expect(shiftedPlans({ ...carried, segments: [carried.segments[0]!] }, 8)).toEqual([]);
  });

  it('prices a plan with the input’s own cost functions', () => {
    const input = model(
      Array.from({ length: 160 }, () => 300),
      { budget: 10_000 },
    );
    const plan = shiftedPlans(carried, 8)[0]!;
    const expected =
      input.fixedTokens +
      input.contextTokens(32, true) +
      Array.from({ length: 10 }, (_, k) => input.textTokens(150 + k)).reduce((a, b) => a + b, 0) +
      input.segmentTokens(2, 32, 144) +
      input.segmentTokens(0, 144, 150);
    expect(planTokens(input, plan)).toBe(expected);
  });
});
