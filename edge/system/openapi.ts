/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of the app's registered routes, built once per
 * isolate on first request (every route is registered by then) and served from memory after.
 * No `servers`: clients resolve paths against wherever they fetched the document from.
 */
import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import { mergePath } from 'hono/utils/url';
import type { AppEnv } from '../app-env.ts';
import { openApiRoute } from './health.ts';

const SECURITY_SCHEME = 'apiKey';

/** Registers the Bearer scheme and serves the document of `app` at `/openapi.json`. */
export function serveOpenApi(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', SECURITY_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: `Authorization: Bearer <key>`. Keys belong to a tenant.',
  });
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.openapi(openApiRoute, (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'glyphgate',
        version: '1',
        description:
          'Renders long text into dense page images a vision-language model reads (the Glyph method). ' +
          'Every error is `{ "error": { "code", "message" } }` (ErrorBody).',
      },
      security: [{ [SECURITY_SCHEME]: [] }],
    });
    return c.json(document, 200);
  });
}

/**
 * Documents a route that `app` serves through a plain Hono group mounted at `prefix` (one that
 * validates by hand rather than through `openapi()`), so the document still lists every route.
 */
export function documentMounted(app: OpenAPIHono<AppEnv>, prefix: string, route: RouteConfig): void {
  app.openAPIRegistry.registerPath({ ...route, path: mergePath(prefix, route.path) });
}
