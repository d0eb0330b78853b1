/**
 * The edge's Hono app: public API routes, each behind the auth + limits gate (edge/auth/gate.ts),
 * with every error as `{ "error": { "code", "message" } }` (DESIGN.md, "Public API").
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './app-env.ts';
import { ApiError, errorResponse } from './http/errors.ts';
import { describeFailure, failureError } from './runners/pool.ts';
import { decodeRoutes } from './routes/decode.ts';
import { documentRoutes } from './routes/documents.ts';
import { jobRoutes } from './routes/jobs.ts';
import { pageRoutes } from './routes/pages.ts';
import { queryRoutes } from './routes/query.ts';
import { compressRoutes, renderRoutes } from './routes/render.ts';
import { usageRoutes } from './routes/usage.ts';
import { layoutRoutes } from './demo/layout-route.ts';
import { demoRoutes } from './demo/routes.ts';

/** Turns anything a handler threw into the JSON error response. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof HTTPException) {
    return errorResponse(error.status, error.status === 413 ? 'payload_too_large' : 'bad_request', error.message || 'bad request');
  }
  const apiError = error instanceof ApiError ? error : failureError(describeFailure(error));
  return errorResponse(apiError.status, apiError.code, apiError.message, apiError.headers);
}

/** The app (also usable from tests through `app.request`). */
export const app = new Hono<AppEnv>();

app.get('/healthz', (c) => c.json({ ok: true }));

app.route('/v1/documents', documentRoutes);
app.route('/v1/documents', renderRoutes);
app.route('/v1/documents', pageRoutes);
app.route('/v1/documents', queryRoutes);
app.route('/v1/documents', decodeRoutes);
app.route('/v1/documents', layoutRoutes);
app.route('/v1/compress', compressRoutes);
app.route('/v1/jobs', jobRoutes);
app.route('/v1/usage', usageRoutes);
// The demo page (GET /, /demo/<asset>): calls /v1 with the key the visitor enters.
app.route('/', demoRoutes);

app.notFound(() => errorResponse(404, 'not_found', 'no such route'));
app.onError((error) => toErrorResponse(error));
