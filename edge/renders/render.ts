/**
 * `POST /v1/documents/:id/render`: the render manifest of a document,
 * from R2 when committed (`x-glyph-cache: hit`), else made by the document's coordinator (one
 * runner call however many ask at once), or 202 + a job for a document over the page threshold.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { jobAcceptedSchema } from '../../protocol/public-api/render.ts';
import { renderRoute } from './render-route.ts';
import { apiRoutes } from '../http/api-routes.ts';
import type { AppEnv } from '../app-env.ts';
import { edgeConfig } from '../config.ts';
import { coordinatorFor } from '../coordinator/client.ts';
import { jsonOptions } from '../http/body-middleware.ts';
import { notFound } from '../http/errors.ts';
import { withDocumentKind } from '../documents/kind.ts';
import { resolveRender, type ResolvedRender } from './render-options.ts';
import { needsFamilyCount, renderView, type RenderView } from './render-view.ts';
import { familyTextTokens } from './family-tokens.ts';
import { runnerClient } from '../runners/runner-client.ts';
import { describeForLog } from '../http/log-safe.ts';
import { estimatePages } from '../jobs/estimate.ts';
import { gate } from '../tenancy/gate.ts';
import { clientIdempotencyKey, meter } from '../usage/store.ts';
import { failureError } from '../runners/failures.ts';
import { findDocument, type DocumentRecord } from '../storage/documents.ts';
import { readManifest, type StoredManifest } from '../storage/renders.ts';
import { withDelivery } from '../page-urls/deliver.ts';

/** Body of a 202: the render was handed to a job. */
export type JobAccepted = z.infer<typeof jobAcceptedSchema>;

/** What {@link renderFor} produced: the render (200) or the job doing it (202). */
export type RenderOutcome = { status: 200; body: RenderView } | { status: 202; body: JobAccepted };

/** Options of {@link renderFor}. */
export interface RenderForOptions {
  /**
   * The id of an earlier document of the caller's tenant whose text this document's extends (a
   * conversation before its last turns), rendered with the same options: the pages of its
   * committed render that are unchanged are kept, and only the rest are painted. Ignored when it
   * has no such render (or is not the tenant's).
   */
  previousDocument?: string;
}

/**
 * Renders `doc` for the caller (its render fields already resolved: {@link resolveRender}): the
 * manifest (billed per page painted, kept pages at the cached price) or a job. Sets
 * `x-glyph-cache`. Shared by the render, compress and conversation routes.
 */
export async function renderFor(
  c: Context<AppEnv>,
  doc: DocumentRecord,
  resolved: ResolvedRender,
  options?: RenderForOptions,
): Promise<RenderOutcome> {
  const caller = c.get('caller');
  const at = { tenant: caller.tenant, sha: doc.sha256, configHash: resolved.renderId };

  // Fast path: a committed render needs no coordinator round trip.
  let manifest: StoredManifest | null = await readManifest(c.env, at);
  let hit = manifest !== null;
  let joined = false;
  let pagesRendered = 0;
  if (!manifest) {
    const previous = await previousRender(c, doc, resolved, options?.previousDocument);
    const result = await coordinatorFor(c.env, caller.tenant, doc.sha256).render({
      ...at,
      render: resolved.render,
      estimatedPages: estimatePages(doc.chars, resolved.config, doc.lines),
      keyId: caller.keyId,
      ...(previous ? { previous } : {}),
    });
    if (result.kind === 'error') throw failureError(result.failure);
    if (result.kind === 'job') {
      c.header('x-glyph-cache', 'miss');
      c.header('location', `/v1/jobs/${result.jobId}`);
      const statusUrl = `/v1/jobs/${result.jobId}`;
      return {
        status: 202,
        body: { jobId: result.jobId, status: 'queued', documentId: doc.sha256, renderId: resolved.renderId, statusUrl },
      };
    }
    manifest = result.manifest;
    hit = result.source === 'stored';
    joined = result.source === 'joined';
    pagesRendered = result.pagesRendered;
  }

  // A render priced for another profile counted its text in that profile's family: this profile's own count.
  const family = needsFamilyCount(manifest, resolved.profile);
  // No runner to count: the view reports the count it has, under the family it is in (never a wrong label).
  const textTokens =
    family === undefined
      ? undefined
      : await familyTextTokens({ env: c.env, runners: runnerClient(c.env), tenant: caller.tenant, doc, family }).catch(
          (error: unknown) => {
            console.warn(`edge: no ${family} count for ${doc.sha256.slice(0, 12)}: ${describeForLog(error)}`);
            return undefined;
          },
        );
  const view = renderView({
    manifest,
    renderId: resolved.renderId,
    profile: resolved.profile,
    cached: hit,
    origin: new URL(c.req.url).origin,
    config: resolved.config,
    pagesRendered,
    ...(textTokens !== undefined ? { textTokens } : {}),
  });
  const prices = edgeConfig(c.env).prices;
  // A caller who only waited on someone else's render pays the cached price: one render happened.
  // A render that kept pages of an earlier one pays for those at the cached price too.
  const painted = hit || joined ? 0 : view.pagesRendered;
  meter(c.executionCtx, c.env.DB, {
    caller,
    operation: 'render',
    units: prices.render_page * painted + prices.render_page_cached * (view.totals.pages - painted),
    cacheHit: hit || joined,
    document: doc.sha256,
    pages: view.totals.pages,
    visualTokens: view.totals.visualTokens,
    textTokens: view.totals.textTokens,
    idempotencyKey: clientIdempotencyKey(caller, 'render', c.req.header('idempotency-key')),
  });
  c.header('x-glyph-cache', hit ? 'hit' : 'miss');
  return { status: 200, body: view };
}

/**
 * The earlier document to keep pages of, with the estimate of the pages left to paint: the pages
 * of the text past the earlier one's, and the earlier last page, which the new text may continue.
 */
async function previousRender(
  c: Context<AppEnv>,
  doc: DocumentRecord,
  resolved: ResolvedRender,
  previousDocument: string | undefined,
): Promise<{ sha: string; estimatedPages: number } | undefined> {
  if (previousDocument === undefined || previousDocument === doc.sha256) return undefined;
  const earlier = await findDocument(c.env, c.get('caller').tenant, previousDocument);
  if (!earlier || earlier.chars > doc.chars) return undefined;
  const lines = doc.lines !== null && earlier.lines !== null ? Math.max(0, doc.lines - earlier.lines) : null;
  return { sha: earlier.sha256, estimatedPages: estimatePages(doc.chars - earlier.chars, resolved.config, lines) + 1 };
}

/** `POST /v1/documents/:id/render`. */
export const renderRoutes = apiRoutes();

renderRoutes.openapi(
  createRoute({ ...renderRoute, middleware: [gate({ quota: true }), jsonOptions()] as const }),
  async (c) => {
    const { id: sha } = c.req.valid('param');
    const doc = await findDocument(c.env, c.get('caller').tenant, sha);
    if (!doc) throw notFound('document');
    const fields = c.req.valid('json');
    const outcome = await renderFor(c, doc, await withDocumentKind(await resolveRender(fields), doc));
    return outcome.status === 200
      ? c.json(await withDelivery(c, outcome.body, fields), 200)
      : c.json(outcome.body, 202);
  },
);
