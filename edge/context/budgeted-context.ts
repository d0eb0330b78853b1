/**
 * The budgeted context itself, shared by `POST /v1/context` and the gateway's `x-glyph-budget`:
 * counts the text turns, plans tiers and drops (plan.ts) with estimated page costs, renders the
 * planned segments, and plans again with their exact costs until the exact total is within the
 * budget. A history seen before (grown by a few turns) first tries the plan its last call chose,
 * carried over (plan-memory.ts), so its cuts and pages stay while they fit. A plan is only returned after its exact count: every page by the profile's rule, every
 * text part counted by a runner in the profile's family, {@link MESSAGE_OVERHEAD_TOKENS} per
 * message and {@link REPLY_PRIMER_TOKENS} once.
 */
import type { Context } from 'hono';
import { setMetric } from 'hono/timing';
import type { z } from 'zod';
import { documentInstruction, type ImageDelivery, type PayloadFormat } from '../../protocol/model-payloads.ts';
import { visualTokensFor, type ProfileName } from '../../protocol/profiles.ts';
import {
  MESSAGE_OVERHEAD_TOKENS,
  omittedMarker,
  REPLY_PRIMER_TOKENS,
  type contextTierSchema,
  type contextViewSchema,
} from '../../protocol/public-api/context.ts';
import { pageSizePoints, type RenderConfig } from '../../protocol/render-config.ts';
import { textTokenizerFor } from '../../protocol/text-tokenizers.ts';
import type { AppEnv } from '../app-env.ts';
import { turnText, type Message } from '../conversations/transcript.ts';
import { ApiError, badRequest } from '../http/errors.ts';
import { withDelivery } from '../page-urls/deliver.ts';
import { nominalAutoConfig } from '../renders/render-options.ts';
import { runnerClient } from '../runners/runner-client.ts';
import { isMostlyCjk } from '../gateway/render-fields.ts';
import { assembleMessages } from './assemble.ts';
import { pageLayout, rowsOf, type PageLayout } from './page-estimate.ts';
import {
  carriedPlan,
  firstTextTurn,
  planTokens,
  shiftedPlans,
  minimumTokens,
  planContext,
  type ContextPlan,
  type PlanInput,
  type PlannedSegment,
} from './plan.ts';
import { findRememberedPlan, planSpace, rememberPlan } from './plan-memory.ts';
import { messageHashChain } from './history-index.ts';
import { describeForLog } from '../http/log-safe.ts';
import { renderSegment, sampledReadback, type RenderedSegment } from './segment.ts';
import { TextTokenCounter } from './text-tokens.ts';
import { TIER_SCALES, tierFont, tierRenderFields, type FittedFont } from './tiers.ts';

/** The answer of a budgeted context. */
export type ContextView = z.infer<typeof contextViewSchema>;
type TierView = z.infer<typeof contextTierSchema>;

/** Cuts between tiers move in blocks of this many turns (so a growing history keeps its segments). */
export const TIER_BLOCK_TURNS = 8;
/** The oldest turns are dropped in blocks of this many (see plan.ts `dropBlockSize`). */
export const DROP_BLOCK_TURNS = 32;
// Shifted carried plans rendered before planning afresh (each one is a render).
const MAX_SHIFT_TRIES = 2;
// Plan → render → exact count rounds before only rendered segments (exact costs) may be chosen.
const MAX_ROUNDS = 4;

/** What a budgeted context is asked for. */
export interface ContextRequest {
  messages: readonly Message[];
  profile: ProfileName;
  budget: number;
  keepRecent: number;
  format: PayloadFormat;
  imageDelivery: ImageDelivery;
  urlTtl?: number;
}

// The fitted config of preset auto per profile and script (`gpt-4o/latin`), learnt from tier-0
// renders (the fit is deterministic; the runner fits Latin and CJK text apart).
const fittedConfigs = new Map<string, RenderConfig>();
// What page estimates assume before a profile's fit is known: a dense font, margins as the fit sets them.
const NOMINAL_FIT: Partial<RenderConfig> = { 'font-size': 8, 'line-height': 9, 'margin-x': 9, 'margin-y': 9 };

