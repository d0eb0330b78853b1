/**
 * The fit search: the densest candidate setting whose calibration read-back at the model's
 * resolution meets the floor with confidence (less one standard error, {@link confidentReadback}). Read-back falls as the font shrinks, so the candidates (densest
 * first) are bisected: about log2(14) ≈ 4 read-backs of 16 lines, not 14. When even the loosest
 * setting misses the floor (strict CJK against a dictionary that lacks some traditional forms,
 * or a floor of 1), the floor is out of reach: the looser half is read too, to learn the best
 * read-back this reader reaches, and the densest setting that reaches `floor` × that best is
 * taken (the floor as a share of what can be read at all), with `floorMet: false`.
 */
import type { ProfileName } from '../../protocol/profiles.ts';
import type { FontFamily, TextScript } from '../../protocol/render-config.ts';
import { candidateReadback, type CandidateReadback, type LineReader } from './readback.ts';
import { candidateSettings, fittedConfig, type FitSetting } from './settings.ts';

/** When the floor is out of reach, the relative floor stays at least this far under the best read-back seen. */
export const BEST_TOLERANCE = 0.005;

/**
 * The read-back a candidate can be trusted to reach: the measured share less one standard error
 * of a share over `chars` characters. A sample of ~1 500 characters that reads 0.9905 may well be
 * a 0.988 text: without the margin the search takes the setting that only just passed by luck,
 * and whole documents then read back under the floor.
 */
export function confidentReadback(r: Pick<CandidateReadback, 'readback' | 'chars'>): number {
  if (r.chars <= 0) return 0;
  return r.readback - Math.sqrt((r.readback * (1 - r.readback)) / r.chars);
}

/** What the search chose, and what it measured on the way. */
export interface FitResult {
  profile: ProfileName;
  script: TextScript;
  family: FontFamily;
  floor: number;
  fontSize: number;
  lineHeight: number;
  margin: number;
  readback: number;
  floorMet: boolean;
  resizedDown: boolean;
  /** Every candidate read, by font size (points), in the order read. */
  measured: Array<{ fontSize: number; readback: number }>;
}

/** Options of {@link searchFit}. */
export interface SearchFitOptions {
  profile: ProfileName;
  script: TextScript;
  family: FontFamily;
  floor: number;
  read: LineReader;
  /** Candidates, densest first (default {@link candidateSettings} of the script). */
  candidates?: FitSetting[];
  sampleLines?: number;
  signal?: AbortSignal;
}

/** Runs the search; see the module comment. */
export async function searchFit(options: SearchFitOptions): Promise<FitResult> {
  const { profile, script, family, floor } = options;
  const candidates = options.candidates ?? candidateSettings(script);
  if (candidates.length === 0) throw new RangeError('fit: no candidate settings');
  const results = new Map<number, CandidateReadback>();
  const measured: FitResult['measured'] = [];
  const measure = async (i: number): Promise<CandidateReadback> => {
    const known = results.get(i);
    if (known) return known;
    options.signal?.throwIfAborted();
    const setting = candidates[i]!;
    const r = await candidateReadback({
      config: fittedConfig(profile, setting, family),
      profile,
      script,
      read: options.read,
      sampleLines: options.sampleLines,
    });
    results.set(i, r);
    measured.push({ fontSize: setting.fontSize, readback: r.readback });
    return r;
  };
  const passes = (r: CandidateReadback) => confidentReadback(r) >= floor && !r.resizedDown;

  // Bisect for the first passing candidate; the result is a passing index (or one past the end).
  const bisect = async (ok: (r: CandidateReadback) => boolean): Promise<number> => {
    let lo = 0;
    let hi = candidates.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ok(await measure(mid))) hi = mid;
      else lo = mid + 1;
    }
    return hi;
  };
  let chosen = await bisect(passes);
  const floorMet = chosen < candidates.length;
  if (!floorMet) {
    // Out of reach: read the looser half to learn the reader's ceiling, then bisect again for
    // the floor as a share of that ceiling (0.97 of what this reader can read at all).
    for (let i = candidates.length - 1; i >= Math.floor(candidates.length / 2); i--) await measure(i);
    const unscaled = [...results.values()].filter((r) => !r.resizedDown);
    const best = Math.max(...(unscaled.length > 0 ? unscaled : [...results.values()]).map((r) => r.readback));
    const relative = Math.min(floor * best, best - BEST_TOLERANCE);
    // No margin here: `best` is the largest of noisy read-backs, already an estimate on the high side.
    chosen = await bisect((r) => r.readback >= relative && !r.resizedDown);
    if (chosen >= candidates.length) chosen = [...results.entries()].find(([, r]) => r.readback === best)![0];
  }
  const setting = candidates[chosen]!;
  const r = results.get(chosen)!;
  return {
    profile,
    script,
    family,
    floor,
    fontSize: setting.fontSize,
    lineHeight: setting.lineHeight,
    margin: setting.margin,
    readback: r.readback,
    floorMet,
    resizedDown: r.resizedDown,
    measured,
  };
}
