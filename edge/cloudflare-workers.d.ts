/**
 * The part of the `cloudflare:workers` module the edge uses. Declared here because the ambient
 * `@cloudflare/workers-types` (which declares it) would clash with the DOM/Node types the rest of
 * the repository is checked with; see edge/bindings.ts.
 */
declare module 'cloudflare:workers' {
  import type { DurableObjectState } from '@cloudflare/workers-types/latest/index.ts';

  /** Base class of RPC-capable Durable Objects. */
  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState;
    protected env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
}
