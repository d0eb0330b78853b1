/**
 * How runner and storage failures reach clients: the one mapping from what the pool, the runner
 * client or storage threw to the error a client gets (503 + Retry-After, 502, …), in a form that
 * also crosses the Durable Object RPC boundary.
 */
import { AllRunnersBusyError, RunnersUnavailableError, RunnerStreamError } from './errors.ts';
import { ApiError, unavailable } from '../http/errors.ts';
import { describeForLog } from '../http/log-safe.ts';
import { StorageError } from '../storage/errors.ts';

/** Retry-After of a failed storage write: R2 errors are mostly momentary. */
export const STORAGE_RETRY_AFTER_SECONDS = 2;

/** A portable description of a failure: crosses the Durable Object RPC boundary intact. */
export interface FailureInfo {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

/** Turns what routing or a runner threw into a client-facing failure (503 + Retry-After, …). */
export function describeFailure(error: unknown): FailureInfo {
  if (error instanceof ApiError) {
    const retry = error.headers['retry-after'];
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(retry ? { retryAfterSeconds: Number(retry) } : {}),
    };
  }
  if (error instanceof AllRunnersBusyError) {
    return {
      status: 503,
      code: 'runners_busy',
      message: 'all runners are busy; retry later',
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (error instanceof RunnersUnavailableError) {
    return {
      status: 503,
      code: 'runners_unavailable',
      message: 'no runner is available; retry later',
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (error instanceof RunnerStreamError) {
    console.error(`edge: ${describeForLog(error)}`);
    return { status: 502, code: 'runner_error', message: "a runner's answer broke off or was malformed; retry" };
  }
  if (error instanceof StorageError) {
    console.error(`edge: ${describeForLog(error)}`);
    return {
      status: 503,
      code: 'storage_unavailable',
      message: 'storage is unavailable; retry later',
      retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS,
    };
  }
  // The error itself is not logged: its message or stack may quote what a client or runner sent.
  console.error(`edge: unexpected failure: ${describeForLog(error)}`);
  return { status: 500, code: 'internal_error', message: 'internal error' };
}

/** The {@link ApiError} of a {@link FailureInfo}. */
export function failureError(info: FailureInfo): ApiError {
  if (info.status === 503) return unavailable(info.message, info.retryAfterSeconds ?? 5, info.code);
  const headers: Record<string, string> =
    info.retryAfterSeconds !== undefined ? { 'retry-after': String(info.retryAfterSeconds) } : {};
  return new ApiError(info.status as ApiError['status'], info.code, info.message, headers);
}

/**
 * A runner's non-2xx answer as a client error. 400/413 are about the request (a config the
 * runner rejects) and pass through; 401 means edge and runner disagree on keys — our fault, so a
 * 502 that does not echo runner details; anything else is a bad gateway.
 */
export async function runnerHttpError(response: Response): Promise<ApiError> {
  let code = 'runner_error';
  let message = `runner answered HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON: keep the generic message.
  }
  if (response.status === 400 || response.status === 413) return new ApiError(response.status, code, message);
  if (response.status === 401) {
    console.error(`edge: runner rejected our signature (${code}): check RUNNER_KEY_ID / RUNNER_SECRET`);
    return new ApiError(502, 'runner_auth_failed', 'the edge could not authenticate to the runners');
  }
  return new ApiError(502, 'runner_error', `runner answered HTTP ${response.status}: ${message}`);
}
