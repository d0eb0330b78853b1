/**
 * History records in the RENDERS bucket (derived data: any call re-creates them), named by the
 * hash chain of a run of chat messages under a key space (a render id, or a plan space): which
 * document a segment was stored as (edge/context/history-index.ts), what the last call on a
 * history planned (edge/context/plan-memory.ts).
 */
import type { Env } from '../bindings.ts';
import { storageWrite } from './errors.ts';
import { historyKey } from './keys.ts';

/** What a segment entry records: the document the first `messages` messages of a segment were stored as. */
export interface HistoryEntry {
  document: string;
  messages: number;
}

/** Stores a small JSON record under a history hash. */
export async function writeHistoryRecord(
  env: Env,
  tenant: string,
  space: string,
  hash: string,
  record: unknown,
): Promise<void> {
  await storageWrite(
    'history record',
    env.RENDERS.put(historyKey(tenant, space, hash), JSON.stringify(record), {
      httpMetadata: { contentType: 'application/json' },
    }),
  );
}

/** The JSON record under a history hash, or null (none, or unreadable: a miss, never an error). */
export async function readHistoryRecord(env: Env, tenant: string, space: string, hash: string): Promise<unknown> {
  const object = await env.RENDERS.get(historyKey(tenant, space, hash));
  if (!object) return null;
  try {
    return JSON.parse(await object.text()) as unknown;
  } catch {
    return null;
  }
}

/** Stores the segment entry of the run whose chain ends in `hash`, under `renderId`. */
export function writeHistoryEntry(
  env: Env,
  tenant: string,
  renderId: string,
  hash: string,
  entry: HistoryEntry,
): Promise<void> {
  return writeHistoryRecord(env, tenant, renderId, hash, entry);
}

/** The segment entry of the run whose chain ends in `hash`, or null. */
export async function readHistoryEntry(
  env: Env,
  tenant: string,
  renderId: string,
  hash: string,
): Promise<HistoryEntry | null> {
  const entry = (await readHistoryRecord(env, tenant, renderId, hash)) as Partial<HistoryEntry> | null;
  return typeof entry?.document === 'string' && typeof entry.messages === 'number' ? (entry as HistoryEntry) : null;
}
