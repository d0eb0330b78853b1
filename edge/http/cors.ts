/**
 * CORS for browser clients on other origins, from an allow-list: CORS_ORIGINS, comma or space
 * separated exact origins (`https://app.example.com`). Empty or unset — the default — sends no CORS
 * headers at all, so browsers keep other origins from reading any answer; the demo page is served
 * by the Worker itself and needs none. There is no wildcard: an API key in a page that any origin
 * could drive is a key any site could spend.
 *
 * A preflight (`OPTIONS`) from a listed origin gets 204 with the methods and headers the API takes;
 * from any other origin the same 204 without `Access-Control-Allow-Origin`, which the browser
 * reads as "no". Credentials (cookies) are never allowed: the API authenticates with a Bearer key.
 */
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Env } from '../bindings.ts';

/** Request headers a browser client may send. */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'cache-control', 'if-none-match'];
/** Response headers a browser client may read (besides the CORS-safelisted ones). */
export const CORS_EXPOSE_HEADERS = ['x-glyph-cache', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'location', 'etag', 'www-authenticate'];
// How long a browser may cache a preflight answer, in seconds.
const MAX_AGE_SECONDS = 600;

/**
 * The allowed origins of CORS_ORIGINS. Each must be an origin exactly as browsers send it
 * (scheme, host, optional port; no path, no trailing slash); anything else throws, as a deploy
 * mistake must not silently allow nothing or too much.
 */
export function parseCorsOrigins(value: string | undefined): string[] {
  const items = (value ?? '').split(/[\s,]+/).filter((s) => s !== '');
  for (const item of items) {
    let origin: string | undefined;
    try {
      origin = new URL(item).origin;
    } catch {
      origin = undefined;
    }
    if (origin !== item || !/^https?:$/.test(new URL(item).protocol)) {
      throw new Error(`CORS_ORIGINS: "${item}" is not an origin (like https://app.example.com, no path or trailing slash)`);
    }
  }
  return [...new Set(items)];
}

// One hono/cors handler per distinct CORS_ORIGINS value, for the isolate's life.
const handlers = new Map<string, MiddlewareHandler | null>();

// `env` is absent when the app runs without bindings (app.request in Node tests).
function handlerFor(env: Pick<Env, 'CORS_ORIGINS'> | undefined): MiddlewareHandler | null {
  const key = env?.CORS_ORIGINS ?? '';
  let handler = handlers.get(key);
  if (handler === undefined) {
    const allowed = new Set(parseCorsOrigins(key));
    handler =
      allowed.size === 0
        ? null
        : cors({
            origin: (origin) => (allowed.has(origin) ? origin : null),
            allowMethods: ['GET', 'HEAD', 'POST'],
            allowHeaders: CORS_ALLOW_HEADERS,
            exposeHeaders: CORS_EXPOSE_HEADERS,
            maxAge: MAX_AGE_SECONDS,
            credentials: false,
          });
    handlers.set(key, handler);
  }
  return handler;
}

/** The CORS middleware: hono/cors over the allow-list, or nothing at all when it is empty. */
export function corsAllowList() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const handler = handlerFor(c.env);
    if (!handler) return next();
    return handler(c, next);
  });
}
