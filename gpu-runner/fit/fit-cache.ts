/**
 * The fit searches of a runner: each (profile page, model view, script, font family, floor) is
 * searched once and kept — in memory, and as a small JSON file under the runner's disk cache
 * directory so a restart does not search again — and concurrent asks share one search (single
 * flight). Profiles whose page and model view are the same (GLM-4.1V and Qwen2.5-VL) share one.
 * {@link FitSearches.warm} runs every profile's searches in the background at start, one at a
 * time, so a request rarely waits; one that comes first waits on the flight.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import { getProfile, modelView, PROFILE_NAMES, type ProfileName } from '../../protocol/profiles.ts';
import type { FontFamily, TextScript } from '../../protocol/render-config.ts';
import { calibrationText } from './calibration-texts.ts';
import type { LineReader } from './readback.ts';
import { searchFit, type FitResult } from './search.ts';
import { candidateSettings, defaultFamily, type FitSetting } from './settings.ts';

/**
 * Bumped when anything a stored result depends on changes beyond what the key hashes (the
 * renderer, the recognizer, the search itself). The calibration texts and candidates are hashed.
 */
export const FIT_VERSION = 5;

/** What one search is for. */
export interface FitQuery {
  profile: ProfileName;
  script: TextScript;
  family: FontFamily;
  floor: number;
}

/** Options of {@link FitSearches}. */
export interface FitSearchesOptions {
  /** The OCR reader, or a getter that waits for it (the model loads after the server starts). */
  read: LineReader;
  /** Directory for stored results (the runner's disk cache dir); memory only without one. */
  dir?: string;
  /** Candidate settings per script, densest first (default {@link candidateSettings}). */
  candidates?: (script: TextScript) => FitSetting[];
  /** Lines read per candidate (default the search's). */
  sampleLines?: number;
  /** Told about each search that ran (for the log). */
  onSearched?: (result: FitResult, ms: number) => void;
  /** Told about a stored result that could not be read or written (searched or kept in memory instead). */
  onStoreError?: (error: unknown) => void;
}

/** The runner's fit searches; see the module comment. */
export class FitSearches {
  private readonly results = new Map<string, Promise<FitResult>>();
  private warming: Promise<void> | undefined;
  private warmed = false;
  /** Searches that actually ran (not answered from memory or disk). */
  searchesRun = 0;

  constructor(private readonly options: FitSearchesOptions) {}

  /** The search result for `query` (searched at most once per key, shared while it runs). */
  async get(query: FitQuery): Promise<FitResult> {
    const key = await keyOf(query, this.candidatesOf(query.script), this.options.sampleLines);
    let flight = this.results.get(key);
    if (!flight) {
      flight = this.load(key, query);
      this.results.set(key, flight);
      // A failed search is not kept: the next ask tries again.
      flight.catch(() => this.results.delete(key));
    }
    const found = await flight;
    // A shared search answers with the asking profile's name.
    return found.profile === query.profile ? found : { ...found, profile: query.profile };
  }

  /** Runs every profile's searches for both scripts (default families and floors), one at a time. */
  warm(floors: Readonly<Record<TextScript, number>>, profiles: readonly ProfileName[] = PROFILE_NAMES): Promise<void> {
    this.warming ??= (async () => {
      for (const script of ['latin', 'cjk'] as const) {
        for (const profile of profiles) {
          await this.get({ profile, script, family: defaultFamily(script), floor: floors[script] });
        }
      }
    })().finally(() => {
      this.warmed = true;
    });
    return this.warming;
  }

  /** Whether the warm-up has finished (true when none was asked for: searches then run on demand). */
  get isWarm(): boolean {
    return this.warming === undefined || this.warmed;
  }

  /** `warming` while {@link warm} runs, else `ready`. */
  get status(): 'warming' | 'ready' {
    return this.isWarm ? 'ready' : 'warming';
  }

  private candidatesOf(script: TextScript): FitSetting[] {
    return this.options.candidates?.(script) ?? candidateSettings(script);
  }

  private async load(key: string, query: FitQuery): Promise<FitResult> {
    const file = this.options.dir ? join(this.options.dir, 'fit', `${key}.json`) : undefined;
    if (file) {
      try {
        return JSON.parse(await readFile(file, 'utf8')) as FitResult;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.options.onStoreError?.(e);
      }
    }
    const started = performance.now();
    this.searchesRun++;
    const result = await searchFit({
      ...query,
      read: this.options.read,
      candidates: this.candidatesOf(query.script),
      ...(this.options.sampleLines ? { sampleLines: this.options.sampleLines } : {}),
    });
    this.options.onSearched?.(result, performance.now() - started);
    if (file) {
      try {
        await mkdir(join(this.options.dir!, 'fit'), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(result));
        await rename(tmp, file);
      } catch (e) {
        this.options.onStoreError?.(e);
      }
    }
    return result;
  }
}

/**
 * The key of a search: what its outcome depends on — the page and the model's view of it, not
 * the profile's name — plus the calibration text and candidates, so editing them searches again.
 */
async function keyOf(query: FitQuery, candidates: FitSetting[], sampleLines: number | undefined): Promise<string> {
  const { recommendedPage, grid } = getProfile(query.profile).geometry;
  const view = modelView(query.profile, recommendedPage.width, recommendedPage.height)?.size;
  const parts = [
    `v${FIT_VERSION}`,
    `${recommendedPage.width}x${recommendedPage.height}`,
    view ? `${view.width}x${view.height}` : 'as-is',
    `snap ${grid.step}`,
    query.script,
    query.family,
    String(query.floor),
    JSON.stringify(candidates),
    `lines ${sampleLines ?? 'default'}`,
    calibrationText(query.script),
  ];
  return sha256Hex(parts.join('\n'));
}
