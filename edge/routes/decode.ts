/**
 * `POST /v1/documents/:id/decode`: the OCR read-back of a document's pages, relayed from a runner.
 * OCR of deterministic pages is deterministic, so the result is cached next to the render
 * (`x-glyph-cache: hit` on a repeat; `Cache-Control: no-cache` forces a fresh read).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { MAX_DECODE_SAMPLE, type DecodeResponse } from '../../protocol/runner-api.ts';
import type { AppEnv } from '../app-env.ts';
import { edgeConfig } from '../config.ts';
import { notFound } from '../http/errors.ts';
import { documentId } from '../http/ids.ts';
import { readJsonBody } from '../http/json-body.ts';
import { renderFieldsSchema, resolveRender } from '../http/render-options.ts';
import { gate } from '../auth/gate.ts';
import { clientIdempotencyKey, meter } from '../metering/usage.ts';
import { runnerHttpError, runnerPool } from '../runners/pool.ts';
import { findDocument, readDocumentText } from '../storage/documents.ts';
import { decodeKey } from '../storage/keys.ts';

const decodeSchema = renderFieldsSchema
  .extend({ sample: z.number().int().min(1).max(MAX_DECODE_SAMPLE).optional() })
  .strict();

/** The decode route. */
export const decodeRoutes = new Hono<AppEnv>();

decodeRoutes.post('/:id/decode', gate({ quota: true }), async (c) => {
  const caller = c.get('caller');
  const sha = documentId(c.req.param('id'));
  const body = await readJsonBody(c.req.raw, decodeSchema);
  const resolved = await resolveRender(body);
  const doc = await findDocument(c.env, caller.tenant, sha);
  if (!doc) throw notFound('document');
  const prices = edgeConfig(c.env).prices;
  const key = decodeKey(caller.tenant, sha, resolved.configHash, body.sample ?? 'all');
  const fresh = /(^|,)\s*no-cache\s*(,|$)/i.test(c.req.header('cache-control') ?? '');

  const stored = fresh ? null : await c.env.RENDERS.get(key);
  let result: DecodeResponse;
  if (stored) {
    result = (await stored.json()) as DecodeResponse;
  } else {
    const text = await readDocumentText(c.env, caller.tenant, sha);
    if (text === null) throw notFound('document');
    const { response } = await runnerPool(c.env).request(sha, {
      path: '/v1/decode',
      body: JSON.stringify({ text, ...resolved.render, ...(body.sample !== undefined ? { sample: body.sample } : {}) }),
      headers: { 'content-type': 'application/json' },
    });
    if (!response.ok) throw await runnerHttpError(response);
    result = (await response.json()) as DecodeResponse;
    await c.env.RENDERS.put(key, JSON.stringify(result), { httpMetadata: { contentType: 'application/json' } });
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
  return c.json({ ...result, cached: hit });
});
