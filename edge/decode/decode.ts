/**
 * `POST /v1/documents/:id/decode`: the OCR read-back of a document's pages, relayed from a runner.
 * OCR of deterministic pages is deterministic, so the result is cached next to the render
 * (`x-glyph-cache: hit` on a repeat; `Cache-Control: no-cache` forces a fresh read).
 */
import { createRoute } from '@hono/zod-openapi';
import type { DecodeResponse } from '../../protocol/runner-api.ts';
import { decodeRoute } from './decode-route.ts';
import { apiRoutes } from '../http/api-routes.ts';
import { edgeConfig } from '../config.ts';
import { jsonOptions } from '../http/body-middleware.ts';
import { notFound } from '../http/errors.ts';
import { withDocumentKind } from '../documents/kind.ts';
import { resolveRender } from '../renders/render-options.ts';
import { gate } from '../tenancy/gate.ts';
import { clientIdempotencyKey, meter } from '../usage/store.ts';
import { runnerClient } from '../runners/runner-client.ts';
import { findDocument, readDocumentText } from '../storage/documents.ts';
import { readDecode, writeDecode } from '../storage/renders.ts';

/** The decode route. */
export const decodeRoutes = apiRoutes();

decodeRoutes.openapi(
  createRoute({ ...decodeRoute, middleware: [gate({ quota: true }), jsonOptions()] as const }),
  async (c) => {
    const caller = c.get('caller');
    const { id: sha } = c.req.valid('param');
    const body = c.req.valid('json');
    const doc = await findDocument(c.env, caller.tenant, sha);
    if (!doc) throw notFound('document');
    // The document's kind goes to the runner and names the render (documents/kind.ts).
    const resolved = await withDocumentKind(await resolveRender(body), doc);
    const prices = edgeConfig(c.env).prices;
    const at = { tenant: caller.tenant, sha, configHash: resolved.renderId };
    const sample = body.sample ?? 'all';
    const fresh = /(^|,)\s*no-cache\s*(,|$)/i.test(c.req.header('cache-control') ?? '');

    const stored = fresh ? null : await readDecode(c.env, at, sample);
    let result: DecodeResponse;
    if (stored) {
      result = stored;
    } else {
      const text = await readDocumentText(c.env, caller.tenant, sha);
      if (text === null) throw notFound('document');
      result = await runnerClient(c.env).decode(sha, {
        text,
        ...resolved.render,
        ...(body.sample !== undefined ? { sample: body.sample } : {}),
      });
      await writeDecode(c.env, at, sample, result);
    }
    const hit = stored !== null;
    meter(c.executionCtx, c.env.DB, {
      caller,
      operation: 'decode',
      units: hit ? prices.decode_cached : prices.decode,
      cacheHit: hit,
      document: sha,
      idempotencyKey: clientIdempotencyKey(caller, 'decode', c.req.header('idempotency-key')),
    });
    c.header('x-glyph-cache', hit ? 'hit' : 'miss');
    return c.json({ ...result, cached: hit }, 200);
  },
);
