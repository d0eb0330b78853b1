/**
 * The runner's HTTP app (Hono): body limit → request metrics → signature check → routes.
 * The body limit comes first because the signature middleware buffers the whole body before it
 * can verify it; everything but `/healthz` and `/metrics` must be signed by the edge.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { NonceStore } from '../../protocol/signing.ts';
import type { AnswerBackend } from '../answer/backend.ts';
import { ExtractiveBackend } from '../answer/extractive.ts';
import { RunnerError, UpstreamError, toRunnerError } from '../errors.ts';
import type { FitSearches } from '../fit/index.ts';
import type { OcrService } from '../ocr/service.ts';
import type { RenderPlanner } from '../planner/planner.ts';
import { WorkQueue } from '../queue/work-queue.ts';
import { RenderService, type RenderCache } from '../render-service/service.ts';
import { Lifecycle } from './lifecycle.ts';
import { errorText, silentLog, type RunnerLog } from './log.ts';
import { createRunnerMetrics, type RunnerMetrics } from './metrics.ts';
import { observeRequests } from './observe.ts';
import { answerRoute } from './routes/answer.ts';
import { decodeRoute } from './routes/decode.ts';
import { healthRoutes } from './routes/health.ts';
import { renderRoute } from './routes/render.ts';
import { extractRoute } from './routes/extract.ts';
import { tokensRoute } from './routes/tokens.ts';
import type { RunnerEnv } from './routes/types.ts';
import { verifyRunnerSignature } from './signature-middleware.ts';

/** Default request-body limit (`GLYPH_MAX_BODY_MB`): a 20 M-character text as JSON fits. */
export const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;

/** What {@link createRunnerApp} is built from; everything but `keys` has a default. */
export interface RunnerAppDeps {
  /** Runner keys, id → secret (`parseRunnerKeys(GLYPH_RUNNER_KEYS)`). */
  keys: Map<string, string>;
  /** The OCR service, or a getter for one still loading (decode and `/readyz` answer 503 until then). */
  ocr?: OcrService | (() => OcrService | undefined);
  /** The render cache; without one every render is a miss. */
  cache?: RenderCache;
  /** The answer backend; default extractive. */
  answer?: AnswerBackend;
  /** Where documents are laid out and their tokens counted (gpu-runner/planner/). */
  planner: RenderPlanner;
  /** The device's work queue; default 2 running, 16 queued, 120 s deadline. */
  queue?: WorkQueue;
  /** Metrics; default a fresh registry sampling `queue` and `ocr`. */
  metrics?: RunnerMetrics;
  /** Draining state; share it with the process's signal handlers. */
  lifecycle?: Lifecycle;
  /** Where to log; default silent. */
  log?: RunnerLog;
  /** Largest accepted body in bytes; default {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBodyBytes?: number;
  /** Preset `auto`'s fit searches; without them `auto` answers 503. */
  fits?: FitSearches;
  /** Nonce memory of the signature check (tests pin it). */
  nonces?: NonceStore;
  /** Clock of the signature check, unix seconds (tests pin it). */
  now?: () => number;
}

/** Builds the runner's Hono app from its dependencies; see the module comment. */
export function createRunnerApp(deps: RunnerAppDeps): Hono<RunnerEnv> {
  const ocrDep = deps.ocr;
  const ocr = typeof ocrDep === 'function' ? ocrDep : () => ocrDep;
  const queue = deps.queue ?? new WorkQueue();
  const metrics =
    deps.metrics ??
    createRunnerMetrics({ sources: { queue: () => queue.stats(), ocrQueued: () => ocr()?.queued() ?? 0 } });
  const lifecycle = deps.lifecycle ?? new Lifecycle();
  const log = deps.log ?? silentLog;
  const backend = deps.answer ?? new ExtractiveBackend();
  const renders = new RenderService({ queue, metrics, log, cache: deps.cache, planner: deps.planner });
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const assertAccepting = (): void => {
    if (lifecycle.draining)
      throw new RunnerError(503, 'draining', 'the runner is shutting down; send the work elsewhere', {
        headers: { connection: 'close' },
      });
  };
  const routeDeps = { queue, log, assertAccepting, renders, fits: deps.fits };

  const app = new Hono<RunnerEnv>();
  app.use(observeRequests({ metrics, lifecycle }));
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      // The unread rest of the body is still on the wire: close the connection rather than let a
      // client reuse it for its next request.
      onError: () =>
        new RunnerError(413, 'body_too_large', `the request body is over ${maxBodyBytes} bytes (GLYPH_MAX_BODY_MB)`, {
          headers: { connection: 'close' },
        }).getResponse(),
    }),
  );
  app.use(verifyRunnerSignature({ keys: deps.keys, nonces: deps.nonces, now: deps.now }));
  app.route(
    '/',
    healthRoutes({
      queue,
      metrics,
      lifecycle,
      ocr,
      backend: backend.name,
      rendersInFlight: () => renders.inFlight,
      fitStatus: () => deps.fits?.status ?? 'off',
    }),
  );
  app.route('/', renderRoute(routeDeps));
  app.route('/', decodeRoute({ ...routeDeps, ocr }));
  app.route('/', answerRoute({ ...routeDeps, backend }));
  app.route('/', tokensRoute({ assertAccepting, planner: deps.planner }));
  app.route('/', extractRoute({ assertAccepting, planner: deps.planner }));
  app.notFound(() => new RunnerError(404, 'not_found', 'no such route').getResponse());
  app.onError((e) => {
    const error = toRunnerError(e);
    if (error.status >= 500 && error.status !== 503 && error.status !== 504) {
      // The error text, never the request: bodies carry documents. Nor an upstream's text: a VLM
      // may quote the question back in its error (the client still gets it; the logs do not).
      log.error(
        'request failed',
        e instanceof UpstreamError ? { status: error.status, code: error.code } : { error: errorText(e) },
      );
    }
    return error.getResponse();
  });
  return app;
}