/** The fitted font under `fitKey`, once a tier-0 render showed it. */
function fittedFont(fitKey: string): FittedFont | undefined {
  const config = fittedConfigs.get(fitKey);
  return config ? { fontSize: config['font-size'], lineHeight: config['line-height'] } : undefined;
}

// The page-estimate factor last seen per profile and script (a history sent again starts from it).
const calibrations = new Map<string, number>();

/** Whether `a` keeps more than `b`: more turns as text, then fewer dropped, then more at tier 0, then tier 1, … */
export function isBetterPlan(a: ContextPlan, b: ContextPlan): boolean {
  if (a.textFrom !== b.textFrom) return a.textFrom < b.textFrom;
  if (a.dropped !== b.dropped) return a.dropped < b.dropped;
  for (let tier = 0; tier < TIER_SCALES.length; tier++) {
    const turns = (p: ContextPlan) => p.segments.filter((s) => s.tier === tier).reduce((n, s) => n + s.to - s.from, 0);
    if (turns(a) !== turns(b)) return turns(a) > turns(b);
  }
  return false;
}

/** Index of the last user message, or -1. */
function lastUserIndex(messages: readonly Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return i;
  return -1;
}

const segmentKey = (tier: number, from: number, to: number) => `${tier}/${from}/${to}`;

