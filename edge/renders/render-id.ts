/**
 * The render id: the name of a render in every cache (R2 pages and manifest, answers, decodes,
 * page URLs), known before any runner is asked.
 *
 * A fixed config's pages depend on the config and the reflow mode. With reflow `off` the pages
 * are what they were before reflow existed, so the id stays the config hash (renders cached then
 * keep their ids); any other mode adds itself to the hash. Preset `auto` is resolved by the
 * runner, so the edge cannot hash the config it will resolve: the id is the hash of the request
 * itself (profile, reflow, floor, overrides), and the stored manifest carries the resolved config.
 */
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import {
  canonicalConfigJson,
  expandHexColor,
  renderConfigHash,
  type ReflowMode,
  type RenderConfig,
} from '../../protocol/render-config.ts';

/** A render of a complete config. */
export interface FixedRenderKey {
  config: RenderConfig;
  reflow: ReflowMode;
}

/** A render with preset `auto`: what the runner resolves it from. */
export interface AutoRenderKey {
  profile: string;
  reflow: ReflowMode;
  /** The floor asked for; undefined: the runner's default for the text's script. */
  readbackFloor: number | undefined;
  /** Config keys the caller set, already checked (`checkConfigOverride`). */
  overrides: Partial<RenderConfig>;
}

/** The render id of a complete config: its config hash with reflow `off`, else a hash of both. */
export async function fixedRenderId(key: FixedRenderKey): Promise<string> {
  if (key.reflow === 'off') return renderConfigHash(key.config);
  return sha256Hex(`{"config":${canonicalConfigJson(key.config)},"reflow":${JSON.stringify(key.reflow)}}`);
}

/** Canonical JSON of an override: keys sorted, colours and page-size written one way. */
export function canonicalOverrideJson(overrides: Partial<RenderConfig>): string {
  const normalized: Record<string, unknown> = {};
  for (const key of Object.keys(overrides).sort()) {
    const value = (overrides as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (key.endsWith('-color') && typeof value === 'string') normalized[key] = expandHexColor(value);
    else if (key === 'page-size' && typeof value === 'string')
      normalized[key] = value
        .split(',')
        .map((v) => Number(v.trim()))
        .join(',');
    else normalized[key] = value;
  }
  return JSON.stringify(normalized);
}

/** The render id of a preset-`auto` request: sha256 of its canonical JSON. */
export async function autoRenderId(key: AutoRenderKey): Promise<string> {
  const canonical =
    `{"overrides":${canonicalOverrideJson(key.overrides)},"preset":"auto","profile":${JSON.stringify(key.profile)},` +
    `"readbackFloor":${key.readbackFloor === undefined ? 'null' : JSON.stringify(key.readbackFloor)},"reflow":${JSON.stringify(key.reflow)}}`;
  return sha256Hex(canonical);
}
