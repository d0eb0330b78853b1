/**
 * How long the fast-check properties run. `npm test` runs each with its own short default;
 * `npm run fuzz` raises the budget through two environment variables:
 * - `FUZZ_RUNS`: runs per property (replaces every short default);
 * - `FUZZ_SECONDS`: wall-clock budget per property. fast-check stops drawing new cases when it is
 *   spent and the property passes (`markInterruptAsFailure` stays false), so a huge `FUZZ_RUNS`
 *   with a `FUZZ_SECONDS` gives a run of predictable length whatever each case costs.
 * To replay a failure, set `FUZZ_SEED` and `FUZZ_PATH` to the seed and path fast-check printed,
 * and run only that test (`vitest run <file> -t <name>`).
 */

/** Options for `fc.assert`: `numRuns`, `interruptAfterTimeLimit` when `FUZZ_SECONDS` is set, and a replay. */
export interface FuzzParameters {
  numRuns: number;
  interruptAfterTimeLimit?: number;
  seed?: number;
  path?: string;
}

function positive(name: string): number | undefined {
  const raw = process.env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  // A typo must not silently fall back to the short run (or to no run at all).
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** Runs per property: `FUZZ_RUNS` when set, else the test's short default. */
export function fuzzRuns(shortDefault: number): number {
  const runs = positive('FUZZ_RUNS');
  return runs === undefined ? shortDefault : Math.floor(runs);
}

/**
 * `fc.assert` parameters for a property whose short run is `shortDefault` cases; a test that
 * asserts `shares` properties one after the other gives each that share of `FUZZ_SECONDS`.
 */
export function fuzzParameters(shortDefault: number, shares = 1): FuzzParameters {
  const seconds = positive('FUZZ_SECONDS');
  const seed = process.env.FUZZ_SEED?.trim();
  return {
    numRuns: fuzzRuns(shortDefault),
    ...(seconds === undefined ? {} : { interruptAfterTimeLimit: Math.round((seconds * 1000) / shares) }),
    ...(seed ? { seed: Number(seed), path: process.env.FUZZ_PATH?.trim() || undefined } : {}),
  };
}

/**
 * Vitest timeout of a property test: the configured default in `npm test`, and `FUZZ_SECONDS`
 * plus a minute of slack (the case running when time is up still finishes, then shrinking may run)
 * in the long run.
 */
export function fuzzTimeoutMs(shortTimeoutMs = 60_000): number {
  const seconds = positive('FUZZ_SECONDS');
  return seconds === undefined ? shortTimeoutMs : Math.round(seconds * 1000) + 60_000;
}
