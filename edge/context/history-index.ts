/**
 * History reuse without an id: which document a run of messages was stored as, by the hash chain
 * of those messages. A client that sends its whole history on every turn gets the same segment
 * back with a few more messages at its end; the longest earlier run found here is the document
 * the new segment extends, and the render is asked to paint only its changed tail.
 *
 * Chain: h_0 = "", h_i = SHA-256(h_{i-1} | role | JSON of content), so h_i names the first i
 * messages of a segment exactly (JSON escapes the separator). Entries live in the RENDERS bucket
 * (derived data, re-created by any render) at `t/<tenant>/histories/<renderId>/<h>.json`: the
 * render id keeps tiers and profiles apart, and the tenant prefix keeps tenants apart.
 */
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import type { Env } from '../bindings.ts';
import type { Message } from '../conversations/transcript.ts';

/**
 * How many earlier lengths a lookup probes (in parallel): the last few turns of growth, and as
 * many multiples of the block size (where the cuts between tiers fall, so where earlier segments ended).
 */
export const HISTORY_PROBES = 8;

/** What an entry records: the document the first `messages` messages of a segment were stored as. */
export interface HistoryEntry {
  document: string;
  messages: number;
}

/** The chain h_1 … h_n of `messages` (index i holds h_{i+1}). */
export async function messageHashChain(messages: readonly Message[]): Promise<string[]> {
  const chain: string[] = [];
  let previous = '';
  for (const m of messages) {
    previous = await sha256Hex(`${previous}|${m.role}|${JSON.stringify(m.content)}`);
    chain.push(previous);
  }
  return chain;
}

function entryKey(tenant: string, renderId: string, hash: string): string {
  return `t/${tenant}/histories/${renderId}/${hash}.json`;
}

/** Records that the segment whose chain ends in `chain` was stored as `document`. */
export async function rememberHistory(env: Env, tenant: string, renderId: string, chain: readonly string[], document: string): Promise<void> {
  const hash = chain.at(-1);
  if (hash === undefined) return;
  const entry: HistoryEntry = { document, messages: chain.length };
  await env.RENDERS.put(entryKey(tenant, renderId, hash), JSON.stringify(entry), {
    httpMetadata: { contentType: 'application/json' },
  });
}

/** The prefix lengths a lookup probes for a segment of `length` messages, longest first. */
export function probeLengths(length: number, blockSize: number): number[] {
  const lengths = new Set<number>();
  for (let n = length - 1; n >= 1 && lengths.size < HISTORY_PROBES; n--) lengths.add(n);
  let multiples = 0;
  for (let n = Math.floor((length - 1) / blockSize) * blockSize; n >= 1 && multiples < HISTORY_PROBES; n -= blockSize, multiples++) lengths.add(n);
  return [...lengths].sort((a, b) => b - a);
}

/**
 * The document of the longest proper prefix of the segment (chain `chain`) recorded under
 * `renderId`, among the lengths {@link probeLengths} names; null when none is.
 */
export async function findLongestPrefix(
  env: Env,
  tenant: string,
  renderId: string,
  chain: readonly string[],
  blockSize: number,
): Promise<HistoryEntry | null> {
  const lengths = probeLengths(chain.length, blockSize);
  const found = await Promise.all(
    lengths.map(async (n) => {
      const object = await env.RENDERS.get(entryKey(tenant, renderId, chain[n - 1]!));
      if (!object) return null;
      try {
        const entry = JSON.parse(await object.text()) as Partial<HistoryEntry>;
        return typeof entry.document === 'string' && entry.messages === n ? (entry as HistoryEntry) : null;
      } catch {
        return null;
      }
    }),
  );
  return found.find((e) => e !== null) ?? null;
}
