import { z } from 'zod';
import { sha256Hex } from './primitives/bytes.ts';

/**
 * Glyph's render config (same kebab-case keys as the Glyph paper's JSON), with `font-path`
 * replaced by `font-family`: the runner only ships fonts from npm, so a path means nothing to it.
 * Lengths are in points (1/72 inch); pixels = points × dpi / 72.
 */
export interface RenderConfig {
  'page-size': string;
  dpi: number;
  'margin-x': number;
  'margin-y': number;
  'font-family': FontFamily;
  'font-size': number;
  'line-height': number;
  'font-color': string;
  alignment: Alignment;
  'horizontal-scale': number;
  'first-line-indent': number;
  'left-indent': number;
  'right-indent': number;
  'space-before': number;
  'space-after': number;
  'border-width': number;
  'border-padding': number;
  'page-bg-color': string;
  'para-bg-color': string;
  'para-border-color': string;
  'auto-crop-width': boolean;
  'auto-crop-last-page': boolean;
  'newline-markup': string;
  /**
   * Not a Glyph key: auto-cropped widths and last-page heights are rounded up to a multiple of
   * this many pixels (a model's patch or tile grid), so a cropped page still wastes no partial
   * cell and is not resized by the model. Absent (or 1): crop to the ink, as Glyph does.
   * Preset `auto` sets it from the profile.
   */
  'auto-crop-snap'?: number;
}

/** Font families the runner ships (npm packages `dejavu-fonts-ttf`, `@fontsource/noto-sans-sc`). */
export const FONT_FAMILIES = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono', 'Noto Sans SC'] as const;
/** A font family the runner ships. */
export type FontFamily = (typeof FONT_FAMILIES)[number];

/** Paragraph alignments, as in Glyph (reportlab's TA_*). */
export const ALIGNMENTS = ['LEFT', 'CENTER', 'RIGHT', 'JUSTIFY'] as const;
/** A paragraph alignment. */
export type Alignment = (typeof ALIGNMENTS)[number];

/** Glyph's plain line break: a newline in the text ends the line. */
export const NEWLINE_BREAK = '<br/>';
/** Glyph's visible newline: a red " \n " drawn inline, and the paragraph flows on. */
export const NEWLINE_MARKER = '<font color="#FF0000"> \\n </font>';

/** Largest page side in pixels: bounds the memory one page can take (8192² gray ≈ 64 MB). */
export const MAX_PAGE_PIXELS_SIDE = 8192;

const color = (key: string) =>
  z.string().regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, `${key} must be a hex color "#RRGGBB" or "#RGB"`);

const num = (key: string, min: number, max: number) =>
  z
    .number({ error: `${key} must be a number from ${min} to ${max}` })
    .finite()
    .min(min, `${key} must be from ${min} to ${max}`)
    .max(max, `${key} must be from ${min} to ${max}`);

const pageSize = z
  .string({ error: 'page-size must be a string "width,height" in points' })
  .regex(/^\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*$/, 'page-size must be "width,height" in points, e.g. "595,842"')
  .refine((s) => s.split(',').every((v) => Number(v) >= 36 && Number(v) <= 14400), {
    message: 'page-size sides must be from 36 to 14400 points',
  });

