/**
 * `GET /openapi.json`: a valid OpenAPI 3.1 document (checked by @readme/openapi-parser) that lists
 * every route the Worker serves, with one error shape for every error response — from the app in
 * Node, and the same document from the real Worker in workerd.
 */
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../edge/app.ts';
import { startEdge, type EdgeHandle } from './worker-stack.ts';

type Operation = {
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<
    string,
    { content?: Record<string, { schema?: { $ref?: string } }>; headers?: Record<string, unknown> }
  >;
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
  security: Record<string, unknown[]>[];
};

// Served by the Worker but not API: the demo page and its assets (edge/demo).
const NOT_API = new Set(['GET /', 'GET /demo/{file}']);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ERROR_BODY = '#/components/schemas/ErrorBody';
// Deliberately other: the OpenAI-compatible gateway answers errors in OpenAI's shape, and key-free
// page URLs take no API key (the signed URL is the credential).
const OPENAI_ERROR = '#/components/schemas/OpenAIError';
const OPENAI_SHAPED = 'POST /v1/chat/completions';
const KEY_FREE = /^GET \/v1\/shared\//;
// A readiness probe's 503 is its own answer (which runners are down), not an error.
const READINESS = 'GET /readyz';

/** `METHOD /path/{param}` of every route the app serves (middleware, method ALL, left out). */
function servedRoutes(): string[] {
  const routes = app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => `${r.method} ${r.path.replace(/:([^/{}]+)/g, '{$1}')}`);
  return [...new Set(routes)].filter((r) => !NOT_API.has(r)).sort();
}

/** `METHOD /path` of every operation in `doc`. */
function documentedRoutes(doc: Document): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

function operations(doc: Document): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([m, op]) => [`${m.toUpperCase()} ${path}`, op] as [string, Operation]),
  );
}

let doc: Document;

beforeAll(async () => {
  const res = await app.request('/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi.startsWith('3.1')).toBe(true);
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('lists every route the Worker serves, and nothing it does not', () => {
    const served = servedRoutes();
    expect(served.length).toBeGreaterThanOrEqual(11);
    expect(documentedRoutes(doc)).toEqual(served);
  });

  it('gives every error response the one ErrorBody shape, and every /v1 route its 401 and 429', () => {
    for (const [route, op] of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        if (route === READINESS) {
          expect(response.content!['application/json']!.schema!.$ref, `${route} ${status}`).toBe(
            '#/components/schemas/Readiness',
          );
          continue;
        }
        expect(Object.keys(response.content ?? {}), `${route} ${status}`).toEqual(['application/json']);
        expect(response.content!['application/json']!.schema!.$ref, `${route} ${status}`).toBe(
          route === OPENAI_SHAPED ? OPENAI_ERROR : ERROR_BODY,
        );
      }
      if (KEY_FREE.test(route)) {
        expect(Object.keys(op.responses), route).toEqual(expect.arrayContaining(['403']));
        expect(op.security, route).toEqual([]);
      } else if (route.includes(' /v1/')) {
        expect(Object.keys(op.responses), route).toEqual(expect.arrayContaining(['400', '401', '429', '500']));
        expect(op.security, route).toBeUndefined(); // the document's default: the Bearer key
      } else {
        expect(op.security, route).toEqual([]);
      }
    }
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ apiKey: [] }]);
  });

  it('documents text uploads, the SSE answer, and page revalidation', () => {
    expect(Object.keys(doc.paths['/v1/compress']!.post!.requestBody!.content).sort()).toEqual([
      'application/json',
      'text/markdown',
      'text/plain',
    ]);
    // Uploads also take every kind's own type (text/html, text/x-python, …) and a PDF's bytes.
    expect(Object.keys(doc.paths['/v1/documents']!.post!.requestBody!.content).sort()).toEqual([
      'application/json',
      'application/pdf',
      'text/*',
      'text/markdown',
      'text/plain',
    ]);
    const uploadParams =
      (doc.paths['/v1/documents']!.post as { parameters?: Array<{ name: string; in: string }> }).parameters ?? [];
    expect(
      uploadParams
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['kind', 'language']);
    const query = doc.paths['/v1/documents/{id}/query']!.post!;
    expect(Object.keys(query.responses['200']!.content!).sort()).toEqual(['application/json', 'text/event-stream']);
    const page = doc.paths['/v1/documents/{id}/renders/{renderId}/pages/{n}']!.get!;
    expect(Object.keys(page.responses['200']!.content!)).toEqual(['image/png']);
    expect(page.responses['200']!.headers).toHaveProperty('ETag');
    expect(page.responses['304']!.headers).toHaveProperty('ETag');
    expect(page.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:id',
      'path:renderId',
      'path:n',
      'header:If-None-Match',
    ]);
    const render = doc.paths['/v1/documents/{id}/render']!.post!;
    expect(Object.keys(render.responses)).toEqual(expect.arrayContaining(['200', '202', '404', '502', '503']));
  });
});

describe('GET /openapi.json from the Worker in workerd', () => {
  let edge: EdgeHandle;
  beforeAll(async () => {
    // No runner is needed to serve the document.
    edge = await startEdge({ runners: ['http://127.0.0.1:9'] });
  }, 180_000);
  afterAll(async () => {
    await edge?.stop();
  });

  it('serves the same document without an API key', async () => {
    const res = await edge.call(null, '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual(doc);
  });
});
