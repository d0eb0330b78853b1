/**
 * Route middleware that read a request body under the edge's own rules (byte limits counted as the
 * body streams, strict UTF-8, our error codes) before the route's zod validator looks at it.
 *
 * The validator of @hono/zod-openapi reads the body through `c.req.json()`; each middleware here
 * answers that call with the value it has already parsed, so a body is read and parsed once (an
 * upload can be 20 MiB) and every limit is ours.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.ts';
import { edgeConfig } from '../config.ts';
import { readJsonOptions } from './json-body.ts';
import { readUploadBody } from './read-text.ts';

function handOver(c: Context<AppEnv>, value: unknown): void {
  c.req.json = <T>() => Promise.resolve(value as T);
}

/**
 * Reads a render/query/decode options body (edge/http/json-body.ts). An empty body counts as `{}`
 * whatever it is labelled: `curl -d ''` sends form-urlencoded, and the validator's media-type gate
 * would refuse that label, so the label is dropped along with the nothing it labels. The request
 * is replaced by one without a body either way: the gate looks for a body when there is no label,
 * and the one just read can be read only once (a POST with no body at all was a 500).
 */
export function jsonOptions() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const value = await readJsonOptions(c.req.raw);
    if (value !== undefined) handOver(c, value);
    else {
      const headers = new Headers(c.req.raw.headers);
      headers.delete('content-type');
      headers.delete('content-length');
      c.req.raw = new Request(c.req.url, { method: c.req.method, headers });
    }
    await next();
  });
}

/**
 * Reads an upload (text or JSON, edge/http/read-text.ts) into `c.var.upload`; a JSON body's
 * object, with the text as read, goes on to the validator.
 */
export function uploadBody() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const body = await readUploadBody(c.req.raw, edgeConfig(c.env).maxUploadBytes);
    c.set('upload', body);
    if (body.json) handOver(c, { text: body.text, ...body.fields });
    await next();
  });
}