/** Zod schema of a complete render config: every key required, no unknown key. */
export const renderConfigSchema = z.strictObject({
  'page-size': pageSize,
  dpi: num('dpi', 18, 600),
  'margin-x': num('margin-x', 0, 1000),
  'margin-y': num('margin-y', 0, 1000),
  'font-family': z.enum(FONT_FAMILIES, { error: `font-family must be one of ${FONT_FAMILIES.join(', ')}` }),
  'font-size': num('font-size', 1, 200),
  'line-height': num('line-height', 1, 400),
  'font-color': color('font-color'),
  alignment: z.enum(ALIGNMENTS, { error: `alignment must be one of ${ALIGNMENTS.join(', ')}` }),
  'horizontal-scale': num('horizontal-scale', 0.1, 4),
  'first-line-indent': num('first-line-indent', -1000, 1000),
  'left-indent': num('left-indent', 0, 1000),
  'right-indent': num('right-indent', 0, 1000),
  'space-before': num('space-before', 0, 1000),
  'space-after': num('space-after', 0, 1000),
  'border-width': num('border-width', 0, 100),
  'border-padding': num('border-padding', 0, 100),
  'page-bg-color': color('page-bg-color'),
  'para-bg-color': color('para-bg-color'),
  'para-border-color': color('para-border-color'),
  'auto-crop-width': z.boolean({ error: 'auto-crop-width must be true or false' }),
  'auto-crop-last-page': z.boolean({ error: 'auto-crop-last-page must be true or false' }),
  'newline-markup': z.enum([NEWLINE_BREAK, NEWLINE_MARKER], {
    error: `newline-markup must be ${JSON.stringify(NEWLINE_BREAK)} or ${JSON.stringify(NEWLINE_MARKER)}`,
  }),
  'auto-crop-snap': num('auto-crop-snap', 1, 2048).int('auto-crop-snap must be a whole number of pixels').optional(),
});

const base = {
  'page-size': '595,842',
  dpi: 72,
  'margin-x': 10,
  'margin-y': 10,
  'font-size': 9,
  'line-height': 10,
  'font-color': '#000000',
  alignment: 'LEFT',
  'horizontal-scale': 1.0,
  'first-line-indent': 0,
  'left-indent': 0,
  'right-indent': 0,
  'space-before': 0,
  'space-after': 0,
  'border-width': 0,
  'border-padding': 0,
  'page-bg-color': '#FFFFFF',
  'para-bg-color': '#FFFFFF',
  // Glyph's default border color: white, so a border is invisible unless a color is set.
  'para-border-color': '#FFFFFF',
  'auto-crop-width': true,
  'auto-crop-last-page': true,
  // Glyph's text_to_images default when the config has no newline-markup.
  'newline-markup': NEWLINE_BREAK,
} as const satisfies Omit<RenderConfig, 'font-family'>;

/**
 * The presets: Glyph's shipped configs (`config/config_en.json`, `config_zh.json`), with
 * Verdana → DejaVu Sans and Source Han Sans HW SC → Noto Sans SC (the same design).
 */
export const PRESETS = {
  'glyph-en': { ...base, 'font-family': 'DejaVu Sans' },
  'glyph-zh': { ...base, 'font-family': 'Noto Sans SC' },
} as const satisfies Record<string, RenderConfig>;
/** The name of a preset. */
export type PresetName = keyof typeof PRESETS;
/** Preset names, for help texts and errors. */
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
/** The preset used when a request names none. */
export const DEFAULT_PRESET: PresetName = 'glyph-en';

/**
 * The preset `auto`: pages fitted to the profile that will read them. The runner resolves it: page
 * geometry from the profile, font size and line height from a search for the densest setting whose
 * OCR read-back at the model's resolution meets a floor. Valid wherever a preset name is.
 */
export const AUTO_PRESET = 'auto';
/** The name of the `auto` preset. */
export type AutoPresetName = typeof AUTO_PRESET;
/** Every name a request may give as `preset`: the fixed presets and `auto`. */
export const PRESET_CHOICES: readonly (PresetName | AutoPresetName)[] = Object.freeze([...PRESET_NAMES, AUTO_PRESET]);

/** True when `name` is the `auto` preset (resolved by the runner for a profile). */
export function isAutoPreset(name: string | undefined): name is AutoPresetName {
  return name === AUTO_PRESET;
}

/** True when `name` is a fixed preset or `auto`: what request validation accepts as `preset`. */
export function isPresetChoice(name: string): name is PresetName | AutoPresetName {
  return isPresetName(name) || isAutoPreset(name);
}

