/**
 * The budget planner of `POST /v1/context`: which turns of a history stay text, which become
 * pages at which tier, and which are dropped, so that the whole context costs at most the budget.
 * Pure: it sees token counts and a cost function, never a render, so it is tested on its own and
 * the route calls it again with exact costs once segments are rendered.
 *
 * Layout of a plan, oldest turn first (indexes are 0-based, ranges half-open):
 *
 * ```
 * [0, dropped)              omitted, one marker text says how many
 * [dropped, …)              tier T-1 (densest) … tier 1 … tier 0 (sharpest): one rendered segment each
 * [textFrom, turns)         text, as sent; [questionFrom, turns) always
 * ```
 *
 * Preference, in this order: drop the fewest turns; keep the most turns at tier 0; then the most
 * at tier 1, and so on; keep `keepRecent` turns as text unless even dropping every older turn
 * cannot make them fit. Every cut between tiers is a multiple of `blockSize` turns and the drop
 * point one of `dropBlockSize`, counted from the first turn of the history, so a history that
 * grows by a few turns keeps its cuts, its segments grow only at their ends, and their pages can
 * be reused.
 */

/** One tier's segment in a plan. */
export interface PlannedSegment {
  /** 0 is the sharpest (preset auto's fitted font); higher tiers are denser. */
  tier: number;
  /** First turn (0-based). */
  from: number;
  /** One past the last turn. */
  to: number;
}

/** What the planner decided, and what it costs by the costs it was given. */
export interface ContextPlan {
  /** Turns [0, dropped) are omitted. */
  dropped: number;
  /** Segments oldest first (densest first), empty ones left out. */
  segments: PlannedSegment[];
  /** Turns [textFrom, turns) go as text. */
  textFrom: number;
  /** Tokens of the plan by the costs given (every part, overheads included). */
  tokens: number;
}

/** Input of {@link planContext}. */
export interface PlanInput {
  /** Turns in the history. */
  turns: number;
  /** First turn that is always text (the last user message: the question). */
  questionFrom: number;
  /** Turns kept as text when they fit (at least the question's). */
  keepRecent: number;
  /** Tiers available (1 = tier 0 only). */
  tiers: number;
  /** Cuts between tiers are multiples of this. */
  blockSize: number;
  /**
   * The drop point is a multiple of this (default `blockSize`). Coarser than the tier cuts: a
   * drop frees room for many more turns, so a history growing under a tight budget keeps its drop
   * point (and its densest segment's start, so its pages) for many turns, and the room goes to
   * sharper tiers meanwhile.
   */
  dropBlockSize?: number;
  budget: number;
  /**
   * Tokens turn `i` costs as a text message (its content and the per-message overhead), for every
   * turn from `max(0, min(turns - keepRecent, questionFrom))` on.
   */
  textTokens: (turn: number) => number;
  /** Tokens the segment [from, to) costs at `tier` (pages, their instruction; 0 for an empty range). */
  segmentTokens: (tier: number, from: number, to: number) => number;
  /**
   * Tokens of what every plan with images or a marker adds once: the message that carries them
   * (its overhead) and, when `dropped > 0`, the marker. 0 when there is neither.
   */
  contextTokens: (dropped: number, hasSegments: boolean) => number;
  /** Tokens every plan pays (the reply primer). */
  fixedTokens: number;
}

/** The first turn kept as text when every recent turn fits. */
export function firstTextTurn(input: Pick<PlanInput, 'turns' | 'questionFrom' | 'keepRecent'>): number {
  return Math.max(0, Math.min(input.turns - Math.max(0, input.keepRecent), input.questionFrom));
}

/** Cut candidates in [from, to]: `from`, the block multiples between, and `to`, ascending. */
function cuts(from: number, to: number, blockSize: number): number[] {
  const out = [from];
  for (let b = (Math.floor(from / blockSize) + 1) * blockSize; b < to; b += blockSize) out.push(b);
  if (to > from) out.push(to);
  return out;
}

/** The turns [from, to) all at the densest tier: the cheapest layout of them (up to page rounding). */
function denseCost(input: PlanInput, from: number, to: number): number {
  return input.segmentTokens(input.tiers - 1, from, to);
}

/**
 * Tiers for the turns [dropped, textFrom), given the tokens `rest` already spent (text, context
 * message, fixed): tier 0 as long as possible, then tier 1, …; null when even the densest tier
 * cannot hold them all.
 */
function layTiers(
  input: PlanInput,
  dropped: number,
  textFrom: number,
  rest: number,
): { segments: PlannedSegment[]; tokens: number } | null {
  const { budget, tiers, blockSize } = input;
  const segments: PlannedSegment[] = [];
  let spent = rest;
  // `end` is where the tier being placed ends (the previous, sharper tier starts there).
  let end = textFrom;
  for (let tier = 0; tier < tiers; tier++) {
    if (end <= dropped) break;
    if (tier === tiers - 1) {
      const cost = input.segmentTokens(tier, dropped, end);
      if (spent + cost > budget) return null;
      segments.unshift({ tier, from: dropped, to: end });
      spent += cost;
      end = dropped;
      break;
    }
    // The earliest start of this tier such that what lies before it fits at the densest tier.
    let placed = false;
    for (const start of cuts(dropped, end, blockSize)) {
      const cost = input.segmentTokens(tier, start, end);
      if (spent + cost + (start > dropped ? denseCost(input, dropped, start) : 0) > budget) continue;
      if (start < end) segments.unshift({ tier, from: start, to: end });
      spent += cost;
      end = start;
      placed = true;
      break;
    }
    if (!placed) return null;
  }
  return end <= dropped ? { segments, tokens: spent } : null;
}

