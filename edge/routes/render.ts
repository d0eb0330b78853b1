/**
 * `POST /v1/documents/:id/render` and `POST /v1/compress`: the render manifest of a document,
 * from R2 when committed (`x-glyph-cache: hit`), else made by the document's coordinator (one
 * runner call however many ask at once), or 202 + a job for a document over the page threshold.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { edgeConfig } from '../config.ts';
import { coordinatorFor } from '../coordinator/client.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { documentId } from '../http/ids.ts';
import { parseWith, readJsonBody } from '../http/json-body.ts';
import { readUploadBody } from '../http/read-text.ts';
import { renderFieldsSchema, resolveRender } from '../http/render-options.ts';
import { renderView, type RenderView } from '../http/render-response.ts';
import { estimatePages } from '../jobs/estimate.ts';
import { gate } from '../auth/gate.ts';
import { clientIdempotencyKey, meter } from '../metering/usage.ts';
import { failureError } from '../runners/pool.ts';
import { findDocument, type DocumentRecord } from '../storage/documents.ts';
import { readManifest, type StoredManifest } from '../storage/renders.ts';
import { documentView, ingest } from './documents.ts';

type RenderFields = ReturnType<typeof renderFieldsSchema.parse>;

/** Body of a 202: the render was handed to a job. */
export interface JobAccepted {
  jobId: string;
  status: 'queued';
  documentId: string;
  renderId: string;
  statusUrl: string;
}

/** What {@link renderFor} produced: the render (200) or the job doing it (202). */
export type RenderOutcome = { status: 200; body: RenderView } | { status: 202; body: JobAccepted };

/**
 * Renders `doc` for the caller: the manifest (billed per page) or a job. Sets `x-glyph-cache`.
 * Shared by the render and compress routes.
 */
export async function renderFor(c: Context<AppEnv>, doc: DocumentRecord, fields: RenderFields): Promise<RenderOutcome> {
  const caller = c.get('caller');
  const resolved = await resolveRender(fields);
  const at = { tenant: caller.tenant, sha: doc.sha256, configHash: resolved.configHash };

  // Fast path: a committed render needs no coordinator round trip.
  let manifest: StoredManifest | null = await readManifest(c.env, at);
  let hit = manifest !== null;
  let joined = false;
  if (!manifest) {
    const result = await coordinatorFor(c.env, caller.tenant, doc.sha256).render({
      ...at,
      render: resolved.render,
      estimatedPages: estimatePages(doc.chars, resolved.config),
      keyId: caller.keyId,
    });
    if (result.kind === 'error') throw failureError(result.failure);
    if (result.kind === 'job') {
      c.header('x-glyph-cache', 'miss');
      c.header('location', `/v1/jobs/${result.jobId}`);
      const statusUrl = `/v1/jobs/${result.jobId}`;
      return { status: 202, body: { jobId: result.jobId, status: 'queued', documentId: doc.sha256, renderId: resolved.configHash, statusUrl } };
    }
    manifest = result.manifest;
    hit = result.source === 'stored';
    joined = result.source === 'joined';
  }

  const view = renderView({ manifest, profile: resolved.profile, cached: hit, origin: new URL(c.req.url).origin });
  const prices = edgeConfig(c.env).prices;
  // A caller who only waited on someone else's render pays the cached price: one render happened.
  const perPage = hit || joined ? prices.render_page_cached : prices.render_page;
  meter(c.executionCtx, c.env.DB, {
    caller,
    operation: 'render',
    units: perPage * view.totals.pages,
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

/** `POST /v1/documents/:id/render`. */
export const renderRoutes = new Hono<AppEnv>();

renderRoutes.post('/:id/render', gate({ quota: true }), async (c) => {
  const sha = documentId(c.req.param('id'));
  const fields = await readJsonBody(c.req.raw, renderFieldsSchema.strict());
  const doc = await findDocument(c.env, c.get('caller').tenant, sha);
  if (!doc) throw notFound('document');
  const outcome = await renderFor(c, doc, fields);
  return outcome.status === 200 ? c.json(outcome.body, 200) : c.json(outcome.body, 202);
});

/** `POST /v1/compress`: upload + render in one call. */
export const compressRoutes = new Hono<AppEnv>();

compressRoutes.post('/', gate({ quota: true }), async (c) => {
  const body = await readUploadBody(c.req.raw, edgeConfig(c.env).maxUploadBytes);
  // JSON bodies carry the render fields next to "text"; plain text takes them from the query.
  const query = c.req.query();
  const raw = Object.keys(body.fields).length > 0 ? body.fields : queryFields(query);
  const fields = parseWith(renderFieldsSchema.strict(), raw);
  const { record } = await ingest(c, body);
  const outcome = await renderFor(c, record, fields);
  // textTokens is known once the render is: report it rather than the upload's null.
  const document = documentView(record);
  if (outcome.status === 202) return c.json({ document, ...outcome.body }, 202);
  return c.json({ document: { ...document, textTokens: outcome.body.totals.textTokens }, ...outcome.body }, 200);
});

function queryFields(query: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (key === 'preset' || key === 'profile') out[key] = value;
    else if (key === 'config') {
      try {
        out.config = JSON.parse(value);
      } catch {
        throw badRequest('invalid_config', 'config query parameter must be a JSON object');
      }
    } else throw badRequest('invalid_request', `unknown query parameter "${key}"`);
  }
  return out;
}
