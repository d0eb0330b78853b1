/** The readiness probe of one runner: its signed `GET /readyz`, never throwing. */
import { errorBodySchema, runnerReadinessSchema, type RunnerReadiness } from '../../protocol/runner-api.ts';
import type { RunnerPool } from './pool.ts';

/** One runner's answer to the readiness probe ({@link RunnerClient.readiness}). */
export interface RunnerProbe {
  /** The runner's base URL. */
  url: string;
  /** It answered the signed `GET /readyz` with 200 and `ready: true`. */
  ok: boolean;
  /** The runner's own state, when it answered on contract. */
  status?: RunnerReadiness['status'];
  /** The execution provider it named, when it answered on contract. */
  executionProvider?: string;
  /** Why it is not ok: `timeout`, `unreachable`, or the HTTP status and error code it answered. */
  error?: string;
  /** How long the probe took. */
  ms: number;
}

/** Probes `url` within `timeoutMs`: ok, or why not. */
export async function probeRunner(pool: RunnerPool, url: string, timeoutMs: number): Promise<RunnerProbe> {
  const started = Date.now();
  const ms = () => Date.now() - started;
  try {
    const response = await pool.probe(url, { path: '/readyz', timeoutMs });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const ready = runnerReadinessSchema.safeParse(body);
    if (ready.success) {
      const { status, executionProvider } = ready.data;
      const ok = response.status === 200 && ready.data.ready;
      return {
        url,
        ok,
        status,
        executionProvider,
        ...(ok ? {} : { error: `HTTP ${response.status} ${status}` }),
        ms: ms(),
      };
    }
    const code = errorBodySchema.safeParse(body);
    return {
      url,
      ok: false,
      error: `HTTP ${response.status}${code.success ? ` ${code.data.error.code}` : ''}`,
      ms: ms(),
    };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return { url, ok: false, error: timedOut ? `timeout (${timeoutMs} ms)` : 'unreachable', ms: ms() };
  }
}
