import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_KEYS,
  PRESETS,
  RenderConfigError,
  canonicalConfigJson,
  renderConfigHash,
  resolveRenderConfig,
} from '../../protocol/render-config.ts';

const glyphConfig = (name: string) => {
  const raw = JSON.parse(readFileSync(new URL(`../fixtures/glyph/${name}`, import.meta.url), 'utf8'));
  delete raw['font-path'];
  return raw as Record<string, unknown>;
};

function errorOf(fn: () => unknown): RenderConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RenderConfigError) return err;
    throw err;
  }
  throw new Error('expected a RenderConfigError');
}

describe('render config', () => {
  it("presets carry the values of Glyph's shipped configs", () => {
    expect(PRESETS['glyph-en']).toMatchObject(glyphConfig('config_en.json'));
    expect(PRESETS['glyph-zh']).toMatchObject(glyphConfig('config_zh.json'));
    expect(PRESETS['glyph-en']['font-family']).toBe('DejaVu Sans');
    expect(PRESETS['glyph-zh']['font-family']).toBe('Noto Sans SC');
  });

  it('accepts a Glyph config without font-path as an override', () => {
    const config = resolveRenderConfig({ config: { ...glyphConfig('config_en.json'), dpi: 96 } });
    expect(config.dpi).toBe(96);
    // Every key but the one extension key no Glyph config has (auto-crop-snap, set by preset auto).
    expect(Object.keys(config).sort()).toEqual(CONFIG_KEYS.filter((k) => k !== 'auto-crop-snap').sort());
  });

  it('names an unknown key and lists the allowed ones', () => {
    const err = errorOf(() => resolveRenderConfig({ config: { 'font-weight': 700 } }));
    expect(err.key).toBe('font-weight');
    expect(err.message).toContain('unknown config key font-weight');
    expect(err.message).toContain('line-height');
  });

  it.each([
    ['dpi', 5000, 'dpi must be from 18 to 600'],
    ['font-size', 0, 'font-size must be from 1 to 200'],
    ['horizontal-scale', 9, 'horizontal-scale must be from 0.1 to 4'],
    ['margin-x', -1, 'margin-x must be from 0 to 1000'],
    ['dpi', 'high', 'dpi must be a number from 18 to 600'],
    ['alignment', 'LEFTISH', 'alignment must be one of LEFT, CENTER, RIGHT, JUSTIFY'],
    ['font-color', 'red', 'font-color must be a hex color'],
    ['page-size', '595x842', 'page-size must be "width,height"'],
    ['auto-crop-width', 'yes', 'auto-crop-width must be true or false'],
    ['newline-markup', '<p/>', 'newline-markup must be'],
    ['font-family', 'Comic Sans', 'font-family must be one of'],
  ])('rejects %s = %j naming the key and range', (key, value, message) => {
    const err = errorOf(() => resolveRenderConfig({ config: { [key]: value } }));
    expect(err.key).toBe(key);
    expect(err.message).toContain(message);
  });

  it('rejects font-path with a pointer to font-family', () => {
    const err = errorOf(() => resolveRenderConfig({ config: { 'font-path': '../config/Verdana.ttf' } }));
    expect(err.key).toBe('font-path');
    expect(err.message).toContain('font-family');
  });

  it('rejects an unknown preset and a non-object config', () => {
    expect(errorOf(() => resolveRenderConfig({ preset: 'glyph-fr' })).message).toContain('glyph-en, glyph-zh');
    expect(errorOf(() => resolveRenderConfig({ config: [1, 2] })).key).toBe('config');
  });

  it('rejects geometry that leaves no room for text or is too large', () => {
    expect(errorOf(() => resolveRenderConfig({ config: { 'margin-x': 300 } })).key).toBe('margin-x');
    expect(errorOf(() => resolveRenderConfig({ config: { 'margin-y': 420 } })).key).toBe('margin-y');
    expect(errorOf(() => resolveRenderConfig({ config: { dpi: 600, 'page-size': '2000,2000' } })).key).toBe('dpi');
  });

  it('hashes the canonical JSON: key order and color case do not matter, values do', async () => {
    const a = resolveRenderConfig({});
    const b = resolveRenderConfig({ config: { 'font-color': '#000', 'page-size': ' 595 , 842 ' } });
    expect(canonicalConfigJson(a)).toBe(canonicalConfigJson(b));
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(await renderConfigHash(reordered)).toBe(await renderConfigHash(a));
    expect(await renderConfigHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(await renderConfigHash(resolveRenderConfig({ config: { dpi: 96 } }))).not.toBe(await renderConfigHash(a));
    expect(await renderConfigHash(resolveRenderConfig({ preset: 'glyph-zh' }))).not.toBe(await renderConfigHash(a));
  });
});