/** How a render treats hard-wrapped prose: join its lines (`on`), never (`off`), or when detected (`auto`). */
export const REFLOW_MODES = ['auto', 'on', 'off'] as const;
/** A reflow mode. */
export type ReflowMode = (typeof REFLOW_MODES)[number];
/** The reflow mode when a request names none. */
export const DEFAULT_REFLOW: ReflowMode = 'auto';
/** True when `s` names a reflow mode. */
export function isReflowMode(s: string): s is ReflowMode {
  return (REFLOW_MODES as readonly string[]).includes(s);
}

/** Script of a text as the fit search tells it: Latin (and other alphabetic) or CJK. */
export type TextScript = 'latin' | 'cjk';
/** Lowest and highest `readbackFloor` a request may set. */
export const READBACK_FLOOR_RANGE = { min: 0.5, max: 1 } as const;
/**
 * Default OCR read-back floor of `auto` per script: strict character accuracy for Latin text, the
 * variant-insensitive figure (traditional and simplified forms counted as one) for CJK.
 */
export const DEFAULT_READBACK_FLOOR: Readonly<Record<TextScript, number>> = Object.freeze({ latin: 0.99, cjk: 0.97 });
/** Zod schema of a `readbackFloor` (0.5–1). */
export const readbackFloorSchema = num('readbackFloor', READBACK_FLOOR_RANGE.min, READBACK_FLOOR_RANGE.max);

