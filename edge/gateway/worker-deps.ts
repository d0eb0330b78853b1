/**
 * The gateway's Worker-bound parts: the API key gate, the body limit, the document + render
 * cache (a context is stored as a content-addressed document of the caller's tenant and rendered
 * through its coordinator, so the same context renders once), page delivery, and metering.
 */
import type { Context } from 'hono';
import { LRUCache } from 'lru-cache';
import type { ImageDelivery, PayloadPage } from '../../protocol/model-payloads.ts';
import { sha256Hex, utf8Bytes } from '../../protocol/primitives/bytes.ts';
import type { AppEnv } from '../app-env.ts';
import { edgeConfig } from '../config.ts';
import { coordinatorFor } from '../coordinator/client.ts';
import { countCodePoints, countLines, readLimited } from '../http/read-text.ts';
import { estimatePages } from '../jobs/estimate.ts';
import { issueSharedUrls } from '../page-urls/issue.ts';
import { inlinePage } from '../page-urls/inline-pages.ts';
import { resolveRender } from '../renders/render-options.ts';
import { renderView } from '../renders/render-view.ts';
import { failureError } from '../runners/failures.ts';
import { storeDocument } from '../storage/documents.ts';
import { readManifest, type StoredManifest } from '../storage/renders.ts';
import { gate } from '../tenancy/gate.ts';
import { meter } from '../usage/store.ts';
import type { GatewayDeps, RenderedContext, RenderOutcome } from './chat-completions.ts';
import { budgetedContext } from '../context/budgeted-context.ts';
import { checkHistoryLimits } from '../context/context.ts';
import { DEFAULT_KEEP_RECENT } from '../../protocol/public-api/context.ts';
import { GatewayError } from './openai-error.ts';
import { partsJsonCache } from './parts-json.ts';
import type { GatewayRenderFields } from './render-fields.ts';

// Committed manifests never change (their key names the text and config by hash), so an isolate
// may keep them: a repeated context then costs no R2 read for its manifest.
const manifests = new LRUCache<string, StoredManifest>({ max: 512 });

// A repeated context's inline parts, serialized once (page images and the instruction: nothing
// of a key): it is then sent without reading, encoding or stringifying its pages again.
const partsCache = partsJsonCache();

// Documents known stored, by tenant + sha: the second time a context comes, no D1 lookup.
const storedDocuments = new LRUCache<string, true>({ max: 4096 });

async function renderContext(c: Context<AppEnv>, context: string, fields: GatewayRenderFields): Promise<RenderOutcome> {
  const caller = c.get('caller');
  // Stored as an upload is: without a leading BOM. R2's text() drops one when the coordinator
  // reads the document back, so with it the runner would render (and hash) other text.
  const text = context.charCodeAt(0) === 0xfeff ? context.slice(1) : context;
  const bytes = utf8Bytes(text);
  const sha = await sha256Hex(bytes);
  const resolved = await resolveRender(fields);
  const at = { tenant: caller.tenant, sha, configHash: resolved.configHash };
  const cacheKey = `${at.tenant}/${at.sha}/${at.configHash}`;

  let manifest = manifests.get(cacheKey) ?? null;
  let cached = manifest !== null;
  if (!manifest) {
    const chars = countCodePoints(text);
    const lines = countLines(text);
    if (!storedDocuments.has(`${at.tenant}/${sha}`)) {
      await storeDocument(c.env, { tenant: caller.tenant, sha, bytes, chars, lines });
      storedDocuments.set(`${at.tenant}/${sha}`, true);
    }
    manifest = await readManifest(c.env, at);
    cached = manifest !== null;
    if (!manifest) {
      const result = await coordinatorFor(c.env, caller.tenant, sha).render({
        ...at,
        render: resolved.render,
        estimatedPages: estimatePages(chars, resolved.config, lines),
        keyId: caller.keyId,
      });
      if (result.kind === 'error') throw failureError(result.failure);
      // A job means more pages than a request renders synchronously: too large for a chat call.
      if (result.kind === 'job') return { kind: 'too_large', pages: null };
      manifest = result.manifest;
      cached = result.source === 'stored';
    }
    manifests.set(cacheKey, manifest);
  }
  const view = renderView({
    manifest,
    renderId: resolved.renderId,
    profile: resolved.profile,
    cached,
    origin: new URL(c.req.url).origin,
    config: resolved.config,
  });
  const rendered: RenderedContext = {
    documentId: sha,
    renderId: resolved.configHash,
    cached,
    textTokens: view.totals.textTokens,
    pages: view.pages.map((p) => ({ n: p.n, visualTokens: p.visualTokens })),
  };
  return { kind: 'rendered', rendered };
}

async function payloadPages(
  c: Context<AppEnv>,
  rendered: RenderedContext,
  delivery: ImageDelivery,
): Promise<PayloadPage[]> {
  const { tenant } = c.get('caller');
  const { documentId, renderId } = rendered;
  const numbers = rendered.pages.map((p) => p.n);
  if (delivery === 'url') {
    const shared = await issueSharedUrls(c.env, {
      tenant,
      documentId,
      renderId,
      pages: numbers,
      origin: new URL(c.req.url).origin,
    });
    return numbers.map((n) => ({ n, url: shared.urls.get(n)! }));
  }
  return Promise.all(
    numbers.map(async (n) => {
      const base64 = await inlinePage(c.env, c.executionCtx, { tenant, sha: documentId, configHash: renderId, n });
      if (base64 === null) throw new GatewayError(500, 'internal_error', 'a page of the context render is missing');
      return { n, base64 };
    }),
  );
}

/** The gateway's dependencies in the Worker. */
export const workerGatewayDeps: GatewayDeps = {
  authenticate: gate({ quota: true }),
  async readBody(c) {
    const bytes = await readLimited(c.req.raw, edgeConfig(c.env).maxUploadBytes);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new GatewayError(400, 'invalid_utf8', 'request body is not valid UTF-8');
    }
  },
  render: renderContext,
  payloadPages,
  budgetContext(c, request) {
    checkHistoryLimits(request.messages);
    return budgetedContext(c, { ...request, keepRecent: DEFAULT_KEEP_RECENT, format: 'openai' });
  },
  partsCache,
  meter(c, usage) {
    const { prices } = edgeConfig(c.env);
    const perPage = usage.cached ? prices.render_page_cached : prices.render_page;
    meter(c.executionCtx, c.env.DB, {
      caller: c.get('caller'),
      operation: 'chat',
      units: prices.chat + perPage * usage.pages,
      cacheHit: usage.cached,
      ...(usage.documents[0] ? { document: usage.documents[0] } : {}),
      pages: usage.pages,
      visualTokens: usage.visualTokens,
      textTokens: usage.textTokens,
    });
  },
};
