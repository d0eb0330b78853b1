/**
 * `POST /v1/documents/:id/query`: a question about a document, answered by a runner and cached
 * in R2. A cached answer is returned without any runner call (`x-glyph-cache: hit`);
 * `Cache-Control: no-cache` forces a fresh answer; `stream: true` relays the runner's SSE.
 */
import { createRoute } from '@hono/zod-openapi';
import { queryRoute } from './query-route.ts';
import { apiRoutes } from '../http/api-routes.ts';
import { edgeConfig } from '../config.ts';
import { jsonOptions } from '../http/body-middleware.ts';
import { notFound } from '../http/errors.ts';
import { withDocumentKind } from '../documents/kind.ts';
import { resolveRender } from '../renders/render-options.ts';
import { sseEvent } from '../http/sse.ts';
import { gate } from '../tenancy/gate.ts';
import { clientIdempotencyKey, meter } from '../usage/store.ts';
import { runnerClient } from '../runners/runner-client.ts';
import { readAnswer, writeAnswer } from '../storage/answers.ts';
import { readDocumentText } from '../storage/documents.ts';
import { findDocumentCached } from '../storage/document-cache.ts';

/** The query route. */
export const queryRoutes = apiRoutes();

queryRoutes.openapi(
  createRoute({ ...queryRoute, middleware: [gate({ quota: true }), jsonOptions()] as const }),
  async (c) => {
    const caller = c.get('caller');
    const { id: sha } = c.req.valid('param');
    const body = c.req.valid('json');
    let resolved = await resolveRender(body);
    const config = edgeConfig(c.env);
    let at = { tenant: caller.tenant, sha, configHash: resolved.renderId, question: body.question };
    const fresh = /(^|,)\s*no-cache\s*(,|$)/i.test(c.req.header('cache-control') ?? '');
    // Both lookups at once. Warm, the cached path is one R2 read: the gate and a complete document
    // row are answered from isolate memory, and the bill is written after the response.
    let [doc, cached] = await Promise.all([
      findDocumentCached(c.env, caller.tenant, sha, config.authCacheTtlMs),
      fresh ? null : readAnswer(c.env, { ...at, backend: config.answerBackend }),
    ]);
    // An answer is only ever served with its document row present: deleting the row hides both.
    if (!doc) throw notFound('document');
    if (doc.kind !== 'text') {
      // Another kind is another render, so another answer (its citations name source lines).
      resolved = await withDocumentKind(resolved, doc);
      at = { ...at, configHash: resolved.renderId };
      cached = fresh ? null : await readAnswer(c.env, { ...at, backend: config.answerBackend });
    }

    const bill = (hit: boolean) =>
      meter(c.executionCtx, c.env.DB, {
        caller,
        operation: 'query',
        units: hit ? config.prices.query_cached : config.prices.query,
        cacheHit: hit,
        document: sha,
        textTokens: doc.textTokens ?? 0,
        idempotencyKey: clientIdempotencyKey(caller, 'query', c.req.header('idempotency-key')),
      });

    if (cached) {
      bill(true);
      const response = {
        answer: cached.answer,
        answerer: cached.answerer,
        citations: cached.citations,
        cached: true,
        usage: { units: config.prices.query_cached },
      };
      c.header('x-glyph-cache', 'hit');
      if (!body.stream) return c.json(response, 200);
      // Same event shapes as the runner: the whole answer as one delta, then done.
      const events = sseEvent('delta', { text: cached.answer }) + sseEvent('done', response);
      return c.body(events, 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    }

    const text = await readDocumentText(c.env, caller.tenant, sha);
    if (text === null) throw notFound('document');
    const question = { text, ...resolved.render, question: body.question };
    const runners = runnerClient(c.env);
    if (body.stream) {
      const relayed = await runners.answerStream(sha, question, {
        onDone: (done) => c.executionCtx.waitUntil(writeAnswer(c.env, at, done)),
      });
      bill(false);
      c.header('x-glyph-cache', 'miss');
      return c.body(relayed, 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    }
    const answer = await runners.answer(sha, question);
    bill(false);
    c.header('x-glyph-cache', 'miss');
    // Written before answering, so a re-query right after this response is a hit.
    await writeAnswer(c.env, at, answer);
    return c.json({ ...answer, cached: false, usage: { units: config.prices.query } }, 200);
  },
);
