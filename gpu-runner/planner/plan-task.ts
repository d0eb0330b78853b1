/**
 * The layout pass of a render as a task for a worker thread (planner.ts): every page's size, the
 * layout map and every glyph's place and, when asked, the Qwen3 text-token count. Both are
 * synchronous and take seconds on a megabyte of text; on the runner's main thread they would
 * hold every other request, `/healthz` included, for that long. The plan goes back as
 * transferred buffers (document-plan.ts), and the main thread paints from it.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { ReflowMode, RenderConfig } from '../../protocol/render-config.ts';
import type { TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import { planBuffers, type DocumentPlan } from './document-plan.ts';
import { planPlain } from './plan-plain.ts';

/** What a plan task is given (structured-cloned into the thread). */
export interface PlanTask {
  text: string;
  config: RenderConfig;
  /** Count the text's tokens too (a render's manifest needs them; decode and answer do not). */
  countTokens: boolean;
  /** Reflow of plain text before layout (absent: `off`). */
  reflow?: ReflowMode;
  /** Tokenizer family of the count (absent: Qwen3). */
  tokenizer?: TextTokenizerFamily;
}

/** What a plan task returns. */
export interface PlanOutcome {
  plan: DocumentPlan;
  /** Undefined when the task did not ask for them. */
  textTokens: number | undefined;
  /** True when reflow joined lines of plain text (its drawn text is then `drawnText`). */
  reflowed?: boolean;
  /** Plain text as drawn, when reflow changed it: what the layout map's offsets index and decode compares against. */
  drawnText?: string;
}

/** Plans a document in the calling thread (what a planner thread runs, minus the transfer). */
export async function planDocument(task: PlanTask): Promise<PlanOutcome> {
  return planPlain(task);
}

/** Runs a plan task in a planner thread; the plan's buffers are moved to the caller, not copied. */
export default async function runPlanTask(task: PlanTask): Promise<unknown> {
  const outcome = await planDocument(task);
  return move({ [transferableSymbol]: planBuffers(outcome.plan), [valueSymbol]: outcome });
}

/** What a count task is given (`RenderPlanner.countTokens`). */
export interface CountTask {
  text: string;
}

/** Counts a text's Qwen3 tokens in a planner thread (piscina runs it by name). */
export async function countTokens(task: CountTask): Promise<number> {
  return (await import('../tokens/qwen3.ts')).countTextTokens(task.text);
}
