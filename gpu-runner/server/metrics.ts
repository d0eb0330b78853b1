/**
 * Prometheus metrics of one runner app. Each app gets its own registry (not prom-client's global
 * one), so several apps in one process — tests, benchmarks — do not collide or double count.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Routes reported by name; any other path is `other`, so probes of random URLs add no series. */
export const METRIC_ROUTES = [
  '/v1/render',
  '/v1/decode',
  '/v1/answer',
  '/v1/tokens',
  '/healthz',
  '/readyz',
  '/metrics',
] as const;

/** Live values sampled when `/metrics` is scraped. */
export interface MetricsSources {
  /** Work-queue depth: jobs running and waiting. */
  queue(): { running: number; queued: number };
  /** OCR items waiting in the dynamic batcher (0 when no OCR is loaded). */
  ocrQueued(): number;
}

/** The runner's metric objects. */
export interface RunnerMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'route'>;
  readonly ocrBatchSize: Histogram;
  readonly ocrLines: Counter;
  readonly cacheHits: Counter<'tier'>;
  readonly cacheMisses: Counter;
  readonly cacheErrors: Counter<'op'>;
  readonly pagesRendered: Counter;
  readonly singleFlightJoins: Counter;
}

/** Options of {@link createRunnerMetrics}. */
export interface CreateRunnerMetricsOptions {
  sources: MetricsSources;
  /** Also export Node process metrics (CPU, RSS, event-loop lag, GC). Default true. */
  processMetrics?: boolean;
}

/** Builds the registry and every runner metric (names prefixed `glyph_`). */
export function createRunnerMetrics(options: CreateRunnerMetricsOptions): RunnerMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'glyph_' });
  const registers = [registry];
  const { sources } = options;
  new Gauge({
    name: 'glyph_queue_depth',
    help: 'Work-queue jobs by state (running holds a slot; queued waits for one)',
    labelNames: ['state'],
    registers,
    collect() {
      const q = sources.queue();
      this.set({ state: 'running' }, q.running);
      this.set({ state: 'queued' }, q.queued);
    },
  });
  new Gauge({
    name: 'glyph_ocr_queue_depth',
    help: 'OCR line crops waiting in the dynamic batcher',
    registers,
    collect() {
      this.set(sources.ocrQueued());
    },
  });
  return {
    registry,
    httpRequests: new Counter({
      name: 'glyph_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'glyph_http_request_duration_seconds',
      help: 'Request latency by route, until the last byte of a streamed body',
      labelNames: ['route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    ocrBatchSize: new Histogram({
      name: 'glyph_ocr_batch_size',
      help: 'Lines per OCR model run (dynamic batching across requests)',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    }),
    ocrLines: new Counter({ name: 'glyph_ocr_lines_total', help: 'Lines read by the OCR model', registers }),
    cacheHits: new Counter({
      name: 'glyph_cache_hits_total',
      help: 'Render-cache hits by the tier that answered',
      labelNames: ['tier'],
      registers,
    }),
    cacheMisses: new Counter({ name: 'glyph_cache_misses_total', help: 'Render-cache misses', registers }),
    cacheErrors: new Counter({
      name: 'glyph_cache_errors_total',
      help: 'Render-cache faults, treated as misses (op: get, write, commit)',
      labelNames: ['op'],
      registers,
    }),
    pagesRendered: new Counter({ name: 'glyph_pages_rendered_total', help: 'Pages painted and encoded', registers }),
    singleFlightJoins: new Counter({
      name: 'glyph_render_single_flight_joins_total',
      help: 'Render requests served by joining an identical render already in progress',
      registers,
    }),
  };
}

/** The route label of a request path. */
export function routeLabel(path: string): string {
  return (METRIC_ROUTES as readonly string[]).includes(path) ? path : 'other';
}
