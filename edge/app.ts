/**
 * The edge's Hono app: public API routes, each behind the auth + limits gate (edge/tenancy/gate.ts)
 * and the per-address limit on refused keys (edge/tenancy/auth-failures.ts), CORS from an allow-list
 * (edge/http/cors.ts), with every error as `{ "error": { "code", "message" } }` (DESIGN.md, "Public API").
 */
import { HTTPException } from 'hono/http-exception';
import { authFailureGuard } from './tenancy/auth-failures.ts';
import { serveOpenApi } from './system/openapi.ts';
import { apiRoutes } from './http/api-routes.ts';
import { healthRoute } from './system/health.ts';
import { serveReadyz } from './system/readyz.ts';
import { corsAllowList } from './http/cors.ts';
import { discardUnreadBody } from './http/body-middleware.ts';
import { ApiError, type ApiErrorStatus } from './http/errors.ts';
import { describeFailure, failureError } from './runners/failures.ts';
import { decodeRoutes } from './decode/decode.ts';
import { documentRoutes } from './documents/upload.ts';
import { jobRoutes } from './jobs/job.ts';
import { pageRoutes } from './renders/page.ts';
import { queryRoutes } from './answers/query.ts';
import { compressRoutes } from './renders/compress.ts';
import { renderRoutes } from './renders/render.ts';
import { usageRoutes } from './usage/usage.ts';
import { layoutRoutes } from './renders/layout.ts';
import { gatewayRoutes } from './gateway/chat-completions.ts';
import { workerGatewayDeps } from './gateway/worker-deps.ts';
import { sharedPageRoutes } from './page-urls/shared-page.ts';
import { conversationRoutes } from './conversations/conversations.ts';
import { contextRoutes } from './context/context.ts';

/** Turns anything a handler threw into the JSON error response. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof ApiError) return error.getResponse();
  // Hono's own (a middleware of its that refused the request): same body shape as ours.
  if (error instanceof HTTPException) {
    const code = error.status === 413 ? 'payload_too_large' : 'bad_request';
    return new ApiError(error.status as ApiErrorStatus, code, error.message || 'bad request').getResponse();
  }
  return failureError(describeFailure(error)).getResponse();
}

/** The app (also usable from tests through `app.request`); its routes are in `GET /openapi.json`. */
export const app = apiRoutes();

// Outermost: an answer goes out only once the request body is read or discarded (body-middleware.ts).
app.use('*', discardUnreadBody());

// Before every route: CORS first, so that every answer (a 401 or 429 too) carries its headers for
// a listed origin and a preflight never reaches auth; then the per-address limit on refused keys,
// which must see the gate's 401s and refuse a blocked address before the gate runs.
app.use('*', corsAllowList());
app.use('/v1/*', authFailureGuard());

app.openapi(healthRoute, (c) => c.json({ ok: true } as const, 200));
serveReadyz(app);
serveOpenApi(app);

app.route('/v1/documents', documentRoutes);
app.route('/v1/documents', renderRoutes);
app.route('/v1/documents', pageRoutes);
app.route('/v1/documents', queryRoutes);
app.route('/v1/documents', decodeRoutes);
app.route('/v1/documents', layoutRoutes);
app.route('/v1/compress', compressRoutes);
app.route('/v1/jobs', jobRoutes);
app.route('/v1/usage', usageRoutes);
// Query and decode of a conversation are the document routes on its transcript: handed to the app itself.
app.route(
  '/v1/conversations',
  conversationRoutes((request, env, ctx) => app.fetch(request, env, ctx)),
);
app.route('/v1/context', contextRoutes);
// Key-free page URLs (no API key: the signed URL is the credential) and the OpenAI-compatible
// gateway (errors in OpenAI's shape; documented in edge/README.md, not in the OpenAPI document).
app.route('/v1/shared', sharedPageRoutes);
app.route('/v1/chat', gatewayRoutes(workerGatewayDeps));
// The demo page (GET /, /demo/…) is static assets (wrangler.toml [assets], built from demo/):
// served before the Worker runs, so no route here.

app.notFound(() => new ApiError(404, 'not_found', 'no such route').getResponse());
app.onError((error) => toErrorResponse(error));
