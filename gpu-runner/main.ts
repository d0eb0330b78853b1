/**
 * `npm run runner` — the GPU runner process: reads its settings, loads the OCR model on the chosen
 * device, opens the render cache and the answer backend, then serves the signed internal API.
 * SIGTERM / SIGINT drain: no new work (`/readyz` 503), in-flight requests finish within
 * `GLYPH_DRAIN_MS`, then exit 0 (1 when the grace period ran out and requests were cut).
 *
 * Start-up logs one line each for the device, the models, the cache, the answer backend, and
 * `listening on http://HOST:PORT` with the real port (tests start it with port 0 and parse it).
 */
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { DEFAULT_READBACK_FLOOR, resolveRenderConfig } from '../protocol/render-config.ts';
import { createAnswerBackend } from './answer/backend.ts';
import { DEFAULT_CACHE_DIR } from './cache/disk-tier.ts';
import { createRenderCache } from './cache/from-settings.ts';
import { FitSearches } from './fit/index.ts';
import { OcrService, lineStrip } from './ocr/service.ts';
import { ThreadPlanner } from './planner/planner.ts';
import { WorkQueue } from './queue/work-queue.ts';
import { createRunnerApp } from './server/app.ts';
import { Lifecycle } from './server/lifecycle.ts';
import { errorText, lineLog } from './server/log.ts';
import { createRunnerMetrics } from './server/metrics.ts';
import { SettingsError, readRunnerSettings } from './server/settings.ts';

const log = lineLog();

async function main(): Promise<void> {
  const settings = readRunnerSettings(process.env);
  const backend = createAnswerBackend(settings.answer);
  const cache = createRenderCache(settings.cache, { log });
  const queue = new WorkQueue({
    concurrency: settings.concurrency,
    maxQueued: settings.maxQueued,
    timeoutMs: settings.timeoutMs,
  });
  let ocr: OcrService | undefined;
  const metrics = createRunnerMetrics({
    sources: { queue: () => queue.stats(), ocrQueued: () => ocr?.queued() ?? 0 },
  });

  const started = performance.now();
  ocr = await OcrService.load({
    device: settings.ocr.device,
    threads: settings.ocr.threads,
    maxBatch: settings.ocr.maxBatch,
    maxWaitMs: settings.ocr.maxWaitMs,
    metrics,
  });
  const execution = ocr.recognizer.execution;
  log.info(`device ${ocr.device}: ONNX execution provider ${ocr.device}`, {
    requested: settings.ocr.device,
    threads: execution.threads,
    ocrMaxBatch: settings.ocr.maxBatch ?? ocr.recognizer.suggestedMaxBatch,
    ...(execution.cpuReason ? { cpuReason: execution.cpuReason } : {}),
  });
  // Layout and token counting run in worker threads, each with its own fonts and tokenizer (~0.3 s
  // to build): loaded now rather than on the first render.
  const planner = new ThreadPlanner({ threads: settings.planThreads });
  await planner.warmUp(resolveRenderConfig({ preset: 'glyph-en' }));
  log.info('models loaded: ocr PP-OCRv4 rec, tokenizer qwen3', {
    ms: Math.round(performance.now() - started),
    planThreads: planner.threads,
  });
  log.info(`render cache tiers: ${cache.tiers.map((t) => t.name).join(', ') || 'none'}`);
  log.info(`answer backend ${backend.name}`);
  log.info('queue', { concurrency: queue.concurrency, maxQueued: queue.maxQueued, timeoutMs: queue.timeoutMs });

  // Preset auto's fit searches read calibration lines through the shared OCR batcher; results
  // are kept in memory and under the disk cache dir, so a restart does not search again.
  const loaded = ocr;
  const fits = new FitSearches({
    read: async (lines) =>
      (await Promise.all(lines.map((l) => loaded.read(lineStrip(l.page, l.box))))).map((r) => r.text),
    // The disk tier's own folder (it only walks its two-hex-digit shards); none when it is off.
    dir: settings.cache.dir === null ? undefined : resolve(settings.cache.dir ?? DEFAULT_CACHE_DIR),
    onSearched: (r, ms) =>
      log.info(`fit ${r.profile} ${r.script}: ${r.fontSize} pt on ${r.lineHeight} pt`, {
        readback: Number(r.readback.toFixed(4)),
        floor: r.floor,
        floorMet: r.floorMet,
        ms: Math.round(ms),
      }),
    onStoreError: (e) => log.warn('fit result store failed; kept in memory', { error: errorText(e) }),
  });

  const lifecycle = new Lifecycle();
  const app = createRunnerApp({
    keys: settings.keys,
    ocr,
    cache,
    answer: backend,
    planner,
    queue,
    metrics,
    lifecycle,
    log,
    maxBodyBytes: settings.maxBodyBytes,
    fits,
  });
  const server = serve({ fetch: app.fetch, hostname: settings.host, port: settings.port }, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    log.info(`listening on http://${host}:${info.port}`);
    // After the server listens: probes answer at once, `/readyz` says `fit: warming` meanwhile.
    if (settings.fitWarm) {
      const t0 = performance.now();
      fits.warm(DEFAULT_READBACK_FLOOR).then(
        () => log.info('fit searches warm', { ms: Math.round(performance.now() - t0), searched: fits.searchesRun }),
        (e: unknown) => log.warn('fit warm-up failed; searches run on demand', { error: errorText(e) }),
      );
    }
  });
  server.on('error', (e) => {
    log.error('server error', { error: errorText(e) });
    process.exit(1);
  });

  const shutdown = async (signal: string): Promise<void> => {
    if (lifecycle.draining) return;
    log.info(`${signal}: draining`, { inFlight: lifecycle.inFlight, graceMs: settings.drainMs });
    const drained = lifecycle.drain(settings.drainMs);
    // Stop taking connections; keep-alive ones that send more get 503 `draining`.
    server.close();
    if ('closeIdleConnections' in server) server.closeIdleConnections();
    const clean = await drained;
    if (!clean)
      log.warn('drain grace period over; cutting the requests still in flight', { inFlight: lifecycle.inFlight });
    if ('closeAllConnections' in server) server.closeAllConnections();
    await Promise.allSettled([cache.close(), ocr?.close(), planner.close()]);
    log.info('stopped', { clean });
    process.exit(clean ? 0 : 1);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  if (e instanceof SettingsError) {
    log.error(e.message);
    process.exit(e.exitCode);
  }
  log.error('start-up failed', { error: errorText(e) });
  process.exit(1);
});
