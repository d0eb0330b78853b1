/** Preset `auto`: the fit search (densest legible setting per profile and script), its cache, and config resolution. */
export { resolveAutoConfig, type AutoResolution, type ResolveAutoOptions } from './auto-config.ts';
export { FitSearches, FIT_VERSION, type FitQuery, type FitSearchesOptions } from './fit-cache.ts';
export { candidateReadback, SAMPLE_LINES, type CandidateReadback, type LineReader } from './readback.ts';
export { scriptOf, CJK_SHARE } from './script.ts';
export { searchFit, confidentReadback, BEST_TOLERANCE, type FitResult, type SearchFitOptions } from './search.ts';
export {
  candidateSettings,
  defaultFamily,
  fittedConfig,
  settingFor,
  GLYPH_LINE_RATIO,
  type FitSetting,
} from './settings.ts';
