/**
 * Typed settings read from the Worker's vars, with the defaults wrangler.toml documents.
 * Parsed once per isolate per distinct env object: vars never change while an isolate lives.
 */
import type { Env } from './bindings.ts';

/** Units billed per operation (PRICES); `*Cached` apply when the result came from cache. */
export interface Prices {
  upload: number;
  render_page: number;
  render_page_cached: number;
  query: number;
  query_cached: number;
  decode: number;
  decode_cached: number;
  /** Per `POST /v1/chat/completions` call, on top of its pages at the render prices. */
  chat: number;
}

/** The edge's settings. */
export interface EdgeConfig {
  maxUploadBytes: number;
  asyncPageThreshold: number;
  jobRangePages: number;
  rateLimitPerMinute: number;
  monthlyQuotaUnits: number;
  /** AUTH_CACHE_TTL_MS: how long key rows and quota readings are trusted per isolate (0 = never). */
  authCacheTtlMs: number;
  runnerTimeoutMs: number;
  answerBackend: string;
  prices: Prices;
}

/** Prices used for any operation PRICES leaves out. */
export const DEFAULT_PRICES: Prices = {
  upload: 1,
  render_page: 10,
  render_page_cached: 1,
  query: 20,
  query_cached: 2,
  decode: 20,
  decode_cached: 2,
  chat: 1,
};

const cache = new WeakMap<object, EdgeConfig>();

/** The settings of `env`; throws a clear Error on a malformed var (a deploy mistake, not a client one). */
export function edgeConfig(env: Env): EdgeConfig {
  const hit = cache.get(env);
  if (hit) return hit;
  const config: EdgeConfig = {
    maxUploadBytes: positiveInt(env.MAX_UPLOAD_BYTES, 'MAX_UPLOAD_BYTES', 20 * 1024 * 1024),
    asyncPageThreshold: positiveInt(env.RENDER_ASYNC_PAGE_THRESHOLD, 'RENDER_ASYNC_PAGE_THRESHOLD', 200),
    jobRangePages: positiveInt(env.RENDER_JOB_RANGE_PAGES, 'RENDER_JOB_RANGE_PAGES', 50),
    rateLimitPerMinute: positiveInt(env.RATE_LIMIT_PER_MINUTE, 'RATE_LIMIT_PER_MINUTE', 600),
    monthlyQuotaUnits: positiveInt(env.MONTHLY_QUOTA_UNITS, 'MONTHLY_QUOTA_UNITS', 1_000_000),
    authCacheTtlMs: nonNegativeInt(env.AUTH_CACHE_TTL_MS, 'AUTH_CACHE_TTL_MS', 10_000),
    runnerTimeoutMs: positiveInt(env.RUNNER_TIMEOUT_MS, 'RUNNER_TIMEOUT_MS', 30_000),
    answerBackend: (env.ANSWER_BACKEND ?? '').trim() || 'default',
    prices: parsePrices(env.PRICES),
  };
  cache.set(env, config);
  return config;
}

/** Parses the PRICES JSON object; unknown operations are an error so typos do not bill 0. */
export function parsePrices(value: string | undefined): Prices {
  if (value === undefined || value.trim() === '') return { ...DEFAULT_PRICES };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new Error(`PRICES is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('PRICES must be a JSON object of operation → units');
  }
  const prices: Prices = { ...DEFAULT_PRICES };
  for (const [name, units] of Object.entries(parsed)) {
    if (!Object.hasOwn(DEFAULT_PRICES, name)) {
      throw new Error(`PRICES names unknown operation "${name}"; known: ${Object.keys(DEFAULT_PRICES).join(', ')}`);
    }
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 0) {
      throw new Error(`PRICES.${name} must be a whole number of units ≥ 0`);
    }
    prices[name as keyof Prices] = units;
  }
  return prices;
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || String(value).trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function nonNegativeInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || String(value).trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0, got "${value}"`);
  return n;
}
