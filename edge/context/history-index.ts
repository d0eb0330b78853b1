/**
 * History reuse without an id: which document a run of messages was stored as, by the hash chain
 * of those messages. A client that sends its whole history on every turn gets the same segment
 * back with a few more messages at its end; the longest earlier run found here is the document
 * the new segment extends, and the render is asked to paint only its changed tail.
 *
 * Chain: h_0 = "", h_i = SHA-256(h_{i-1} | role | JSON of content), so h_i names the first i
 * messages of a segment exactly (JSON escapes the separator). Entries are kept per tenant and
 * render id (edge/storage/histories.ts): the render id keeps tiers and profiles apart.
 */
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import type { Env } from '../bindings.ts';
import type { Message } from '../conversations/transcript.ts';
import { readHistoryEntry, writeHistoryEntry, type HistoryEntry } from '../storage/histories.ts';

export type { HistoryEntry };

/**
 * How many earlier lengths a lookup probes (in parallel): the last few turns of growth, and as
 * many multiples of the block size (where the cuts between tiers fall, so where earlier segments ended).
 */
export const HISTORY_PROBES = 8;

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

/** Records that the segment whose chain ends in `chain` was stored as `document`. */
export async function rememberHistory(
  env: Env,
  tenant: string,
  renderId: string,
  chain: readonly string[],
  document: string,
): Promise<void> {
  const hash = chain.at(-1);
  if (hash === undefined) return;
  await writeHistoryEntry(env, tenant, renderId, hash, { document, messages: chain.length });
}

/** The prefix lengths a lookup probes for a segment of `length` messages, longest first. */
export function probeLengths(length: number, blockSize: number): number[] {
  const lengths = new Set<number>();
  for (let n = length - 1; n >= 1 && lengths.size < HISTORY_PROBES; n--) lengths.add(n);
  let multiples = 0;
  for (
    let n = Math.floor((length - 1) / blockSize) * blockSize;
    n >= 1 && multiples < HISTORY_PROBES;
    n -= blockSize, multiples++
  )
    lengths.add(n);
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
      const entry = await readHistoryEntry(env, tenant, renderId, chain[n - 1]!);
      return entry?.messages === n ? entry : null;
    }),
  );
  return found.find((e) => e !== null) ?? null;
}
