/**
 * The layout pass of a render as a task for a worker thread (planner.ts): every page's size, the
 * layout map and every glyph's place and, when asked, the Qwen3 text-token count. Both are
 * synchronous and take seconds on a megabyte of text; on the runner's main thread they would
 * hold every other request, `/healthz` included, for that long. The plan goes back as
 * transferred buffers (document-plan.ts), and the main thread paints from it.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { DocumentKind } from '../../protocol/document-kinds.ts';
import type { ReflowMode, RenderConfig } from '../../protocol/render-config.ts';
import type { TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import { packPlan, planBuffers, type DocumentPlan } from './document-plan.ts';
import { hashPlanPages } from './plan-hash.ts';
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
  /** The input kind of `text` (absent or `text`: the plain renderer); others are drawn styled. */
  kind?: DocumentKind;
  /** Code language, and the file name to take it from otherwise. */
  language?: string;
  fileName?: string;
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
  /**
   * A styled kind's drawn plain text: what the layout map's offsets index, decode compares
   * against and tokens are counted on. Absent for kind `text` (the offsets index `text`).
   */
  plainText?: string;
}

/** Plans a document in the calling thread (what a planner thread runs, minus the transfer). */
export async function planDocument(task: PlanTask): Promise<PlanOutcome> {
  const outcome = task.kind && task.kind !== 'text' ? await planStyled(task) : await planPlain(task);
  // Here, where the glyphs are at hand: hashing them is a pass over a few typed arrays a page.
  hashPlanPages(outcome.plan, task.config);
  return outcome;
}

/** A structured kind: converted to a styled document, laid out by the styled renderer. */
async function planStyled(task: PlanTask): Promise<PlanOutcome> {
  // The converters (markdown-it, lowlight, pdf.js, linkedom) load on a thread's first such task.
  const [{ toStyledDocument }, { planStyledDocument }] = await Promise.all([
    import('../kinds/index.ts'),
    import('../render/styled/index.ts'),
  ]);
  const doc = await toStyledDocument(task.text, { kind: task.kind!, language: task.language, fileName: task.fileName });
  const styled = planStyledDocument(doc, task.config);
  const plan = packPlan(styled);
  const textTokens = task.countTokens
    ? (await import('../tokens/count-text-tokens.ts')).countTextTokens(styled.plainText, task.tokenizer ?? 'qwen3')
    : undefined;
  return { plan, textTokens, plainText: styled.plainText };
}

/** What an extract task is given: a PDF's bytes (transferred) and the limits. */
export interface ExtractTask {
  bytes: Uint8Array;
  maxPages: number;
  maxChars: number;
}

/**
 * A PDF's text layer in the stored form (kinds/pdf-text.ts), read by pdf.js in a planner thread.
 * A refused PDF comes back as `{error}` (status, code, message): an Error thrown across the
 * thread boundary would lose its class.
 */
export async function extractPdf(
  task: ExtractTask,
): Promise<
  | { text: string; pages: number; pageStarts: number[]; title?: string }
  | { error: { status: number; code: string; message: string } }
> {
  const { KindError, pdfDocumentText, toStyledDocument } = await import('../kinds/index.ts');
  try {
    const doc = await toStyledDocument(task.bytes, { kind: 'pdf', maxPages: task.maxPages, maxChars: task.maxChars });
    const { text, pageStarts } = pdfDocumentText(doc);
    return { text, pages: doc.pages ?? pageStarts.length, pageStarts, ...(doc.title ? { title: doc.title } : {}) };
  } catch (e) {
    if (e instanceof KindError) return { error: { status: e.status, code: e.code, message: e.message } };
    throw e;
  }
}

/** Runs a plan task in a planner thread; the plan's buffers are moved to the caller, not copied. */
export default async function runPlanTask(task: PlanTask): Promise<unknown> {
  const outcome = await planDocument(task);
  return move({ [transferableSymbol]: planBuffers(outcome.plan), [valueSymbol]: outcome });
}

/** What a count task is given (`RenderPlanner.countTokens`). */
export interface CountTask {
  text: string;
  /** Tokenizer family (absent: Qwen3, the count uploads report). */
  family?: TextTokenizerFamily;
}

/** Counts a text's tokens in one tokenizer family in a planner thread (piscina runs it by name). */
export async function countTokens(task: CountTask): Promise<number> {
  return (await import('../tokens/count-text-tokens.ts')).countTextTokens(task.text, task.family ?? 'qwen3');
}
