/**
 * The runner's environment, read once at start through one zod schema ({@link runnerEnvSchema}):
 * the server's own variables, the render cache's (`GLYPH_CACHE_*`, `GLYPH_S3_*`), the OCR
 * model's (`GLYPH_DEVICE`, `GLYPH_OCR_*`) and the answer backend's (`GLYPH_ANSWER_BACKEND`,
 * `GLYPH_VLM_*`). A malformed value stops the start with a message naming the variable (a typo
 * must not silently run with a default). infra/runner.env.example lists them all.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseRunnerKeys } from '../../protocol/signing.ts';
import type { AnswerSettings } from '../answer/backend.ts';
import type { RenderCacheSettings } from '../cache/from-settings.ts';
import type { DeviceRequest } from '../ocr/execution.ts';

/** Environment as `process.env` has it. */
export type RunnerEnvVars = Readonly<Record<string, string | undefined>>;

const MB = 1024 * 1024;

/** A trimmed variable; blank counts as unset. */
const text = () =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined);

/** A number from `min` to `max` (whole unless `fraction`), or `fallback` when unset. */
function numberVar<F extends number | undefined>(fallback: F, min: number, max: number, fraction = false) {
  return text().transform((raw, ctx): number | F => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (!fraction && !Number.isInteger(n))) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a ${fraction ? 'number' : 'whole number'} from ${min} to ${max}, got "${raw}"`,
      });
      return z.NEVER;
    }
    return n;
  });
}

/** One of `values` (case-insensitive), or `fallback` when unset. */
function choiceVar<const T extends string, F extends T | undefined>(values: readonly T[], fallback: F) {
  return text().transform((raw, ctx): T | F => {
    if (raw === undefined) return fallback;
    const v = raw.toLowerCase() as T;
    if (!values.includes(v)) {
      ctx.addIssue({ code: 'custom', message: `must be ${values.join(', ')}, got "${raw}"` });
      return z.NEVER;
    }
    return v;
  });
}

/** Every variable the runner reads, with its default and bounds. */
export const runnerEnvSchema = z.object({
  GLYPH_RUNNER_KEYS: text(),
  GLYPH_RUNNER_HOST: text(),
  GLYPH_RUNNER_PORT: numberVar(8788, 0, 65535),
  GLYPH_DEVICE: choiceVar(['auto', 'cpu', 'cuda'] as const, 'auto'),
  GLYPH_RENDER_CONCURRENCY: numberVar(2, 1, 1024),
  GLYPH_QUEUE_MAX: numberVar(16, 0, 100_000),
  GLYPH_REQUEST_TIMEOUT_MS: numberVar(120_000, 1, 3_600_000),
  GLYPH_MAX_BODY_MB: numberVar(25, 0.001, 1024, true),
  GLYPH_DRAIN_MS: numberVar(10_000, 0, 3_600_000),
  GLYPH_OCR_MAX_BATCH: numberVar(undefined, 1, 256),
  GLYPH_OCR_MAX_WAIT_MS: numberVar(5, 0, 10_000),
  GLYPH_OCR_THREADS: numberVar(undefined, 1, 1024),
  GLYPH_PLAN_THREADS: numberVar(undefined, 1, 64),
  GLYPH_FIT_WARM: choiceVar(['on', 'off'] as const, 'on'),
  GLYPH_CACHE_MEMORY_MB: numberVar(undefined, 0, 1_048_576, true),
  GLYPH_CACHE_DIR: text(),
  GLYPH_CACHE_DISK_MB: numberVar(undefined, 0, 1_073_741_824, true),
  GLYPH_S3_BUCKET: text(),
  GLYPH_S3_ENDPOINT: text(),
  GLYPH_S3_REGION: text(),
  GLYPH_S3_PREFIX: z.string().optional(),
  GLYPH_S3_ACCESS_KEY_ID: text(),
  GLYPH_S3_SECRET_ACCESS_KEY: text(),
  GLYPH_ANSWER_BACKEND: choiceVar(['openai', 'extractive'] as const, undefined),
  GLYPH_VLM_URL: text(),
  GLYPH_VLM_MODEL: text(),
  GLYPH_VLM_API_KEY: text(),
  GLYPH_VLM_TIMEOUT_MS: numberVar(undefined, 1, 86_400_000),
  GLYPH_VLM_MAX_PAGES: numberVar(undefined, 1, 10_000),
  GLYPH_VLM_MAX_TOKENS: numberVar(undefined, 1, 1_000_000),
});

/** The environment as the schema parses it. */
export type RunnerEnv = z.infer<typeof runnerEnvSchema>;

/** Settings of one runner process. */
export interface RunnerSettings {
  host: string;
  /** 0 picks a free port (the listening log line says which). */
  port: number;
  keys: Map<string, string>;
  concurrency: number;
  maxQueued: number;
  timeoutMs: number;
  maxBodyBytes: number;
  drainMs: number;
  /** Worker threads that lay documents out and count their tokens, off the event loop. */
  planThreads: number;
  ocr: {
    device: DeviceRequest;
    /** Intra-op threads of the ONNX session; undefined: all cores. */
    threads: number | undefined;
    /** Undefined: the recognizer's suggestion for the device (large on CUDA, small on CPU). */
    maxBatch: number | undefined;
    maxWaitMs: number;
  };
  cache: RenderCacheSettings;
  answer: AnswerSettings;
  /** Run preset `auto`'s fit searches for every profile in the background at start (`GLYPH_FIT_WARM`, default on). */
  fitWarm: boolean;
}

/** A missing or malformed variable; `exitCode` 2 is a usage error. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  readonly exitCode = 2;
}

/** Parses the environment with {@link runnerEnvSchema}; throws {@link SettingsError} naming the first bad variable. */
export function parseRunnerEnv(env: RunnerEnvVars): RunnerEnv {
  const parsed = runnerEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SettingsError(`${issue.path.join('.')} ${issue.message}`);
  }
  return parsed.data;
}

/** Reads and checks the runner's variables; throws {@link SettingsError}. */
export function readRunnerSettings(vars: RunnerEnvVars): RunnerSettings {
  const env = parseRunnerEnv(vars);
  if (!env.GLYPH_RUNNER_KEYS) {
    throw new SettingsError(
      'GLYPH_RUNNER_KEYS is required: the runner only serves requests signed by the edge. ' +
        'Set it to "kid:secret[,kid2:secret2]" (the same key id and secret as the edge\'s RUNNER_KEY_ID / RUNNER_SECRET).',
    );
  }
  let keys: Map<string, string>;
  try {
    keys = parseRunnerKeys(env.GLYPH_RUNNER_KEYS);
  } catch (e) {
    // parseRunnerKeys never echoes a secret in its messages.
    throw new SettingsError(`GLYPH_RUNNER_KEYS: ${(e as Error).message}`);
  }
  const concurrency = env.GLYPH_RENDER_CONCURRENCY;
  return {
    host: env.GLYPH_RUNNER_HOST ?? '127.0.0.1',
    port: env.GLYPH_RUNNER_PORT,
    keys,
    concurrency,
    maxQueued: env.GLYPH_QUEUE_MAX,
    timeoutMs: env.GLYPH_REQUEST_TIMEOUT_MS,
    maxBodyBytes: Math.floor(env.GLYPH_MAX_BODY_MB * MB),
    drainMs: env.GLYPH_DRAIN_MS,
    planThreads: env.GLYPH_PLAN_THREADS ?? defaultPlanThreads(concurrency, availableParallelism()),
    ocr: {
      device: env.GLYPH_DEVICE,
      threads: env.GLYPH_OCR_THREADS,
      maxBatch: env.GLYPH_OCR_MAX_BATCH,
      maxWaitMs: env.GLYPH_OCR_MAX_WAIT_MS,
    },
    cache: cacheSettings(env),
    answer: answerSettings(env),
    fitWarm: env.GLYPH_FIT_WARM === 'on',
  };
}

/**
 * GLYPH_PLAN_THREADS when unset: one per four cores (each thread holds its own fonts and
 * tokenizer, ~150 MB), never more than the jobs that can run at once, at least one.
 */
export function defaultPlanThreads(concurrency: number, cores: number): number {
  return Math.max(1, Math.min(concurrency, Math.floor(cores / 4)));
}

function cacheSettings(env: RunnerEnv): RenderCacheSettings {
  const bucket = env.GLYPH_S3_BUCKET;
  if (!bucket && env.GLYPH_S3_ENDPOINT) throw new SettingsError('GLYPH_S3_ENDPOINT is set but GLYPH_S3_BUCKET is not');
  const accessKeyId = env.GLYPH_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.GLYPH_S3_SECRET_ACCESS_KEY;
  if (bucket && !accessKeyId !== !secretAccessKey) {
    throw new SettingsError('GLYPH_S3_ACCESS_KEY_ID and GLYPH_S3_SECRET_ACCESS_KEY must be set together');
  }
  const dir = env.GLYPH_CACHE_DIR;
  return {
    memoryBytes: env.GLYPH_CACHE_MEMORY_MB === undefined ? undefined : Math.floor(env.GLYPH_CACHE_MEMORY_MB * MB),
    dir: dir === 'off' ? null : dir,
    // 0 (or unset) leaves the disk tier unbounded.
    diskBytes: env.GLYPH_CACHE_DISK_MB ? Math.floor(env.GLYPH_CACHE_DISK_MB * MB) : undefined,
    s3: bucket
      ? {
          bucket,
          endpoint: env.GLYPH_S3_ENDPOINT,
          region: env.GLYPH_S3_REGION,
          prefix: env.GLYPH_S3_PREFIX,
          credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
        }
      : undefined,
  };
}

function answerSettings(env: RunnerEnv): AnswerSettings {
  const backend = env.GLYPH_ANSWER_BACKEND ?? (env.GLYPH_VLM_URL ? 'openai' : 'extractive');
  if (backend === 'extractive') return { backend };
  if (!env.GLYPH_VLM_URL) throw new SettingsError('GLYPH_VLM_URL is required for the openai answer backend');
  return {
    backend,
    vlm: {
      url: env.GLYPH_VLM_URL,
      model: env.GLYPH_VLM_MODEL,
      apiKey: env.GLYPH_VLM_API_KEY,
      timeoutMs: env.GLYPH_VLM_TIMEOUT_MS,
      maxPages: env.GLYPH_VLM_MAX_PAGES,
      maxTokens: env.GLYPH_VLM_MAX_TOKENS,
    },
  };
}
