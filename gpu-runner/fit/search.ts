/**
 * The fit search: the densest candidate setting whose calibration read-back at the model's
 * resolution meets the floor. Read-back falls as the font shrinks, so the candidates (densest
 * first) are bisected: about log2(14) ≈ 4 read-backs of 16 lines, not 14. When even the loosest
 * setting misses the floor (strict CJK against a dictionary that lacks some traditional forms,
 * or a floor of 1), the floor is out of reach: the looser half is read too and the densest
 * setting within {@link BEST_TOLERANCE} of the best read-back seen is taken, with `floorMet: false`.
 */
import type { ProfileName } from '../../protocol/profiles.ts';
import type { FontFamily, TextScript } from '../../protocol/render-config.ts';
import { candidateReadback, type CandidateReadback, type LineReader } from './readback.ts';
import { candidateSettings, fittedConfig, type FitSetting } from './settings.ts';

/** How far under the best read-back a denser setting may be and still count as "the best attainable". */
export const BEST_TOLERANCE = 0.005;

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
  const passes = (r: CandidateReadback) => r.readback >= floor && !r.resizedDown;

  // Bisect for the first passing candidate; `hi` stays a passing index (or one past the end).
  let lo = 0;
  let hi = candidates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (passes(await measure(mid))) hi = mid;
    else lo = mid + 1;
  }
  let chosen = hi;
  let floorMet = hi < candidates.length;
  if (!floorMet) {
    // Out of reach: read the looser half, then take the densest near the best.
    for (let i = candidates.length - 1; i >= Math.floor(candidates.length / 2); i--) await measure(i);
    const unscaled = [...results.entries()].filter(([, r]) => !r.resizedDown);
    const usable = unscaled.length > 0 ? unscaled : [...results.entries()];
    const best = Math.max(...usable.map(([, r]) => r.readback));
    chosen = Math.min(...usable.filter(([, r]) => r.readback >= best - BEST_TOLERANCE).map(([i]) => i));
    floorMet = false;
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
