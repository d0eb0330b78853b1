/**
 * `GET /readyz`: the public, unauthenticated readiness check. Ready means work can be done now: at
 * least one runner answers a signed probe (its own signed `GET /readyz`) with 200. `/healthz` only
 * says the Worker is up, which it is long before any runner has loaded its models.
 *
 * Every runner is probed at once, each for at most READY_PROBE_TIMEOUT_MS. An isolate reuses a
 * result for READY_REUSE_MS and lets concurrent checks share one round of probes, so an
 * unauthenticated route cannot be used to flood the runners with signed requests.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.ts';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { runnerClient, type RunnerClient, type RunnerProbe } from '../runners/runner-client.ts';

/** How long one runner's probe may take before it counts as down. */
export const READY_PROBE_TIMEOUT_MS = 2000;
/** How long an isolate reuses a round of probes. */
export const READY_REUSE_MS = 1000;

const runnerSchema = z
  .object({
    url: z.string().openapi({ description: 'The runner (as RUNNERS lists it).' }),
    ok: z.boolean().openapi({ description: 'It answered the signed probe: ready.' }),
    status: z.enum(['ready', 'loading', 'draining']).optional().openapi({ description: "The runner's own state." }),
    executionProvider: z.string().optional().openapi({ description: 'Where its OCR model runs (`cuda`, `cpu`).' }),
    error: z.string().optional().openapi({
      description: 'Why it is down: `timeout (… ms)`, `unreachable`, or the HTTP status and code it answered.',
    }),
    ms: z.number().int().openapi({ description: 'How long the probe took.' }),
  })
  .openapi('RunnerReadiness');

const readinessSchema = z
  .object({
    ready: z.boolean(),
    runners: z.array(runnerSchema),
    error: z
      .string()
      .optional()
      .openapi({ description: 'Why no runner could be probed at all (a configuration error).' }),
  })
  .openapi('Readiness');

/** Body of `GET /readyz`. */
export type Readiness = z.infer<typeof readinessSchema>;

/** `GET /readyz`. */
export const readyzRoute = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'ready',
  tags: ['system'],
  summary: 'Readiness check: does a runner answer?',
  description:
    `Probes every runner (a signed \`GET /readyz\`, at most ${READY_PROBE_TIMEOUT_MS} ms each, all at once) and lists ` +
    `which answer. A result is reused for up to ${READY_REUSE_MS} ms. Poll this, not \`/healthz\`, before sending work.`,
  security: [],
  responses: {
    200: { description: 'At least one runner is ready.', content: { 'application/json': { schema: readinessSchema } } },
    503: {
      description: 'No runner is ready (each entry says why).',
      content: { 'application/json': { schema: readinessSchema } },
    },
  },
});

const rounds = new WeakMap<RunnerClient, { at: number; probes: Promise<RunnerProbe[]> }>();

function probeRound(client: RunnerClient): Promise<RunnerProbe[]> {
  const now = Date.now();
  const last = rounds.get(client);
  if (last && now - last.at < READY_REUSE_MS) return last.probes;
  const probes = client.readiness(READY_PROBE_TIMEOUT_MS);
  rounds.set(client, { at: now, probes });
  return probes;
}

/** Serves `GET /readyz` on `app`. */
export function serveReadyz(app: OpenAPIHono<AppEnv>): void {
  app.openapi(readyzRoute, async (c) => {
    const headers = { 'cache-control': 'no-store' };
    let runners: RunnerProbe[];
    try {
      runners = await probeRound(runnerClient(c.env));
    } catch (error) {
      const body: Readiness = {
        ready: false,
        runners: [],
        error: error instanceof Error ? error.message : String(error),
      };
      return c.json(body, 503, headers);
    }
    const ready = runners.some((r) => r.ok);
    return ready
      ? c.json({ ready, runners } satisfies Readiness, 200, headers)
      : c.json({ ready, runners } satisfies Readiness, 503, headers);
  });
}
