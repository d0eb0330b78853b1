/**
 * Hono middleware that admits only requests signed by the edge (protocol/signing.ts has the scheme).
 */
import { createMiddleware } from 'hono/factory';
import type { MiddlewareHandler } from 'hono';
import { DEFAULT_SKEW_SECONDS, NonceStore, pathAndQueryOf, verifySignature } from '../../protocol/signing.ts';
import { RunnerError } from '../errors.ts';

/** Context variables this middleware sets for later handlers. */
export type RunnerSignatureVariables = {
  /** The exact body bytes that were verified (empty when there was none). */
  rawBody: Uint8Array;
  /** Id of the runner key that signed the request. */
  runnerKeyId: string;
};

/** Hono env of apps that use {@link verifyRunnerSignature}. */
export type RunnerSignatureEnv = { Variables: RunnerSignatureVariables };

/** Options of {@link verifyRunnerSignature}. */
export interface VerifyRunnerSignatureOptions {
  /** Accepted keys, key id → secret (`parseRunnerKeys(GLYPH_RUNNER_KEYS)`). */
  keys: Map<string, string>;
  /** Nonce memory; defaults to a fresh store sized for `skewSeconds`. Share one per process. */
  nonces?: NonceStore;
  /** Allowed clock difference in seconds; default 60. */
  skewSeconds?: number;
  /** Exact paths served without a signature; default `/healthz` and `/metrics`. */
  unsignedPaths?: readonly string[];
  /** Clock in unix seconds; defaults to the system clock. Tests pin it. */
  now?: () => number;
}

/**
 * Rejects with 401 `{error:{code,message}}` any request not signed with one of `keys`, except on
 * `unsignedPaths`. On success sets `rawBody` and `runnerKeyId`.
 *
 * The body is read once here via `c.req.arrayBuffer()`; Hono caches it, so handlers can still
 * call `c.req.json()` / `c.req.text()` (or use `c.get('rawBody')`), but not read `c.req.raw`'s
 * stream, which is consumed. Put a body-size limit (hono/body-limit) in front of this middleware:
 * the whole body is buffered before the signature can be checked.
 */
export function verifyRunnerSignature(options: VerifyRunnerSignatureOptions): MiddlewareHandler<RunnerSignatureEnv> {
  const skewSeconds = options.skewSeconds ?? DEFAULT_SKEW_SECONDS;
  const nonces = options.nonces ?? new NonceStore({ skewSeconds });
  const unsigned = new Set(options.unsignedPaths ?? ['/healthz', '/metrics']);
  const clock = options.now;
  if (options.keys.size === 0) {
    // Fail at startup rather than 401 every request.
    throw new Error('verifyRunnerSignature: no runner keys configured');
  }
  if (nonces.ttlSeconds < 2 * skewSeconds) {
    throw new Error(`verifyRunnerSignature: nonce store keeps nonces ${nonces.ttlSeconds}s, needs 2 × ${skewSeconds}s`);
  }

  return createMiddleware<RunnerSignatureEnv>(async (c, next) => {
    if (unsigned.has(c.req.path)) {
      await next();
      return;
    }
    const body = new Uint8Array(await c.req.arrayBuffer());
    const result = await verifySignature({
      method: c.req.method,
      pathAndQuery: pathAndQueryOf(c.req.url),
      headers: c.req.raw.headers,
      body,
      keys: options.keys,
      nonces,
      now: clock?.(),
      skewSeconds,
    });
    if (!result.ok) {
      return new RunnerError(401, result.code, result.message).getResponse();
    }
    c.set('rawBody', body);
    c.set('runnerKeyId', result.keyId);
    await next();
  });
}