/**
 * The plan for `input`, or null when not even the always-text turns and the marker fit the budget
 * (the caller answers 400 naming {@link minimumTokens}).
 */
export function planContext(input: PlanInput): ContextPlan | null {
  const { turns, questionFrom, blockSize } = input;
  if (!(blockSize >= 1) || input.tiers < 1) throw new RangeError('blockSize and tiers must be at least 1');
  const kMin = firstTextTurn(input);
  let text = 0;
  for (let i = kMin; i < turns; i++) text += input.textTokens(i);
  for (let textFrom = kMin; textFrom <= questionFrom; textFrom++) {
    if (textFrom > kMin) text -= input.textTokens(textFrom - 1);
    const drops = cuts(0, textFrom, input.dropBlockSize ?? blockSize);
    for (const dropped of drops) {
      const hasSegments = dropped < textFrom;
      const rest = text + input.fixedTokens + input.contextTokens(dropped, hasSegments);
      if (rest > input.budget) continue;
      if (!hasSegments) return { dropped, segments: [], textFrom, tokens: rest };
      // Every turn at the densest tier is the cheapest layout: when even that is over, no layout
      // fits (checked first, so a long history with a small budget costs one look per block). An
      // unknown cost (infinite: a caller that allows only segments it has measured) proves nothing.
      const dense = denseCost(input, dropped, textFrom);
      if (Number.isFinite(dense) && rest + dense > input.budget) continue;
      const laid = layTiers(input, dropped, textFrom, rest);
      if (laid) return { dropped, segments: laid.segments, textFrom, tokens: laid.tokens };
    }
  }
  return null;
}

/** Tokens of the smallest context possible: the always-text turns, every earlier turn dropped. */
export function minimumTokens(
  input: Pick<PlanInput, 'turns' | 'questionFrom' | 'textTokens' | 'contextTokens' | 'fixedTokens'>,
): number {
  let text = 0;
  for (let i = input.questionFrom; i < input.turns; i++) text += input.textTokens(i);
  return text + input.fixedTokens + input.contextTokens(input.questionFrom, false);
}

/** A plan as remembered after a call: what the next call on the same history, grown, tries first. */
export interface RememberedPlan {
  budget: number;
  dropped: number;
  segments: PlannedSegment[];
  textFrom: number;
}

/**
 * The remembered plan of a shorter history carried over to this one: the same drop point and
 * tier cuts, its sharpest segment extended to the turns that left the text since (`textFrom`
 * is where this call's text starts). Null when it cannot carry over: another budget (a plan made
 * for less room is not the best for more), no segment, or a text start it would not reach.
 * Keeping the cuts keeps every segment a prefix extension of the last call's, so their pages are
 * reused; the caller still counts the result exactly and plans afresh when it no longer fits.
 */
export function carriedPlan(
  remembered: RememberedPlan,
  at: { budget: number; textFrom: number; questionFrom: number },
): ContextPlan | null {
  const last = remembered.segments.at(-1);
  if (remembered.budget !== at.budget || !last || last.to !== remembered.textFrom) return null;
  if (at.textFrom < remembered.textFrom || at.textFrom > at.questionFrom) return null;
  const segments = remembered.segments.map((s) => ({ ...s }));
  segments.at(-1)!.to = at.textFrom;
  return { dropped: remembered.dropped, segments, textFrom: at.textFrom, tokens: Number.NaN };
}

/**
 * When a carried plan no longer fits: the same plan with its last cut moved later, one block at a
 * time (the sharpest segment then starts afresh, but the denser one before it only grows at its
 * end, so its pages are kept), up to folding the sharpest segment into it. Nearest move first;
 * none for a plan of one segment.
 */
export function shiftedPlans(plan: ContextPlan, blockSize: number): ContextPlan[] {
  const n = plan.segments.length;
  if (n < 2) return [];
  const last = plan.segments[n - 1]!;
  const out: ContextPlan[] = [];
  for (let cut = (Math.floor(last.from / blockSize) + 1) * blockSize; cut <= last.to; cut += blockSize) {
    const segments = plan.segments.map((s) => ({ ...s }));
    segments[n - 2]!.to = Math.min(cut, last.to);
    if (cut >= last.to) segments.pop();
    else segments[n - 1]!.from = cut;
    out.push({ ...plan, segments, tokens: Number.NaN });
    if (cut >= last.to) break;
  }
  // The fold into the denser segment, when the block steps stopped short of it.
  if (out.at(-1)?.segments.length === n) {
    const segments = plan.segments.slice(0, n - 1).map((s) => ({ ...s }));
    segments[n - 2]!.to = last.to;
    out.push({ ...plan, segments, tokens: Number.NaN });
  }
  return out;
}

/** Tokens `plan` costs by `input`'s cost functions (every part, overheads included). */
export function planTokens(input: PlanInput, plan: ContextPlan): number {
  let tokens = input.fixedTokens + input.contextTokens(plan.dropped, plan.segments.length > 0);
  for (let i = plan.textFrom; i < input.turns; i++) tokens += input.textTokens(i);
  for (const s of plan.segments) tokens += input.segmentTokens(s.tier, s.from, s.to);
  return tokens;
}
