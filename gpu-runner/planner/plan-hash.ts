/**
 * The plan hash of a page (`planSha256` in a render manifest): SHA-256 over everything the page
 * painter reads to paint that page — the config it paints with (colours, font size, scale),
 * the page's size and channels, every glyph's atlas key and place, the paragraph boxes, and for a
 * styled page each glyph's style and the rules. Two pages with equal hashes paint byte-identical
 * PNGs, so a caller that holds a page under its hash need not be sent it again.
 *
 * The layout map's source offsets are not in it: they paint nothing. A styled page hashes the
 * style entries its glyphs use, not the document's whole style table, whose later entries come
 * from later text (an appended code block must not change the hash of the pages before it).
 *
 * Typed arrays are hashed as their bytes (platform byte order, little-endian on every target).
 */
import { createHash, type Hash } from 'node:crypto';
import { canonicalConfigJson, type RenderConfig } from '../../protocol/render-config.ts';
import type { PaintablePage } from '../render/index.ts';
import type { DocumentPlan } from './document-plan.ts';

/** Bumped whenever the painter reads something new from a plan: old hashes then stop matching. */
const PLAN_HASH_VERSION = 'glyph-page-plan/1';

/** The part every page's hash starts with: the hash version and the config's canonical JSON. */
export function planHashSeed(config: RenderConfig): Uint8Array {
  return createHash('sha256').update(PLAN_HASH_VERSION).update('\0').update(canonicalConfigJson(config)).digest();
}

/** The plan hash (lowercase hex) of one page painted under the config `seed` was made from. */
export function pagePlanSha256(page: PaintablePage, seed: Uint8Array): string {
  const hash = createHash('sha256').update(seed);
  const { codes, xy } = page.glyphs;
  hash.update(Int32Array.of(page.width, page.height, page.channels, codes.length, page.paragraphs.length));
  hash.update(codes);
  hash.update(xy);
  updateBoxes(hash, page.paragraphs);
  const styled = page.styled;
  if (styled) {
    hash.update('styled');
    hash.update(styled.styleOf);
    // The entries the page's glyphs name, by index, in index order.
    const used = [...new Set(styled.styleOf)].sort((a, b) => a - b);
    hash.update(
      JSON.stringify(used.map((i) => [i, styled.styles[i]!.face, styled.styles[i]!.px, styled.styles[i]!.color])),
    );
    hash.update(Int32Array.of(styled.rules.length));
    updateBoxes(hash, styled.rules);
  }
  return hash.digest('hex');
}

/** Sets `planSha256` on every page of `plan` (before its buffers are transferred). */
export function hashPlanPages(plan: DocumentPlan, config: RenderConfig): void {
  const seed = planHashSeed(config);
  for (const page of plan.pages) page.planSha256 = pagePlanSha256(page, seed);
}

function updateBoxes(hash: Hash, boxes: ReadonlyArray<{ x: number; y: number; width: number; height: number }>): void {
  const numbers = new Float64Array(boxes.length * 4);
  boxes.forEach((b, i) => numbers.set([b.x, b.y, b.width, b.height], i * 4));
  hash.update(numbers);
}