/** The budgeted context of `request`. @throws ApiError 400 `budget_too_small` naming the minimum. */
export async function budgetedContext(c: Context<AppEnv>, request: ContextRequest): Promise<ContextView> {
  const { messages, profile, budget } = request;
  const turns = messages.length;
  if (turns === 0) throw badRequest('invalid_request', 'messages must not be empty');
  const questionFrom = lastUserIndex(messages);
  if (questionFrom < 0) throw badRequest('no_question', 'messages need a user message: the last one is the question');
  const tokenizer = textTokenizerFor(profile);
  const counter = new TextTokenCounter(runnerClient(c.env), tokenizer.family);

  const kMin = firstTextTurn({ turns, questionFrom, keepRecent: request.keepRecent });
  const turnTokens = new Map<number, number>();
  const counted = await counter.countAll(messages.slice(kMin).map((m) => m.content));
  counted.forEach((n, i) => turnTokens.set(kMin + i, n + MESSAGE_OVERHEAD_TOKENS));
  // Upper bounds for the texts whose digits the plan decides: more digits never count fewer tokens.
  const [instructionBound, markerBound, markerAtQuestion] = await counter.countAll([
    documentInstruction(9999),
    omittedMarker(Math.max(10, turns) * 10),
    questionFrom > 0 ? omittedMarker(questionFrom) : '',
  ]);

  const contextTokens = (dropped: number, hasSegments: boolean, marker = markerBound!) =>
    (dropped > 0 || hasSegments ? MESSAGE_OVERHEAD_TOKENS : 0) + (dropped > 0 ? marker : 0);
  const textTokens = (i: number) => turnTokens.get(i)!;
  const minimum = minimumTokens({
    turns,
    questionFrom,
    textTokens,
    contextTokens: (d, s) => contextTokens(d, s, markerAtQuestion!),
    fixedTokens: REPLY_PRIMER_TOKENS,
  });
  if (budget < minimum) {
    throw badRequest(
      'budget_too_small',
      `budget: ${budget} is below the minimum of ${minimum} tokens this question needs`,
    );
  }

  // Page estimates: each turn's rows in each tier's layout (a blank row after it), summed by prefix.
  const texts = messages.map(turnText);
  let sample = '';
  for (let i = 0; i < questionFrom && sample.length < 4000; i++) sample += `${texts[i]}\n\n`;
  const fitKey = `${profile}/${isMostlyCjk(sample) ? 'cjk' : 'latin'}`;
  const layouts = new Map<number, { layout: PageLayout; rowsAt: number[]; pageTokens: number }>();
  const layoutFor = (tier: number) => {
    let known = layouts.get(tier);
    if (!known) {
      const fitted = fittedConfigs.get(fitKey);
      const base = fitted ?? nominalAutoConfig(profile, NOMINAL_FIT);
      const font = tierFont(tier, { fontSize: base['font-size'], lineHeight: base['line-height'] });
      const config = { ...base, 'font-size': font.fontSize, 'line-height': font.lineHeight };
      const layout = pageLayout(config);
      const rowsAt = [0];
      for (const t of texts) rowsAt.push(rowsAt.at(-1)! + rowsOf(t, layout.charsPerRow) + 1);
      const [w, h] = pageSizePoints(config).map((pt) => Math.round((pt * config.dpi) / 72)) as [number, number];
      known = { layout, rowsAt, pageTokens: visualTokensFor(profile, w, h) };
      // The nominal layouts are dropped once the first tier-0 render shows the fit.
      layouts.set(tier, known);
    }
    return known;
  };
  const rendered = new Map<string, RenderedSegment>();
  // Real pages over estimated pages, as seen on rendered segments (one renderer: one factor for every tier).
  let factor = calibrations.get(fitKey) ?? 1;
  let observed = false;
  const fractionalPages = (tier: number, from: number, to: number) => {
    const { layout, rowsAt } = layoutFor(tier);
    return (rowsAt[to]! - rowsAt[from]!) / layout.rowsPerPage;
  };
  const estimateFor = (tier: number, from: number, to: number): { pages: number; pageTokens: number } => ({
    pages: Math.max(1, Math.ceil(fractionalPages(tier, from, to) * factor)),
    pageTokens: layoutFor(tier).pageTokens,
  });
  const segmentTokens = (exactOnly: boolean) => (tier: number, from: number, to: number) => {
    if (to <= from) return 0;
    const done = rendered.get(segmentKey(tier, from, to));
    if (done) return done.visualTokens + instructionBound!;
    if (exactOnly) return Number.POSITIVE_INFINITY;
    const { pages, pageTokens } = estimateFor(tier, from, to);
    return pages * pageTokens + instructionBound!;
  };
  const planInput = (exactOnly: boolean): PlanInput => ({
    turns,
    questionFrom,
    keepRecent: request.keepRecent,
    tiers: TIER_SCALES.length,
    blockSize: TIER_BLOCK_TURNS,
    dropBlockSize: DROP_BLOCK_TURNS,
    budget,
    textTokens,
    segmentTokens: segmentTokens(exactOnly),
    contextTokens,
    fixedTokens: REPLY_PRIMER_TOKENS,
  });
  const minimalPlan: ContextPlan = { dropped: questionFrom, segments: [], textFrom: questionFrom, tokens: minimum };

  const renderPlanned = async (segments: readonly PlannedSegment[]): Promise<RenderedSegment[]> => {
    const one = (s: PlannedSegment) => {
      const known = rendered.get(segmentKey(s.tier, s.from, s.to));
      if (known) return Promise.resolve(known);
      return renderSegment(c, {
        messages: messages.slice(s.from, s.to),
        tier: s.tier,
        from: s.from,
        to: s.to,
        fields: tierRenderFields(s.tier, profile, fittedFont(fitKey)),
        blockSize: TIER_BLOCK_TURNS,
      }).then((r) => {
        rendered.set(segmentKey(s.tier, s.from, s.to), r);
        if (s.tier === 0 && !fittedConfigs.has(fitKey)) {
          fittedConfigs.set(fitKey, r.view.config as RenderConfig);
          layouts.clear();
        }
        // Only a render of two pages or more says much about the fill; a guess under it raises the
        // factor so that the same segment would be guessed right (its last page taken as half full).
        const real = r.view.pages.length;
        if (real >= 2) {
          const seen = (real - 0.5) / fractionalPages(s.tier, s.from, s.to);
          // The first sight sets it (either way); later ones only raise it (a guess under is what costs a round).
          factor = observed ? Math.max(factor, seen) : seen;
          observed = true;
        }
        return r;
      });
    };
    // A denser tier's font is the fitted font scaled: tier 0 (or a probe of it) goes first when unknown.
    if (!fittedConfigs.has(fitKey) && segments.some((s) => s.tier > 0)) {
      const sharp = segments.find((s) => s.tier === 0) ?? { tier: 0, from: questionFrom - 1, to: questionFrom };
      await one(sharp);
    }
    return Promise.all(segments.map(one));
  };

  const exactTokens = async (plan: ContextPlan, segments: readonly RenderedSegment[]) => {
    const instructions = await counter.countAll(segments.map((s) => documentInstruction(s.view.pages.length)));
    const marker = plan.dropped > 0 ? await counter.count(omittedMarker(plan.dropped)) : 0;
    let turnsText = 0;
    let overhead = REPLY_PRIMER_TOKENS + (plan.dropped > 0 || segments.length > 0 ? MESSAGE_OVERHEAD_TOKENS : 0);
    for (let i = plan.textFrom; i < turns; i++) {
      turnsText += turnTokens.get(i)! - MESSAGE_OVERHEAD_TOKENS;
      overhead += MESSAGE_OVERHEAD_TOKENS;
    }
    const text = turnsText + marker + instructions.reduce((a, b) => a + b, 0);
    const visual = segments.reduce((sum, s) => sum + s.visualTokens, 0);
    return { text, turnsText, overhead, visual, used: text + overhead + visual };
  };

  // Plan, render, count exactly; a plan that fits is kept, and planned again with what its pages
  // showed while that finds a better one (a guess that was too high leaves room); one that does
  // not fit is planned again with its real pages. The last round, with nothing kept yet, may
  // choose only segments already rendered: exact costs, so it fits.
  let chosen: {
    plan: ContextPlan;
    segments: RenderedSegment[];
    tokens: Awaited<ReturnType<typeof exactTokens>>;
  } | null = null;
  let renderMs = 0;
  const timedRender = async (segments: readonly PlannedSegment[]) => {
    const started = performance.now();
    try {
      return await renderPlanned(segments);
    } finally {
      renderMs += performance.now() - started;
    }
  };
  // The last call's plan on this history, carried over: while it fits, the cuts stay put.
  const { tenant } = c.get('caller');
  const space = await planSpace(profile, request.keepRecent);
  const chain = await messageHashChain(messages);
  const remembered = await findRememberedPlan(c.env, tenant, space, chain);
  const carried = remembered && carriedPlan(remembered, { budget, textFrom: kMin, questionFrom });
  const tryPlan = async (plan: ContextPlan) => {
    const segments = await timedRender(plan.segments);
    const tokens = await exactTokens(plan, segments);
    return tokens.used <= budget ? { plan: { ...plan, tokens: tokens.used }, segments, tokens } : null;
  };
  if (carried) {
    try {
      chosen = await tryPlan(carried);
      // Over now: move its last cut later (keeping the denser segments' pages) before planning afresh.
      const estimates = planInput(false);
      let tries = 0;
      for (const shifted of chosen ? [] : shiftedPlans(carried, TIER_BLOCK_TURNS)) {
        if (planTokens(estimates, shifted) > budget) continue;
        chosen = await tryPlan(shifted);
        if (chosen || ++tries >= MAX_SHIFT_TRIES) break;
      }
    } catch (error) {
      // A carried segment grown past what one request renders: plan afresh (shorter segments).
      if (!(error instanceof ApiError && error.status === 413)) throw error;
    }
  }
  for (let round = 0; round <= MAX_ROUNDS && !(carried && chosen); round++) {
    const plan: ContextPlan = planContext(planInput(round === MAX_ROUNDS && !chosen)) ?? minimalPlan;
    if (chosen && !isBetterPlan(plan, chosen.plan)) break;
    const segments = await timedRender(plan.segments);
    const tokens = await exactTokens(plan, segments);
    if (tokens.used <= budget) chosen = { plan, segments, tokens };
  }
  calibrations.set(fitKey, factor);
  if (!chosen) {
    // Unreachable by construction (the last round only picks exact costs, the minimum was checked): kept as a guard.
    const tokens = await exactTokens(minimalPlan, []);
    if (tokens.used > budget) throw new ApiError(500, 'internal_error', 'no context within the budget was found');
    chosen = { plan: minimalPlan, segments: [], tokens };
  }

  const { plan, segments, tokens } = chosen;
  // Derived data: a plan not remembered costs the next call its stability, never this call its answer.
  await rememberPlan(c.env, tenant, space, chain, {
    budget,
    dropped: plan.dropped,
    segments: plan.segments.map(({ tier, from, to }) => ({ tier, from, to })),
    textFrom: plan.textFrom,
  }).catch((error: unknown) => console.warn(`edge: context plan not remembered: ${describeForLog(error)}`));
  const tiers: TierView[] = await Promise.all(
    segments.map(async (s): Promise<TierView> => {
      const fields = tierRenderFields(s.tier, profile, fittedFont(fitKey));
      const readback =
        s.tier === 0 && s.view.fit
          ? s.view.fit.readback
          : await sampledReadback(c, s, fields, messages.slice(s.from, s.to));
      return {
        tier: s.tier,
        turns: { from: s.from, to: s.to },
        pages: s.view.pages.length,
        visualTokens: s.visualTokens,
        pageSizes: s.view.pages.map((p) => ({
          n: p.n,
          width: p.width,
          height: p.height,
          visualTokens: p.visualTokens,
        })),
        readback,
        readbackSource: s.tier === 0 && s.view.fit ? 'fit' : 'decode',
        fontSize: s.view.config['font-size'],
        lineHeight: s.view.config['line-height'],
        documentId: s.documentId,
        renderId: s.renderId,
        pagesRendered: s.pagesRendered,
        pagesReused: s.pagesReused,
      };
    }),
  );
  const deliverStarted = performance.now();
  const delivered = await Promise.all(
    segments.map((s) =>
      withDelivery(c, s.view, {
        format: request.format,
        imageDelivery: request.imageDelivery,
        ...(request.urlTtl !== undefined ? { urlTtl: request.urlTtl } : {}),
      }),
    ),
  );
  // Where a call's time went (Server-Timing, when the route set the timing middleware up).
  if (c.get('metric')) {
    setMetric(c, 'render', renderMs, 'segments stored and rendered');
    setMetric(c, 'deliver', performance.now() - deliverStarted, 'pages made into content parts');
  }
  const marker = plan.dropped > 0 ? omittedMarker(plan.dropped) : null;
  const assembled = assembleMessages({
    format: request.format,
    marker,
    pageParts: delivered.map((d) => d.payload!.parts),
    text: messages.slice(plan.textFrom),
  });
  return {
    profile,
    tokenizer: { family: tokenizer.family, estimate: tokenizer.estimate },
    format: request.format,
    imageDelivery: request.imageDelivery,
    budget,
    used: tokens.used,
    visualTokens: tokens.visual,
    textTokens: tokens.text,
    overheadTokens: tokens.overhead,
    messages: assembled.messages,
    ...(assembled.system !== undefined ? { system: assembled.system } : {}),
    tiers,
    text: { turns: { from: plan.textFrom, to: turns }, tokens: tokens.turnsText },
    dropped: { turns: plan.dropped, marker },
    pages: tiers.reduce((sum, t) => sum + t.pages, 0),
    pagesRendered: tiers.reduce((sum, t) => sum + t.pagesRendered, 0),
    pagesReused: tiers.reduce((sum, t) => sum + t.pagesReused, 0),
  };
}