/** A config that failed validation; `key` is the offending key (or undefined for the whole). */
export class RenderConfigError extends Error {
  override readonly name = 'RenderConfigError';
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

/** True when `name` is a preset name. */
export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/**
 * The complete config of a fixed preset. `auto` has none until the runner resolves it for a profile.
 * @throws RenderConfigError for `auto` or an unknown name.
 */
export function resolvePreset(name: string = DEFAULT_PRESET): RenderConfig {
  if (isAutoPreset(name)) {
    throw new RenderConfigError(
      'preset "auto" is resolved by the runner for a profile: it has no fixed config',
      'preset',
    );
  }
  if (!isPresetName(name)) {
    throw new RenderConfigError(`unknown preset "${name}": use one of ${PRESET_CHOICES.join(', ')}`, 'preset');
  }
  return { ...PRESETS[name] };
}

/**
 * Checks a partial override on its own (as sent with `auto`, before the runner fills in the rest):
 * an object of known keys, each value in range. Returns it typed.
 * @throws RenderConfigError naming the offending key.
 */
export function checkConfigOverride(config: unknown): Partial<RenderConfig> {
  const override = config ?? {};
  if (typeof override !== 'object' || override === null || Array.isArray(override)) {
    throw new RenderConfigError('config must be a JSON object of Glyph render keys', 'config');
  }
  if ('font-path' in override) {
    throw new RenderConfigError(
      `font-path is not supported: set font-family to one of ${FONT_FAMILIES.join(', ')}`,
      'font-path',
    );
  }
  const parsed = renderConfigSchema.partial().safeParse(override);
  if (!parsed.success) throw configIssueError(parsed.error.issues[0]!);
  return parsed.data as Partial<RenderConfig>;
}

function configIssueError(issue: z.core.$ZodIssue): RenderConfigError {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    return new RenderConfigError(
      `unknown config key ${keys}: allowed keys are ${CONFIG_KEYS.join(', ')}`,
      issue.keys[0],
    );
  }
  const key = String(issue.path[0] ?? 'config');
  const message = issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`;
  return new RenderConfigError(message, key);
}

/** Options of {@link resolveRenderConfig}. */
export interface ResolveRenderConfigOptions {
  /** Preset to start from; default `glyph-en`. */
  preset?: string;
  /** Keys that override the preset (a partial Glyph config). */
  config?: unknown;
}

/**
 * Builds a complete, validated render config from a preset and a partial override.
 * Throws {@link RenderConfigError} naming the key and its allowed values or range.
 */
export function resolveRenderConfig(options: ResolveRenderConfigOptions = {}): RenderConfig {
  const presetName = options.preset ?? DEFAULT_PRESET;
  if (isAutoPreset(presetName)) {
    throw new RenderConfigError(
      'preset "auto" is resolved by the runner for a profile: it has no fixed config',
      'preset',
    );
  }
  if (!isPresetName(presetName)) {
    throw new RenderConfigError(`unknown preset "${presetName}": use one of ${PRESET_CHOICES.join(', ')}`, 'preset');
  }
  const override = options.config ?? {};
  if (typeof override !== 'object' || override === null || Array.isArray(override)) {
    throw new RenderConfigError('config must be a JSON object of Glyph render keys', 'config');
  }
  if ('font-path' in override) {
    throw new RenderConfigError(
      `font-path is not supported: set font-family to one of ${FONT_FAMILIES.join(', ')}`,
      'font-path',
    );
  }
  const merged = { ...PRESETS[presetName], ...override };
  const parsed = renderConfigSchema.safeParse(merged);
  if (!parsed.success) throw configIssueError(parsed.error.issues[0]!);
  const config = parsed.data as RenderConfig;
  checkGeometry(config, Object.keys(override));
  return config;
}

/** Every key of a render config, in the documented order. */
export const CONFIG_KEYS = Object.keys(renderConfigSchema.shape) as (keyof RenderConfig)[];

/**
 * Checks that the keys fit together. A conflict names a key the request set among those involved
 * (the preset's own values are never the culprit), so the 400 points at something the caller wrote.
 */
function checkGeometry(config: RenderConfig, setKeys: string[]): void {
  const [w, h] = pageSizePoints(config);
  const scale = config.dpi / 72;
  const culprit = (involved: string[]): string => involved.find((k) => setKeys.includes(k)) ?? involved[0]!;
  if (Math.ceil(w * scale) > MAX_PAGE_PIXELS_SIDE || Math.ceil(h * scale) > MAX_PAGE_PIXELS_SIDE) {
    throw new RenderConfigError(
      `page-size at dpi ${config.dpi} is over ${MAX_PAGE_PIXELS_SIDE} pixels a side: lower dpi or page-size`,
      culprit(['dpi', 'page-size']),
    );
  }
  const textWidth = w - 2 * config['margin-x'] - config['left-indent'] - config['right-indent'];
  if (textWidth < config['font-size'] * 2) {
    const key = culprit(['margin-x', 'left-indent', 'right-indent', 'font-size', 'page-size']);
    throw new RenderConfigError(
      `${key}: margin-x, left-indent and right-indent leave no room for text on the page width`,
      key,
    );
  }
  if (h - 2 * config['margin-y'] < config['line-height']) {
    const key = culprit(['margin-y', 'line-height', 'page-size']);
    throw new RenderConfigError(`${key}: margin-y leaves no room for one line on the page height`, key);
  }
}

/** Page width and height in points, from `page-size`. */
export function pageSizePoints(config: Pick<RenderConfig, 'page-size'>): [number, number] {
  const [w, h] = config['page-size'].split(',').map((v) => Number(v.trim()));
  return [w!, h!];
}

/** Canonical JSON of a complete config: keys sorted, colors upper-case, page-size without spaces. */
export function canonicalConfigJson(config: RenderConfig): string {
  const normalized: Record<string, unknown> = { ...config };
  for (const key of ['font-color', 'page-bg-color', 'para-bg-color', 'para-border-color'] as const) {
    normalized[key] = expandHexColor(config[key]);
  }
  normalized['page-size'] = pageSizePoints(config).join(',');
  const sorted = Object.keys(normalized)
    .sort()
    .map((k) => [k, normalized[k]]);
  return JSON.stringify(Object.fromEntries(sorted));
}

/** sha256 (lowercase hex) of the canonical JSON: the config's part of every cache key. */
export async function renderConfigHash(config: RenderConfig): Promise<string> {
  return sha256Hex(canonicalConfigJson(config));
}

/** `#abc` → `#AABBCC`; `#aabbcc` → `#AABBCC`. */
export function expandHexColor(hex: string): string {
  const h = hex.slice(1);
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  return `#${full.toUpperCase()}`;
}
