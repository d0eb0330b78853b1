/**
 * The gateway's settings from the Worker's vars and secrets. Read per request (a handful of
 * string checks): the upstream key must never be copied into anything longer-lived than a request.
 */
import type { ImageDelivery } from '../../protocol/model-payloads.ts';

/** The vars and secrets the gateway reads. */
export interface GatewayVars {
  /** OpenAI-compatible API base, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1` (vLLM). */
  UPSTREAM_BASE_URL?: string;
  /** Secret: the provider key used when a request sends no `x-upstream-authorization`. */
  UPSTREAM_API_KEY?: string;
  /** `inline` (default: base64 in the request) or `url` (key-free page URLs the upstream fetches). */
  UPSTREAM_IMAGE_DELIVERY?: string;
  /** How long to wait for the upstream's response headers (default 120 000 ms) → 504. */
  UPSTREAM_TIMEOUT_MS?: string;
  /** Most pages one chat request may turn into (default 100) → 413. */
  GATEWAY_MAX_PAGES?: string;
}

/** Parsed settings. */
export interface GatewaySettings {
  /** Normalized base URL (no trailing slash), or null when none is configured. */
  upstreamBaseUrl: string | null;
  imageDelivery: ImageDelivery;
  timeoutMs: number;
  maxPages: number;
}

/** Default {@link GatewaySettings.maxPages}. */
export const DEFAULT_MAX_PAGES = 100;
/** Default {@link GatewaySettings.timeoutMs}. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 120_000;

/** The settings; throws a clear Error on a malformed var (a deploy mistake, not a client's). */
export function gatewaySettings(env: GatewayVars): GatewaySettings {
  const base = env.UPSTREAM_BASE_URL?.trim() ?? '';
  let upstreamBaseUrl: string | null = null;
  if (base !== '') {
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw new Error('UPSTREAM_BASE_URL must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error('UPSTREAM_BASE_URL must be an absolute http(s) URL');
    upstreamBaseUrl = base.replace(/\/+$/, '');
  }
  const delivery = (env.UPSTREAM_IMAGE_DELIVERY?.trim() || 'inline') as ImageDelivery;
  if (delivery !== 'inline' && delivery !== 'url') throw new Error('UPSTREAM_IMAGE_DELIVERY must be "inline" or "url"');
  return {
    upstreamBaseUrl,
    imageDelivery: delivery,
    timeoutMs: positiveInt(env.UPSTREAM_TIMEOUT_MS, 'UPSTREAM_TIMEOUT_MS', DEFAULT_UPSTREAM_TIMEOUT_MS),
    maxPages: positiveInt(env.GATEWAY_MAX_PAGES, 'GATEWAY_MAX_PAGES', DEFAULT_MAX_PAGES),
  };
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}
