/**
 * Middleware that counts every request (route, method, status), times it and keeps it "in
 * flight" for draining. A streamed body (multipart pages, SSE) is timed until its last byte or
 * until the client leaves, not until the handler returns its headers.
 */
import { createMiddleware } from 'hono/factory';
import type { MiddlewareHandler } from 'hono';
import type { Lifecycle } from './lifecycle.ts';
import { routeLabel, type RunnerMetrics } from './metrics.ts';

/** Options of {@link observeRequests}. */
export interface ObserveOptions {
  metrics: RunnerMetrics;
  lifecycle: Lifecycle;
}

const STREAMED = /^(multipart\/|text\/event-stream)/i;

/** Counts, times and tracks requests; see the module comment. */
export function observeRequests(options: ObserveOptions): MiddlewareHandler {
  const { metrics, lifecycle } = options;
  return createMiddleware(async (c, next) => {
    const started = performance.now();
    const done = lifecycle.begin();
    const route = routeLabel(c.req.path);
    const finish = (status: number): void => {
      done();
      metrics.httpRequests.inc({ route, method: c.req.method, status: String(status) });
      metrics.httpDuration.observe({ route }, (performance.now() - started) / 1000);
    };
    try {
      await next();
    } catch (e) {
      // Hono's onError turns this into the response; count it as the 500 it becomes.
      finish(500);
      throw e;
    }
    const res = c.res;
    if (res.body && STREAMED.test(res.headers.get('content-type') ?? '')) {
      c.res = undefined as unknown as Response;
      c.res = onBodyEnd(res, () => finish(res.status));
    } else {
      finish(res.status);
    }
  });
}

/** The same response whose body calls `onEnd` once: after the last chunk, on error or on cancel. */
function onBodyEnd(res: Response, onEnd: () => void): Response {
  const reader = res.body!.getReader();
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            end();
          } else controller.enqueue(value);
        } catch (e) {
          controller.error(e);
          end();
        }
      },
      async cancel(reason) {
        end();
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
