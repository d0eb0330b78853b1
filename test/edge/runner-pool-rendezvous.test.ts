/** Rendezvous hashing: determinism, minimal movement when runners come and go, even spread. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rendezvousOrder, rendezvousWeight } from '../../edge/runners/rendezvous.ts';

const runnerArb = fc.integer({ min: 1, max: 65_535 }).map((port) => `http://10.0.0.1:${port}`);
const runnersArb = fc.uniqueArray(runnerArb, { minLength: 1, maxLength: 8 });
const keyArb = fc.oneof(
  fc.string(),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
);

describe('rendezvousWeight', () => {
  it('is the first 8 bytes of SHA-256(runner + "\\n" + key), big-endian', async () => {
    const runner = 'http://127.0.0.1:8788';
    const key = 'a'.repeat(64);
    const digest = createHash('sha256').update(`${runner}\n${key}`).digest();
    expect(await rendezvousWeight(runner, key)).toBe(digest.readBigUInt64BE(0));
  });
});

describe('rendezvousOrder', () => {
  it('is a deterministic permutation, independent of the order runners are listed in', async () => {
    await fc.assert(
      fc.asyncProperty(keyArb, runnersArb, fc.infiniteStream(fc.nat()), async (key, runners, seeds) => {
        const shuffled = [...runners].sort(() => (seeds.next().value % 3) - 1);
        const a = await rendezvousOrder(key, runners);
        const b = await rendezvousOrder(key, shuffled);
        expect(a).toEqual(b);
        expect([...a].sort()).toEqual([...runners].sort());
      }),
    );
  });

  it('lists a duplicated runner once', async () => {
    expect(await rendezvousOrder('k', ['http://a', 'http://b', 'http://a'])).toHaveLength(2);
  });

  it('removing a runner leaves the order of the others unchanged (only its keys move)', async () => {
    await fc.assert(
      fc.asyncProperty(
        keyArb,
        runnersArb.filter((r) => r.length >= 2),
        fc.nat(),
        async (key, runners, pick) => {
          const removed = runners[pick % runners.length];
          const before = await rendezvousOrder(key, runners);
          const after = await rendezvousOrder(
            key,
            runners.filter((r) => r !== removed),
          );
          expect(after).toEqual(before.filter((r) => r !== removed));
          if (before[0] !== removed) expect(after[0]).toBe(before[0]);
        },
      ),
    );
  });

  it('adding a runner takes keys only for itself', async () => {
    await fc.assert(
      fc.asyncProperty(keyArb, runnersArb, runnerArb, async (key, runners, added) => {
        fc.pre(!runners.includes(added));
        const before = await rendezvousOrder(key, runners);
        const after = await rendezvousOrder(key, [...runners, added]);
        expect([before[0], added]).toContain(after[0]);
        expect(after.filter((r) => r !== added)).toEqual(before);
      }),
    );
  });

  it('spreads keys roughly evenly, and a removal moves only the removed runner’s share', async () => {
    const runners = Array.from({ length: 5 }, (_, i) => `http://runner-${i}.internal:8788`);
    const keys = Array.from({ length: 3000 }, (_, i) => createHash('sha256').update(`doc ${i}`).digest('hex'));
    const firstOf = async (pool: string[]) => Promise.all(keys.map(async (k) => (await rendezvousOrder(k, pool))[0]));

    const first = await firstOf(runners);
    const counts = new Map<string, number>();
    for (const r of first) counts.set(r, (counts.get(r) ?? 0) + 1);
    const expected = keys.length / runners.length;
    for (const r of runners) {
      // 600 expected, σ ≈ 22: ±20 % is more than 5σ, so this fails only for a biased hash.
      expect(Math.abs((counts.get(r) ?? 0) - expected)).toBeLessThan(expected * 0.2);
    }

    const after = await firstOf(runners.slice(1));
    const moved = keys.filter((_, i) => first[i] !== after[i]).length;
    expect(moved).toBe(counts.get(runners[0]));
    // The removed runner's keys spread over the remaining four, not onto one neighbour.
    const heirs = new Map<string, number>();
    keys.forEach((_, i) => {
      if (first[i] === runners[0]) heirs.set(after[i], (heirs.get(after[i]) ?? 0) + 1);
    });
    expect(heirs.size).toBe(4);
    for (const n of heirs.values()) expect(n).toBeGreaterThan(moved / 4 / 2);
  });
});
