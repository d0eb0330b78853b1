/**
 * The edge's environment: one zod schema over the Worker's vars, with the defaults wrangler.toml
 * documents, parsed once per isolate per distinct env object (vars never change while an isolate
 * lives). A malformed var throws a clear Error: a deploy mistake, not a client one.
 */
import { z } from 'zod';
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
  /** MAX_PDF_PAGES: most pages of an uploaded PDF (413 `too_many_pages` past it). */
  maxPdfPages: number;
  asyncPageThreshold: number;
  jobRangePages: number;
  rateLimitPerMinute: number;
  monthlyQuotaUnits: number;
  /** AUTH_CACHE_TTL_MS: how long key rows and quota readings are trusted per isolate (0 = never). */
  authCacheTtlMs: number;
  runnerTimeoutMs: number;
  answerBackend: string;
  prices: Prices;
  /** CORS_ORIGINS: origins allowed to call the API from a browser; empty = no CORS headers. */
  corsOrigins: string[];
  /** AUTH_FAILURES_PER_MINUTE: refused keys per client address per minute before 429; 0 = off. */
  authFailuresPerMinute: number;
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

/** Refused keys per address per minute when AUTH_FAILURES_PER_MINUTE is not set. */
export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 30;

// A whole-number var: unset or empty means `fallback`; anything else must be digits, at least `min`.
function intVar(name: string, min: 0 | 1, fallback: number) {
  const rule = min === 1 ? 'a positive integer' : 'a whole number ≥ 0';
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const text = value?.trim() ?? '';
      if (text === '') return fallback;
      const n = Number(text);
      if (/^\d+$/.test(text) && Number.isSafeInteger(n) && n >= min) return n;
      ctx.addIssue({ code: 'custom', message: `${name} must be ${rule}, got "${value}"` });
      return z.NEVER;
    });
}

// A var parsed by `parse`, whose Error becomes the issue's message.
function parsedVar<T>(parse: (value: string | undefined) => T) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parse(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });
}

/** The schema of the Worker's vars (bindings and secrets are left to their users). */
export const edgeVarsSchema = z
  .object({
    MAX_UPLOAD_BYTES: intVar('MAX_UPLOAD_BYTES', 1, 20 * 1024 * 1024),
    MAX_PDF_PAGES: intVar('MAX_PDF_PAGES', 1, 2000),
    RENDER_ASYNC_PAGE_THRESHOLD: intVar('RENDER_ASYNC_PAGE_THRESHOLD', 1, 200),
    RENDER_JOB_RANGE_PAGES: intVar('RENDER_JOB_RANGE_PAGES', 1, 50),
    RATE_LIMIT_PER_MINUTE: intVar('RATE_LIMIT_PER_MINUTE', 1, 600),
    MONTHLY_QUOTA_UNITS: intVar('MONTHLY_QUOTA_UNITS', 1, 1_000_000),
    AUTH_CACHE_TTL_MS: intVar('AUTH_CACHE_TTL_MS', 0, 10_000),
    RUNNER_TIMEOUT_MS: intVar('RUNNER_TIMEOUT_MS', 1, 30_000),
    ANSWER_BACKEND: z
      .string()
      .optional()
      .transform((value) => value?.trim() || 'default'),
    PRICES: parsedVar(parsePrices),
    CORS_ORIGINS: parsedVar(parseCorsOrigins),
    AUTH_FAILURES_PER_MINUTE: intVar('AUTH_FAILURES_PER_MINUTE', 0, DEFAULT_AUTH_FAILURES_PER_MINUTE),
  })
  .transform(
    (vars): EdgeConfig => ({
      maxUploadBytes: vars.MAX_UPLOAD_BYTES,
      maxPdfPages: vars.MAX_PDF_PAGES,
      asyncPageThreshold: vars.RENDER_ASYNC_PAGE_THRESHOLD,
      jobRangePages: vars.RENDER_JOB_RANGE_PAGES,
      rateLimitPerMinute: vars.RATE_LIMIT_PER_MINUTE,
      monthlyQuotaUnits: vars.MONTHLY_QUOTA_UNITS,
      authCacheTtlMs: vars.AUTH_CACHE_TTL_MS,
      runnerTimeoutMs: vars.RUNNER_TIMEOUT_MS,
      answerBackend: vars.ANSWER_BACKEND,
      prices: vars.PRICES,
      corsOrigins: vars.CORS_ORIGINS,
      authFailuresPerMinute: vars.AUTH_FAILURES_PER_MINUTE,
    }),
  );

const cache = new WeakMap<object, EdgeConfig>();
// The settings when the app runs without bindings (app.request in Node tests): all defaults.
const NO_ENV = {};

/**
 * The settings of `env`; throws a clear Error on a malformed var (a deploy mistake, not a client one).
 * `env` is absent when the app runs without bindings (app.request in Node tests).
 */
export function edgeConfig(env: Partial<Env> | undefined): EdgeConfig {
  const vars = env ?? NO_ENV;
  const hit = cache.get(vars);
  if (hit) return hit;
  const parsed = edgeVarsSchema.safeParse(vars);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid Worker vars');
  cache.set(vars, parsed.data);
  return parsed.data;
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

/**
 * The allowed origins of CORS_ORIGINS (comma or space separated). Each must be an origin exactly
 * as browsers send it (scheme, host, optional port; no path, no trailing slash); anything else
 * throws, as a deploy mistake must not silently allow nothing or too much.
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
      throw new Error(
        `CORS_ORIGINS: "${item}" is not an origin (like https://app.example.com, no path or trailing slash)`,
      );
    }
  }
  return [...new Set(items)];
}
