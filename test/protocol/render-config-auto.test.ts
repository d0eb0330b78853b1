import { describe, expect, it } from 'vitest';
import {
  AUTO_PRESET,
  DEFAULT_READBACK_FLOOR,
  PRESETS,
  PRESET_CHOICES,
  RenderConfigError,
  checkConfigOverride,
  isAutoPreset,
  isPresetChoice,
  isReflowMode,
  readbackFloorSchema,
  resolvePreset,
  resolveRenderConfig,
} from '../../protocol/render-config.ts';
import { renderManifestSchema, renderRequestSchema } from '../../protocol/runner-api.ts';

describe('preset auto in the render config', () => {
  it('is a preset choice beside the fixed presets, and only `auto` is auto', () => {
    expect(PRESET_CHOICES).toEqual(['glyph-en', 'glyph-zh', 'auto']);
    expect(isAutoPreset(AUTO_PRESET)).toBe(true);
    expect(isAutoPreset('glyph-en')).toBe(false);
    expect(isAutoPreset(undefined)).toBe(false);
    expect(isPresetChoice('auto')).toBe(true);
    expect(isPresetChoice('glyph-zh')).toBe(true);
    expect(isPresetChoice('Auto')).toBe(false);
  });

  it('has no fixed config: resolvePreset and resolveRenderConfig refuse it naming the preset', () => {
    expect(() => resolvePreset('auto')).toThrow(RenderConfigError);
    expect(() => resolveRenderConfig({ preset: 'auto' })).toThrow(/resolved by the runner/);
    expect(resolvePreset('glyph-zh')).toEqual(PRESETS['glyph-zh']);
    try {
      resolvePreset('glyph-fr');
      expect.unreachable();
    } catch (e) {
      expect((e as RenderConfigError).key).toBe('preset');
      expect((e as Error).message).toBe('unknown preset "glyph-fr": use one of glyph-en, glyph-zh, auto');
    }
  });

  it('checks an override on its own: known keys in range pass, others name the key', () => {
    expect(checkConfigOverride({ 'font-size': 8, alignment: 'JUSTIFY' })).toEqual({
      'font-size': 8,
      alignment: 'JUSTIFY',
    });
    expect(checkConfigOverride(undefined)).toEqual({});
    const keyOf = (v: unknown) => {
      try {
        checkConfigOverride(v);
        return 'passed';
      } catch (e) {
        return (e as RenderConfigError).key;
      }
    };
    expect(keyOf({ 'font-size': 0 })).toBe('font-size');
    expect(keyOf({ 'font-sise': 9 })).toBe('font-sise');
    expect(keyOf({ 'font-path': '/x.ttf' })).toBe('font-path');
    expect(keyOf([1])).toBe('config');
  });

  it('reflow modes and the read-back floor range', () => {
    expect(['auto', 'on', 'off'].every(isReflowMode)).toBe(true);
    expect(isReflowMode('yes')).toBe(false);
    expect(DEFAULT_READBACK_FLOOR).toEqual({ latin: 0.99, cjk: 0.97 });
    expect(readbackFloorSchema.safeParse(0.5).success).toBe(true);
    expect(readbackFloorSchema.safeParse(1).success).toBe(true);
    expect(readbackFloorSchema.safeParse(0.49).success).toBe(false);
    expect(readbackFloorSchema.safeParse(1.01).success).toBe(false);
  });
});

describe('runner contract for auto and reflow', () => {
  it('a render request takes auto {profile, readbackFloor} and reflow, and refuses bad values', () => {
    const ok = renderRequestSchema.safeParse({
      text: 'x',
      auto: { profile: 'gpt-4o', readbackFloor: 0.98 },
      reflow: 'on',
    });
    expect(ok.success).toBe(true);
    expect(renderRequestSchema.safeParse({ text: 'x', reflow: 'maybe' }).success).toBe(false);
    expect(renderRequestSchema.safeParse({ text: 'x', auto: { profile: 'gpt-4o', readbackFloor: 0.3 } }).success).toBe(
      false,
    );
    expect(renderRequestSchema.safeParse({ text: 'x', auto: { profile: 'gpt-4o', extra: 1 } }).success).toBe(false);
  });

  it('a manifest carries the resolved config, reflowed, the tokenizer, worthIt and the fit', () => {
    const manifest = {
      textSha256: 'a',
      configHash: 'b',
      config: { ...PRESETS['glyph-en'], 'page-size': '512,1536', 'font-size': 8, 'line-height': 9 },
      reflowed: true,
      textTokenizer: { family: 'o200k', estimate: false },
      worthIt: true,
      fit: {
        profile: 'gpt-4o',
        script: 'latin',
        fontSize: 8,
        lineHeight: 9,
        readback: 0.995,
        floor: 0.99,
        floorMet: true,
        resizedDown: false,
      },
      profile: 'gpt-4o',
      chars: 1,
      pages: [],
      totals: { pages: 0, visualTokens: 0, textTokens: 1, ratio: 0 },
      layout: [],
      missingGlyphs: { count: 0, codePoints: [] },
    };
    expect(renderManifestSchema.safeParse(manifest).success).toBe(true);
    expect(
      renderManifestSchema.safeParse({ ...manifest, textTokenizer: { family: 'gpt2', estimate: false } }).success,
    ).toBe(false);
    expect(
      renderManifestSchema.safeParse({ ...manifest, config: { ...manifest.config, 'font-size': 0 } }).success,
    ).toBe(false);
    const { worthIt: _, ...withoutWorthIt } = manifest;
    expect(renderManifestSchema.safeParse(withoutWorthIt).success).toBe(false);
  });
});
