/**
 * `GET /healthz` (liveness: the process answers), `GET /readyz` (readiness: models loaded, not
 * draining; with the execution provider and, on CPU, why not CUDA; queue depth and backend) and `GET /metrics` (Prometheus text).
 * `/healthz` and `/metrics` are unsigned; `/readyz` is signed like every other route.
 */
import { Hono } from 'hono';
import type { Lifecycle } from '../lifecycle.ts';
import type { RunnerMetrics } from '../metrics.ts';
import type { OcrService } from '../../ocr/service.ts';
import type { WorkQueue } from '../../queue/work-queue.ts';
import type { RunnerEnv } from './types.ts';

/** Dependencies of the health routes. */
export interface HealthRouteDeps {
  queue: WorkQueue;
  metrics: RunnerMetrics;
  lifecycle: Lifecycle;
  ocr: () => OcrService | undefined;
  /** Name of the answer backend (`extractive`, `openai`). */
  backend: string;
  /** Renders in progress now. */
  rendersInFlight: () => number;
  /** Preset `auto`'s fit searches: `warming` while the start-up searches run (a request then waits on its own), `ready`, or `off`. */
  fitStatus?: () => 'warming' | 'ready' | 'off';
}

/** Body of `/readyz`. */
export interface ReadyzBody {
  ready: boolean;
  status: 'ready' | 'loading' | 'draining';
  device: string;
  /** The ONNX execution provider the OCR model runs on (`cuda` or `cpu`). */
  executionProvider: string;
  /** On CPU, exactly why CUDA is not in use. */
  cpuReason?: string;
  deviceFallbackReason?: string;
  models: { ocr: boolean };
  queue: { running: number; queued: number; concurrency: number; maxQueued: number; ocrQueued: number };
  rendersInFlight: number;
  backend: string;
  /** Preset `auto`'s fit searches (see {@link HealthRouteDeps.fitStatus}); readiness does not wait on them. */
  fit: 'warming' | 'ready' | 'off';
}

/** The health and metrics routes. */
export function healthRoutes(deps: HealthRouteDeps): Hono<RunnerEnv> {
  const app = new Hono<RunnerEnv>();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', (c) => {
    const ocr = deps.ocr();
    const q = deps.queue.stats();
    const status: ReadyzBody['status'] = deps.lifecycle.draining ? 'draining' : ocr ? 'ready' : 'loading';
    const body: ReadyzBody = {
      ready: status === 'ready',
      status,
      device: ocr?.device ?? 'unknown',
      executionProvider: ocr?.device ?? 'unknown',
      ...(ocr?.cpuReason ? { cpuReason: ocr.cpuReason } : {}),
      ...(ocr?.fallbackReason ? { deviceFallbackReason: ocr.fallbackReason } : {}),
      models: { ocr: ocr !== undefined },
      queue: {
        running: q.running,
        queued: q.queued,
        concurrency: q.concurrency,
        maxQueued: q.maxQueued,
        ocrQueued: ocr?.queued() ?? 0,
      },
      rendersInFlight: deps.rendersInFlight(),
      backend: deps.backend,
      fit: deps.fitStatus?.() ?? 'off',
    };
    return c.json(body, status === 'ready' ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const text = await deps.metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  return app;
}
