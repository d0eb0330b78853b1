/**
 * History entries in the RENDERS bucket (derived data: any render re-creates them): which document
 * a run of chat messages was stored as, named by the hash chain of those messages
 * (edge/context/history-index.ts says how it is built and probed).
 */
import type { Env } from '../bindings.ts';
import { storageWrite } from './errors.ts';
import { historyKey } from './keys.ts';

/** What an entry records: the document the first `messages` messages of a segment were stored as. */
export interface HistoryEntry {
  document: string;
  messages: number;
}

/** Stores the entry of the run whose chain ends in `hash`. */
export async function writeHistoryEntry(
  env: Env,
  tenant: string,
  renderId: string,
  hash: string,
  entry: HistoryEntry,
): Promise<void> {
  await storageWrite(
    'history entry',
    env.RENDERS.put(historyKey(tenant, renderId, hash), JSON.stringify(entry), {
      httpMetadata: { contentType: 'application/json' },
    }),
  );
}

/** The entry of the run whose chain ends in `hash`, or null (none, or unreadable: a miss, never an error). */
export async function readHistoryEntry(
  env: Env,
  tenant: string,
  renderId: string,
  hash: string,
): Promise<HistoryEntry | null> {
  const object = await env.RENDERS.get(historyKey(tenant, renderId, hash));
  if (!object) return null;
  try {
    const entry = JSON.parse(await object.text()) as Partial<HistoryEntry>;
    return typeof entry.document === 'string' && typeof entry.messages === 'number' ? (entry as HistoryEntry) : null;
  } catch {
    return null;
  }
}

/** Stores a small JSON record under a history hash (a remembered plan: edge/context/plan-memory.ts). */
export async function writeHistoryRecord(env: Env, tenant: string, space: string, hash: string, record: unknown): Promise<void> {
  await storageWrite(
    'history record',
    env.RENDERS.put(historyKey(tenant, space, hash), JSON.stringify(record), {
      httpMetadata: { contentType: 'application/json' },
    }),
  );
}

/** The JSON record under a history hash, or null (none, or unreadable). */
export async function readHistoryRecord(env: Env, tenant: string, space: string, hash: string): Promise<unknown> {
  const object = await env.RENDERS.get(historyKey(tenant, space, hash));
  if (!object) return null;
  try {
    return JSON.parse(await object.text()) as unknown;
  } catch {
    return null;
  }
}
