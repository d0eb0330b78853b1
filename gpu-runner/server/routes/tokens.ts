/**
 * `POST /v1/tokens` `{text, family?}` → `{textTokens, tokenizer}`: Qwen3 by default (what the edge
 * stores with a new document), or another profile's family (its totals and passthrough decision).
 * Counted in a planner thread (gpu-runner/planner/), so a long text does not hold the event loop;
 * no device queue slot, since no page is painted or read.
 */
import { Hono } from 'hono';
import { tokensRequestSchema, type TokensResponse } from '../../../protocol/runner-api.ts';
import type { RenderPlanner } from '../../planner/planner.ts';
import { parseJsonBody } from '../request.ts';
import type { RouteDeps, RunnerEnv } from './types.ts';

/** Dependencies of the tokens route. */
export interface TokensRouteDeps extends Pick<RouteDeps, 'assertAccepting'> {
  planner: Pick<RenderPlanner, 'countTokens'>;
}

/** The tokens route. */
export function tokensRoute(deps: TokensRouteDeps): Hono<RunnerEnv> {
  const app = new Hono<RunnerEnv>();
  app.post('/v1/tokens', async (c) => {
    deps.assertAccepting();
    const { text, family = 'qwen3' } = parseJsonBody(
      c.req.header('content-type'),
      c.get('rawBody'),
      tokensRequestSchema,
    );
    const textTokens = await deps.planner.countTokens(text, { signal: c.req.raw.signal, family });
    return c.json({ textTokens, tokenizer: family } satisfies TokensResponse);
  });
  return app;
}
