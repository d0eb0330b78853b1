/**
 * The plain-text plan of a planner thread: reflow (when the task asks), layout of the text to be
 * drawn, and the text-token count of the text the customer sent, in the profile's own tokenizer
 * family. When reflow joined lines, the layout map's offsets index the drawn text (decode
 * compares against it) and {@link DocumentPlan.sourceSpans} carries each line's range in the
 * customer's text (what manifests and citations name).
 */
import type { ReflowMode, RenderConfig } from '../../protocol/render-config.ts';
import type { TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import { reflow } from '../reflow/index.ts';
import { planPages } from '../render/index.ts';
import { LINE_FIELDS, packPlan, type DocumentPlan } from './document-plan.ts';

/** What a plain plan is given. */
export interface PlainPlanTask {
  text: string;
  config: RenderConfig;
  countTokens: boolean;
  /** Reflow mode; absent: `off` (the text is drawn as sent). */
  reflow?: ReflowMode;
  /** Tokenizer family of the count; absent: Qwen3. */
  tokenizer?: TextTokenizerFamily;
}

/** What a plain plan returns. */
export interface PlainPlanOutcome {
  plan: DocumentPlan;
  textTokens: number | undefined;
  /** True when reflow joined lines. */
  reflowed: boolean;
  /** The text drawn, when it is not the text sent (reflowed). */
  drawnText?: string;
}

/** Plans plain text; see the module comment. */
export async function planPlain(task: PlainPlanTask): Promise<PlainPlanOutcome> {
  const joined = task.reflow && task.reflow !== 'off' ? reflow(task.text, task.reflow) : undefined;
  const drawn = joined?.reflowed ? joined.text : task.text;
  const plan = packPlan(planPages(drawn, task.config));
  if (joined?.reflowed) {
    const spans: number[] = [];
    for (const page of plan.pages) {
      const l = page.lines;
      for (let o = 0; o < l.length; o += LINE_FIELDS) {
        const start = l[o + 5]!;
        const end = l[o + 6]!;
        const from = joined.lineMap.sourceOffsetOf(start);
        // The end is exclusive: map the last character drawn and step past it.
        const to = end > start ? joined.lineMap.sourceOffsetOf(end - 1) + 1 : from;
        spans.push(from, Math.max(from, to));
      }
    }
    plan.sourceSpans = Int32Array.from(spans);
  }
  // Tokenizers (~90 MB to ~430 MB, up to seconds to build) load on a thread's first count of their family.
  const textTokens = task.countTokens
    ? (await import('../tokens/count-text-tokens.ts')).countTextTokens(task.text, task.tokenizer ?? 'qwen3')
    : undefined;
  return { plan, textTokens, reflowed: joined?.reflowed ?? false, ...(joined?.reflowed ? { drawnText: drawn } : {}) };
}
