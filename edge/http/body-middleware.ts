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
import { discardBody, readUploadBody } from './read-text.ts';

/**
 * How much of a refused or unread body is read and thrown away, in units of MAX_UPLOAD_BYTES: with
 * the default 20 MiB, 100 MiB, which is also the largest body Cloudflare lets through to a Worker
 * on most plans, so in production a body is in practice always discarded, never given up on.
 */
export const DISCARD_FACTOR = 5;

/**
 * The app's outermost middleware: once the answer is ready, whatever part of the request body no
 * handler read (a 401 or 429 from the gate, a 415 on the label, a 413 mid-stream, a 404) is read
 * and discarded before the answer goes out (edge/http/read-text.ts, `discardBody`, says why). At
 * most DISCARD_FACTOR × MAX_UPLOAD_BYTES is discarded, memory stays at one chunk; a body past that
 * (or declared past it) is abandoned and the answer says `Connection: close`. wrangler's proxy
 * survives that only when the client stops sending once answered (curl does); the discard budget
 * is what keeps the local stack healthy.
 */
export function discardUnreadBody() {
  return createMiddleware<AppEnv>(async (c, next) => {
    // The request as it came: a body middleware may put a body-less one in its place.
    const request = c.req.raw;
    await next();
    const body = request.body;
    // Locked: read to its end by Hono's body parsers, or handed on as a stream; neither is ours.
    if (!body || body.locked) return;
    let budget = 0;
    try {
      budget = DISCARD_FACTOR * edgeConfig(c.env).maxUploadBytes;
    } catch {
      // A malformed env already failed the request; give the body up rather than guess a limit.
    }
    const declared = Number(request.headers.get('content-length') ?? Number.NaN);
    const finished = !(declared > budget) && (await discardBody(body, budget));
    if (finished) return;
    if (!body.locked) await body.cancel().catch(() => undefined);
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set('connection', 'close');
  });
}

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
