/**
 * Incremental renders: which pages of an earlier render a new render may keep. A render of a text
 * that extends an earlier one (a conversation one turn longer) under the same render id sends the
 * earlier pages' plan hashes; the runner keeps the leading pages whose plans are unchanged and
 * paints the rest. A kept page is the earlier render's object (pages are stored by content), so
 * only an earlier render stored by content, with a plan hash on every page, can be reused.
 */
import { MAX_REUSE_PLANS, type ManifestPage } from '../../protocol/runner-api.ts';
import type { Env } from '../bindings.ts';
import { readManifest, type RenderLocation, type StoredManifest, type StoredPage } from '../storage/renders.ts';

/** The pages of an earlier render a new render may keep, and their plans in page order. */
export interface ReusablePages {
  /** The config the earlier pages were drawn with (its hash): a kept page is only valid under it. */
  configHash: string;
  pages: readonly StoredPage[];
  /** `pages[i].planSha256`, sent to the runner as `reusePlans`. */
  plans: readonly string[];
}

/**
 * What `manifest` offers a later render, or null: a render committed before pages were stored by
 * content or before plan hashes (its pages lack them) offers nothing, nor does an empty one.
 */
export function reusablePages(manifest: StoredManifest | null): ReusablePages | null {
  if (!manifest || manifest.pageStore !== 'content' || manifest.pages.length === 0) return null;
  const plans: string[] = [];
  for (const page of manifest.pages) {
    if (!page.planSha256) return null;
    plans.push(page.planSha256);
  }
  // Past the contract's bound, the leading pages are still worth keeping.
  const keep = Math.min(plans.length, MAX_REUSE_PLANS);
  return { configHash: manifest.configHash, pages: manifest.pages.slice(0, keep), plans: plans.slice(0, keep) };
}

/** The reusable pages of the committed render at `at` (another document's), or null. */
export async function readReusablePages(env: Env, at: RenderLocation): Promise<ReusablePages | null> {
  return reusablePages(await readManifest(env, at));
}

/**
 * The stored entries of the `kept` leading pages of a new manifest: the new manifest's page
 * (size, price under this request's profile, plan) with the earlier page's object hash. Throws
 * when a kept page's plan is not the earlier page's — the runner client already refuses such an
 * answer, so this only guards the invariant that a stored hash names the pixels of its plan.
 */
export function reusedStoredPages(reuse: ReusablePages, next: readonly ManifestPage[], kept: number): StoredPage[] {
  if (kept > reuse.pages.length || kept > next.length)
    throw new Error(`reuse: ${kept} pages kept of ${reuse.pages.length}`);
  return next.slice(0, kept).map((page, i) => {
    const earlier = reuse.pages[i]!;
    if (page.n !== i + 1 || !page.planSha256 || page.planSha256 !== earlier.planSha256) {
      throw new Error(`reuse: page ${i + 1} was kept but its plan is not the earlier page's`);
    }
    return { ...page, sha256: earlier.sha256 };
  });
}
