/**
 * One Durable Object per (tenant, document): the single place where a render of that document
 * starts. However many requests ask for the same render at once, they all land on this object and
 * share one runner call (single flight); a big document gets one queued job instead. A render of a
 * text that extends an earlier document (`previous`) keeps that render's unchanged leading pages
 * and paints only the rest (reuse.ts), and is a job only when the rest is big.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../bindings.ts';
import { edgeConfig } from '../config.ts';
import { findActiveJob, insertJob, newJobId } from '../jobs/store.ts';
import { describeFailure, type FailureInfo } from '../runners/failures.ts';
import { runnerClient } from '../runners/runner-client.ts';
import { readDocumentText, setFamilyTextTokens } from '../storage/documents.ts';
import {
  commitRender,
  readManifest,
  toStoredManifest,
  type RenderLocation,
  type StoredManifest,
} from '../storage/renders.ts';
import { ReusedConfigMismatch, type RenderIntoR2Result, type RenderOptions } from './render-stream.ts';
import { renderWithRetry } from './retry.ts';
import { readReusablePages, type ReusablePages } from './reuse.ts';

/** A render request as the route hands it over. */
export interface CoordinatorRenderInput {
  tenant: string;
  sha: string;
  /** The render id (edge/renders/render-id.ts): where the render is stored, and its flight's key. */
  configHash: string;
  render: RenderOptions;
  /** Pages the document is expected to take (edge/jobs/estimate.ts). */
  estimatedPages: number;
  /** Key that asked: a job it creates is billed to it. */
  keyId: string;
  /**
   * An earlier document of the tenant whose text this one extends, rendered under the same render
   * id: its committed pages are kept where their plans are unchanged. Its `estimatedPages` is the
   * estimate of the pages left to paint then (the new text's, and the earlier last page), which
   * decides render-now vs job in place of the whole document's.
   */
  previous?: { sha: string; estimatedPages: number };
}

/**
 * How the request was served: `rendered` (this call made the runner call), `joined` (waited for
 * a render already in flight), `stored` (committed before this object looked), a job, or a failure.
 */
export type CoordinatorResult =
  | {
      kind: 'manifest';
      source: 'rendered' | 'joined' | 'stored';
      manifest: StoredManifest;
      /** Pages the runner painted for this render (the rest were kept from `previous`); 0 when `stored`. */
      pagesRendered: number;
    }
  | { kind: 'job'; jobId: string }
  | { kind: 'error'; failure: FailureInfo };

/** The RPC surface routes call (typed here because the stub type of the ambient workers-types is not used). */
export interface CoordinatorRpc {
  render(input: CoordinatorRenderInput): Promise<CoordinatorResult>;
}

/** Durable Object class `DocumentCoordinator` (wrangler.toml). */
export class DocumentCoordinator extends DurableObject<Env> implements CoordinatorRpc {
  // In memory on purpose: a flight only lives as long as its runner call, and if the object is
  // evicted mid-render nothing was committed, so the next request simply starts a new flight.
  readonly #flights = new Map<string, Promise<CoordinatorResult>>();

  /** Returns the committed render, or makes it (one runner call per render at a time), or a job. */
  async render(input: CoordinatorRenderInput): Promise<CoordinatorResult> {
    const running = this.#flights.get(input.configHash);
    if (running) {
      const result = await running;
      return result.kind === 'manifest' && result.source === 'rendered' ? { ...result, source: 'joined' } : result;
    }
    // Registered synchronously, before any await, so every concurrent caller finds it.
    const flight = this.#fly(input).finally(() => this.#flights.delete(input.configHash));
    this.#flights.set(input.configHash, flight);
    return flight;
  }

  async #fly(input: CoordinatorRenderInput): Promise<CoordinatorResult> {
    const at = { tenant: input.tenant, sha: input.sha, configHash: input.configHash };
    try {
      const stored = await readManifest(this.env, at);
      if (stored) return { kind: 'manifest', source: 'stored', manifest: stored, pagesRendered: 0 };
      const previous = input.previous && input.previous.sha !== input.sha ? input.previous : undefined;
      const reuse = previous ? await readReusablePages(this.env, { ...at, sha: previous.sha }) : null;
      // Without an earlier render to keep pages of, the whole document is painted.
      const toPaint = reuse && previous ? previous.estimatedPages : input.estimatedPages;
      if (toPaint > edgeConfig(this.env).asyncPageThreshold) return { kind: 'job', jobId: await this.#job(input) };

      const text = await readDocumentText(this.env, input.tenant, input.sha);
      if (text === null)
        return { kind: 'error', failure: { status: 404, code: 'not_found', message: 'document not found' } };
      const result = await this.#render(at, text, input.render, reuse);
      const manifest = toStoredManifest(result.manifest, result.pages);
      await commitRender(this.env, at, manifest, result.manifest.layout);
      await setFamilyTextTokens(
        this.env,
        input.tenant,
        input.sha,
        manifest.textTokenizer.family,
        manifest.totals.textTokens,
      );
      return { kind: 'manifest', source: 'rendered', manifest, pagesRendered: result.pagesRendered };
    } catch (error) {
      return { kind: 'error', failure: describeFailure(error) };
    }
  }

  // The render, keeping the earlier render's pages where the runner can; made afresh when the
  // runner kept pages of a render drawn with another config (preset auto resolved otherwise).
  async #render(
    at: RenderLocation,
    text: string,
    render: RenderOptions,
    reuse: ReusablePages | null,
  ): Promise<RenderIntoR2Result> {
    const runners = runnerClient(this.env);
    try {
      return await renderWithRetry({ env: this.env, runners, at, text, render, ...(reuse ? { reuse } : {}) });
    } catch (error) {
      if (!(error instanceof ReusedConfigMismatch)) throw error;
      console.warn(`edge: ${error.message}; rendering every page`);
      return renderWithRetry({ env: this.env, runners, at, text, render });
    }
  }

  // The queued/running job for this render, or a new one. Concurrent callers share the flight
  // that runs this, so one job is created however many ask at once.
  async #job(input: CoordinatorRenderInput): Promise<string> {
    const active = await findActiveJob(this.env.DB, input.tenant, input.sha, input.configHash);
    if (active) return active.id;
    const id = newJobId();
    await insertJob(this.env.DB, {
      id,
      tenant: input.tenant,
      keyId: input.keyId,
      document: input.sha,
      configHash: input.configHash,
      render: input.render,
    });
    await this.env.JOBS.send({ jobId: id, firstPage: 1 });
    return id;
  }
}
