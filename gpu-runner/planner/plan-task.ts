/**
 * The layout pass of a render as a task for a worker thread (planner.ts): page
 * sizes, the layout map and, when asked, the Qwen3 text-token count. Both are synchronous and take
 * seconds on a megabyte of text; on the runner's main thread they would hold every other request,
 * `/healthz` included, for that long.
 */
import type { RenderConfig } from '../../protocol/render-config.ts';
import { countTextTokens } from '../tokens/qwen3.ts';
import { planPages, type RenderPlan } from '../render/index.ts';

/** What a plan task is given (structured-cloned into the thread). */
export interface PlanTask {
  text: string;
  config: RenderConfig;
  /** Count the text's Qwen3 tokens too (a render's manifest needs them; decode and answer do not). */
  countTokens: boolean;
}

/** What a plan task returns (structured-cloned back). */
export interface PlanOutcome {
  plan: RenderPlan;
  /** Undefined when the task did not ask for them. */
  textTokens: number | undefined;
}

/** Runs a plan task (in whichever thread calls it). */
export default function runPlanTask(task: PlanTask): PlanOutcome {
  const plan = planPages(task.text, task.config);
  return { plan, textTokens: task.countTokens ? countTextTokens(task.text) : undefined };
}
