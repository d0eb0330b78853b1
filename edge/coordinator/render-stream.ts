/**
 * One runner render, streamed into R2: the runner client hands over the validated manifest and
 * then the page PNGs in order, and each page is stored (by content) as soon as its part has
 * arrived, so the edge never holds more than a few pages in memory however long the document is.
 *
 * Incremental: given the stored pages of an earlier render of a text this one extends (same
 * render id), the runner is sent their plan hashes (`reusePlans`), keeps the leading pages whose
 * plans are unchanged and sends only the rest; the kept pages are the earlier render's objects.
 */
import { renderConfigHash, resolveRenderConfig } from '../../protocol/render-config.ts';
import type { RenderManifest, RenderRequest } from '../../protocol/runner-api.ts';
import type { Env } from '../bindings.ts';
import type { RunnerClient } from '../runners/runner-client.ts';
import { writePage, type RenderLocation, type StoredPage } from '../storage/renders.ts';
import { reusedStoredPages, type ReusablePages } from './reuse.ts';

/** What the runner is asked to render (besides the text and a page range). */
export type RenderOptions = Omit<RenderRequest, 'text' | 'firstPage' | 'lastPage' | 'profile'> & { profile: string };

/**
 * The config hash the runner's manifest must name: a fixed config's own (resolved here as the
 * runner resolves it); undefined for preset `auto`, whose config only the runner knows (the
 * client then checks that the manifest's hash is its config's).
 */
export async function expectedConfigHash(render: RenderOptions): Promise<string | undefined> {
  if (render.auto) return undefined;
  return renderConfigHash(resolveRenderConfig({ preset: render.preset, config: render.config }));
}

/** Options of {@link renderIntoR2}. */
export interface RenderIntoR2Options {
  env: Env;
  runners: RunnerClient;
  at: RenderLocation;
  text: string;
  render: RenderOptions;
  /** Only these pages (1-based, inclusive; the runner clamps `lastPage` to the document). */
  range?: { firstPage: number; lastPage: number };
  /** Runners not to use (one that died mid-stream on the previous try). */
  exclude?: string[];
  /**
   * The pages of an earlier render of a text this one extends, with the same render id
   * (reuse.ts): the runner paints only from the first page whose plan differs. Not with `range`.
   */
  reuse?: ReusablePages;
}

/** A finished stream: the runner's manifest and the stored pages. */
export interface RenderIntoR2Result {
  manifest: RenderManifest;
  /** Every page of the manifest: the reused ones first (the earlier render's objects), then those painted now. */
  pages: StoredPage[];
  /** Pages the runner painted and sent (the rest were reused). */
  pagesRendered: number;
  runner: string;
}

/**
 * The runner kept pages of an earlier render whose config (preset `auto`, resolved by the runner)
 * is not this render's: its pages cannot stand for this render's, so the render is made afresh.
 */
export class ReusedConfigMismatch extends Error {
  override readonly name = 'ReusedConfigMismatch';
}

// Overlap a few R2 writes with reading the next parts, without buffering the whole render.
const WRITES_IN_FLIGHT = 4;

/**
 * Asks a runner (rendezvous-picked by the pool) for the render and stores every page in R2.
 * Does not commit (write the manifest): the caller decides, after checking the result.
 *
 * @throws {import('../runners/errors.ts').RunnerStreamError} the response broke off or did not match its manifest.
 * @throws {import('../http/errors.ts').ApiError} the runner rejected the request (400/413 pass through, else 502).
 * @throws {import('../storage/errors.ts').StorageError} a page write failed: storage's fault, so the
 *   runner is not blamed nor the render retried on another.
 * @throws what {@link RunnerClient.render} throws when no runner answers.
 */
export async function renderIntoR2(options: RenderIntoR2Options): Promise<RenderIntoR2Result> {
  const { env, runners, at, text, render, range, exclude } = options;
  const configHash = await expectedConfigHash(render);
  // A fixed config's earlier render under the same render id has this config; only preset
  // `auto` is resolved by the runner, so its config is compared once the manifest is in.
  const reuse = range ? undefined : options.reuse;
  const reusePlans = reuse?.plans;
  const answer = await runners.render(
    at.sha,
    { text, ...render, ...(range ?? {}), ...(reusePlans ? { reusePlans: [...reusePlans] } : {}) },
    {
      expect: { textSha256: at.sha, ...(configHash !== undefined ? { configHash } : {}) },
      ...(exclude ? { exclude } : {}),
    },
  );
  const reused = answer.pagesReused;
  if (reused > 0 && reuse && answer.manifest.configHash !== reuse.configHash) {
    answer.cancel();
    throw new ReusedConfigMismatch(`render kept ${reused} pages of a render drawn with another config`);
  }
  const pages: StoredPage[] = reuse ? reusedStoredPages(reuse, answer.manifest.pages, reused) : [];
  const writes: Promise<unknown>[] = [];
  try {
    for await (const page of answer.pages) {
      const entry: StoredPage = { ...answer.manifest.pages[pages.length]!, sha256: '' };
      pages.push(entry);
      writes.push(writePage(env, at.tenant, page.bytes, `page ${page.n}`).then((hash) => (entry.sha256 = hash)));
      if (writes.length >= WRITES_IN_FLIGHT) await writes.shift();
    }
    await Promise.all(writes);
  } catch (error) {
    await Promise.allSettled(writes);
    throw error;
  }
  return { manifest: answer.manifest, pages, pagesRendered: pages.length - reused, runner: answer.runner };
}
