/** Reaching the coordinator of one (tenant, document). */
import type { Env } from '../bindings.ts';
import type { CoordinatorRpc } from './document-coordinator.ts';

/**
 * The coordinator stub for `tenant`'s document `sha`. The name includes the tenant, so two
 * tenants with the same text never share an object (nor its timing).
 */
export function coordinatorFor(env: Env, tenant: string, sha: string): CoordinatorRpc {
  const id = env.COORDINATOR.idFromName(`${tenant}/${sha}`);
  return env.COORDINATOR.get(id) as unknown as CoordinatorRpc;
}
