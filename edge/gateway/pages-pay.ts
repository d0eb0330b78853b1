/**
 * Whether pages pay for a text, before and after rendering it. Before: an estimate from the
 * text's length alone (the edge has no tokenizer), so a short part is never rendered at all.
 * After: the runner's own counts, so a text the estimate let through that still costs fewer tokens
 * as text stays text. Both decide with protocol's `worthIt`, the rule render and compress use.
 */
import { visualTokensFor, type ProfileName } from '../../protocol/profiles.ts';
import { utf8Bytes } from '../../protocol/primitives/bytes.ts';
import { pageSizePoints, type RenderConfig } from '../../protocol/render-config.ts';
import { worthIt, type TokenCosts } from '../../protocol/worth-it.ts';
import { estimatePages } from '../jobs/estimate.ts';
import { estimateConfig } from './render-fields.ts';

export type { TokenCosts };

/** Pages pay when they cost the model fewer tokens than the text does (protocol's `worthIt`). */
export function pagesPay(costs: TokenCosts): boolean {
  return costs.visualTokens > 0 && worthIt(costs).worthIt;
}

// BPE tokenizers (o200k, Qwen3, Gemma) average ~4 bytes of English per token; CJK costs more
// tokens per byte, so counting bytes / 4 underestimates it and keeps borderline texts as text.
const BYTES_PER_TOKEN = 4;

/** Estimated text tokens: UTF-8 bytes / 4. */
export function estimateTextTokens(text: string): number {
  return Math.ceil(utf8Bytes(text).byteLength / BYTES_PER_TOKEN);
}

/** Pixel size of a full page of `config`. */
export function pagePixels(config: RenderConfig): { width: number; height: number } {
  const [w, h] = pageSizePoints(config);
  return { width: Math.round((w * config.dpi) / 72), height: Math.round((h * config.dpi) / 72) };
}

/** Estimated pages and visual tokens of `text` rendered with `config` for `profile`. */
export function estimateVisualCost(
  text: string,
  config: RenderConfig,
  profile: ProfileName,
): { pages: number; visualTokens: number } {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  const pages = estimatePages([...text].length, config, lines);
  const { width, height } = pagePixels(config);
  return { pages, visualTokens: pages * visualTokensFor(profile, width, height) };
}

/**
 * The estimate-based decision, for a text about to be rendered with `preset: "auto"` for
 * `profile`: pages of the profile's recommended size at a nominal dense font ({@link estimateConfig}).
 */
export function pagesLikelyPay(text: string, profile: ProfileName): boolean {
  const config = estimateConfig(text, profile);
  // Cheap exit first: a text shorter than one page's tokens can never pay.
  const { width, height } = pagePixels(config);
  const textTokens = estimateTextTokens(text);
  if (textTokens <= visualTokensFor(profile, width, height)) return false;
  return pagesPay({ textTokens, visualTokens: estimateVisualCost(text, config, profile).visualTokens });
}
