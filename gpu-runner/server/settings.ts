/**
 * The runner's own environment variables, read once at start. A malformed value stops the start
 * with a message naming the variable (a typo must not silently run with a default). The cache
 * (`GLYPH_CACHE_*`, `GLYPH_S3_*`) and answer (`GLYPH_VLM_*`, `GLYPH_ANSWER_BACKEND`) modules read
 * their own variables; see infra/runner.env.example for the full list.
 */
import { availableParallelism } from 'node:os';
import { parseRunnerKeys } from '../../protocol/signing.ts';
import type { DeviceRequest } from '../ocr/execution.ts';

/** Environment as `process.env` has it. */
export type RunnerEnvVars = Readonly<Record<string, string | undefined>>;

/** Settings of one runner process. */
export interface RunnerSettings {
  host: string;
  /** 0 picks a free port (the listening log line says which). */
  port: number;
  keys: Map<string, string>;
  device: DeviceRequest;
  concurrency: number;
  maxQueued: number;
  timeoutMs: number;
  maxBodyBytes: number;
  drainMs: number;
  /** Undefined: the recognizer's suggestion for the device (large on CUDA, small on CPU). */
  ocrMaxBatch: number | undefined;
  ocrMaxWaitMs: number;
  /** Worker threads that lay documents out and count their tokens, off the event loop. */
  planThreads: number;
}

/** A missing or malformed variable; `exitCode` 2 is a usage error. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  readonly exitCode = 2;
}

/** Reads and checks the runner's variables; throws {@link SettingsError}. */
export function readRunnerSettings(env: RunnerEnvVars): RunnerSettings {
  const keysSpec = env.GLYPH_RUNNER_KEYS?.trim();
  if (!keysSpec) {
    throw new SettingsError(
      'GLYPH_RUNNER_KEYS is required: the runner only serves requests signed by the edge. ' +
        'Set it to "kid:secret[,kid2:secret2]" (the same key id and secret as the edge\'s RUNNER_KEY_ID / RUNNER_SECRET).',
    );
  }
  let keys: Map<string, string>;
  try {
    keys = parseRunnerKeys(keysSpec);
  } catch (e) {
    // parseRunnerKeys never echoes a secret in its messages.
    throw new SettingsError(`GLYPH_RUNNER_KEYS: ${(e as Error).message}`);
  }
  const device = (env.GLYPH_DEVICE?.trim().toLowerCase() || 'auto') as DeviceRequest;
  if (!['auto', 'cpu', 'cuda'].includes(device)) throw new SettingsError(`GLYPH_DEVICE must be auto, cpu or cuda, got "${device}"`);
  const concurrency = integer(env, 'GLYPH_RENDER_CONCURRENCY', 2, 1, 1024);
  return {
    host: env.GLYPH_RUNNER_HOST?.trim() || '127.0.0.1',
    port: integer(env, 'GLYPH_RUNNER_PORT', 8788, 0, 65535),
    keys,
    device,
    concurrency,
    maxQueued: integer(env, 'GLYPH_QUEUE_MAX', 16, 0, 100_000),
    timeoutMs: integer(env, 'GLYPH_REQUEST_TIMEOUT_MS', 120_000, 1, 3_600_000),
    maxBodyBytes: Math.floor(number(env, 'GLYPH_MAX_BODY_MB', 25, 0.001, 1024) * 1024 * 1024),
    drainMs: integer(env, 'GLYPH_DRAIN_MS', 10_000, 0, 3_600_000),
    ocrMaxBatch: env.GLYPH_OCR_MAX_BATCH?.trim() ? integer(env, 'GLYPH_OCR_MAX_BATCH', 1, 1, 256) : undefined,
    ocrMaxWaitMs: integer(env, 'GLYPH_OCR_MAX_WAIT_MS', 5, 0, 10_000),
    planThreads: integer(env, 'GLYPH_PLAN_THREADS', defaultPlanThreads(concurrency, availableParallelism()), 1, 64),
  };
}

/**
 * GLYPH_PLAN_THREADS when unset: one per four cores (each thread holds its own fonts and
 * tokenizer, ~150 MB), never more than the jobs that can run at once, at least one.
 */
export function defaultPlanThreads(concurrency: number, cores: number): number {
  return Math.max(1, Math.min(concurrency, Math.floor(cores / 4)));
}

function number(env: RunnerEnvVars, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new SettingsError(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function integer(env: RunnerEnvVars, name: string, fallback: number, min: number, max: number): number {
  const n = number(env, name, fallback, min, max);
  if (!Number.isInteger(n)) throw new SettingsError(`${name} must be a whole number, got "${env[name]}"`);
  return n;
}
