/**
 * Rendezvous (highest-random-weight) hashing: which runner a document goes to first, and where it
 * fails over to. Each runner's weight for a key is a hash of (runner, key); runners are tried in
 * descending weight.
 *
 * Why rendezvous rather than modulo or a ring: adding or removing a runner moves only the keys whose
 * top runner it is (about 1/N of them), every other document keeps its runner and so its warm
 * caches; and the failover order for a key is just the rest of the ranking, so when the first
 * runner fails the keys spread evenly over the others instead of piling onto one neighbour.
 *
 * Web Crypto only: this runs in the Worker.
 */

const encoder = new TextEncoder();

/**
 * The weight of `runner` for `key`: the first 8 bytes of SHA-256(runner + "\n" + key) read as an
 * unsigned big-endian 64-bit integer. The "\n" separator keeps ("ab","c") and ("a","bc") apart
 * (runner URLs never contain a newline).
 */
export async function rendezvousWeight(runner: string, key: string): Promise<bigint> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`${runner}\n${key}`));
  return new DataView(digest).getBigUint64(0, false);
}

/**
 * Runners ordered for `key`, best first: descending {@link rendezvousWeight}, ties (practically
 * impossible with 64 bits, but the order must be total) broken by the runner string ascending.
 * Duplicate runners are listed once.
 */
export async function rendezvousOrder(key: string, runners: readonly string[]): Promise<string[]> {
  const unique = [...new Set(runners)];
  const weighted = await Promise.all(
    unique.map(async (runner) => ({ runner, weight: await rendezvousWeight(runner, key) })),
  );
  weighted.sort((a, b) => {
    if (a.weight !== b.weight) return a.weight > b.weight ? -1 : 1;
    return a.runner < b.runner ? -1 : a.runner > b.runner ? 1 : 0;
  });
  return weighted.map((w) => w.runner);
}
