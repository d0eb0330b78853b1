/**
 * CORS for browser clients on other origins, from an allow-list: CORS_ORIGINS, comma or space
 * separated exact origins (`https://app.example.com`, parsed with the other vars in edge/config.ts). Empty or unset — the default — sends no CORS
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
import { edgeConfig } from '../config.ts';

/** Request headers a browser client may send. */
export const CORS_ALLOW_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'cache-control',
  'if-none-match',
];
/** Response headers a browser client may read (besides the CORS-safelisted ones). */
export const CORS_EXPOSE_HEADERS = [
  'x-glyph-cache',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'location',
  'etag',
  'www-authenticate',
];
// How long a browser may cache a preflight answer, in seconds.
const MAX_AGE_SECONDS = 600;

// One hono/cors handler per distinct CORS_ORIGINS value, for the isolate's life.
const handlers = new Map<string, MiddlewareHandler | null>();

function handlerFor(origins: readonly string[]): MiddlewareHandler | null {
  const key = origins.join(' ');
  let handler = handlers.get(key);
  if (handler === undefined) {
    const allowed = new Set(origins);
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
    // Unset or empty, the default, costs no parsing: and a misconfigured other var must not take
    // CORS-less routes (the health check, the demo) down with it.
    if (!c.env?.CORS_ORIGINS?.trim()) return next();
    const handler = handlerFor(edgeConfig(c.env).corsOrigins);
    if (!handler) return next();
    return handler(c, next);
  });
}
