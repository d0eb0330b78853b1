/**
 * What the last call on a history planned, found again by the next call on that history grown by
 * a few turns (the same message-hash chain as history-index.ts, over the whole history). Without
 * it every call plans afresh from estimates that shift with each render seen, and under a tight
 * budget consecutive plans put their cuts and drop point in different places: every segment then
 * starts at another turn and no page is reused. With it, a call first tries the last plan carried
 * over (plan.ts `carriedPlan`) and plans afresh only when that no longer fits.
 */
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import type { ProfileName } from '../../protocol/profiles.ts';
import type { Env } from '../bindings.ts';
import { readHistoryRecord, writeHistoryRecord } from '../storage/histories.ts';
import { HISTORY_PROBES } from './history-index.ts';
import type { RememberedPlan } from './plan.ts';

/** The key space of plans for a profile and `keepRecent` (a plan for other ones is another plan). */
export function planSpace(profile: ProfileName, keepRecent: number): Promise<string> {
  return sha256Hex(`context-plan|v1|${profile}|${keepRecent}`);
}

function isRememberedPlan(value: unknown): value is RememberedPlan {
  const v = value as Partial<RememberedPlan> | null;
  const whole = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  return (
    typeof v === 'object' &&
    v !== null &&
    whole(v.budget) &&
    whole(v.dropped) &&
    whole(v.textFrom) &&
    Array.isArray(v.segments) &&
    v.segments.every((s) => whole(s?.tier) && whole(s?.from) && whole(s?.to) && s.from < s.to)
  );
}

/** Remembers `plan` for the history whose chain is `chain`. */
export async function rememberPlan(
  env: Env,
  tenant: string,
  space: string,
  chain: readonly string[],
  plan: RememberedPlan,
): Promise<void> {
  const hash = chain.at(-1);
  if (hash !== undefined) await writeHistoryRecord(env, tenant, space, hash, plan);
}

/** The plan remembered for the longest of the last {@link HISTORY_PROBES} shorter prefixes of the history, or null. */
export async function findRememberedPlan(
  env: Env,
  tenant: string,
  space: string,
  chain: readonly string[],
): Promise<RememberedPlan | null> {
  const lengths: number[] = [];
  for (let n = chain.length - 1; n >= 1 && lengths.length < HISTORY_PROBES; n--) lengths.push(n);
  const found = await Promise.all(
    lengths.map(async (n) => {
      const record = await readHistoryRecord(env, tenant, space, chain[n - 1]!);
      return isRememberedPlan(record) ? record : null;
    }),
  );
  return found.find((p) => p !== null) ?? null;
}
