/**
 * Whether pages pay: a render is worth it when its pages cost the model fewer tokens than the text
 * they show. Otherwise responses say so, and compress can hand the text back unchanged.
 */
import { compressionRatio } from './compression-ratio.ts';

/** The two counts the decision rests on, both for the same model. */
export interface TokenCosts {
  /** Tokens of the text, counted with the profile's own tokenizer (see text-tokenizers.ts). */
  textTokens: number;
  /** Visual tokens of all the pages under the profile. */
  visualTokens: number;
}

/** Whether pages pay, and by how much. */
export interface WorthItVerdict {
  /** True when the pages cost strictly fewer tokens than the text. */
  worthIt: boolean;
  /** Text tokens ÷ visual tokens, 2 decimals (as responses report it). */
  ratio: number;
  /** Tokens the pages save the model: text − visual (negative when they cost more). */
  tokensSaved: number;
}

function assertCount(label: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${label} must be a whole number >= 0, got ${String(n)}`);
}

/**
 * Whether pages that cost `visualTokens` pay for a text of `textTokens`: only when they cost
 * fewer. Equal counts are not worth it: the model reads the same text from pixels for no saving.
 * @throws RangeError when a count is not a whole number >= 0, or `visualTokens` is 0.
 */
export function worthIt(costs: TokenCosts): WorthItVerdict {
  assertCount('textTokens', costs.textTokens);
  assertCount('visualTokens', costs.visualTokens);
  const ratio = compressionRatio(costs.textTokens, costs.visualTokens);
  return {
    worthIt: costs.textTokens > costs.visualTokens,
    ratio,
    tokensSaved: costs.textTokens - costs.visualTokens,
  };
}

/** Options for {@link compressDecision}. */
export interface CompressDecisionOptions {
  /**
   * Whether compress may return the text instead of pages when pages do not pay (default true).
   * False: pages are returned anyway, with `worthIt: false`.
   */
  allowPassthrough?: boolean;
}

/** What compress should return. */
export interface CompressDecision extends WorthItVerdict {
  /** True: return the text unchanged instead of pages. */
  passthrough: boolean;
}

/**
 * What compress returns for these costs: pages when they pay, else the text unchanged
 * (`passthrough`) unless the caller asked for pages regardless.
 * @throws RangeError as {@link worthIt} does.
 */
export function compressDecision(costs: TokenCosts, options: CompressDecisionOptions = {}): CompressDecision {
  const verdict = worthIt(costs);
  return { ...verdict, passthrough: !verdict.worthIt && (options.allowPassthrough ?? true) };
}
