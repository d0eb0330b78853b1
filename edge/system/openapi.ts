/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of the app's registered routes, built once per
 * isolate on first request (every route is registered by then) and served from memory after.
 * No `servers`: clients resolve paths against wherever they fetched the document from.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.ts';

const SECURITY_SCHEME = 'apiKey';

/** `GET /openapi.json`. */
export const openApiRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'openapi',
  tags: ['system'],
  summary: 'This OpenAPI 3.1 document',
  security: [],
  responses: {
    200: {
      description: 'The document.',
      content: { 'application/json': { schema: z.object({ openapi: z.string() }).catchall(z.unknown()) } },
    },
  },
});

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
