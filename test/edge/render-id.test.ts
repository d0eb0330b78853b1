import { describe, expect, it } from 'vitest';
import { renderOptionsSchema } from '../../protocol/public-api/render.ts';
import { compressQuerySchema } from '../../protocol/public-api/compress.ts';
import { PRESETS, renderConfigHash, resolveRenderConfig } from '../../protocol/render-config.ts';
import { recommendedPageSize } from '../../protocol/profiles.ts';
import { ApiError } from '../../edge/http/errors.ts';
import { issueError } from '../../edge/http/issues.ts';
import { autoRenderId, canonicalOverrideJson, fixedRenderId } from '../../edge/renders/render-id.ts';
import { nominalAutoConfig, resolveRender } from '../../edge/renders/render-options.ts';
import { estimatePages } from '../../edge/jobs/estimate.ts';
import { cheapestPageTokens, textAloneIsCheaper } from '../../edge/renders/passthrough.ts';

const glyphEn = resolveRenderConfig({});

async function refusal(
  fields: Parameters<typeof resolveRender>[0],
): Promise<{ status: number; code: string; message: string }> {
  try {
    await resolveRender(fields);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    const body = (await e.getResponse().json()) as { error: { code: string; message: string } };
    return { status: e.status, ...body.error };
  }
  throw new Error('resolveRender accepted it');
}

/** The 400 the route would answer for a body, through the public schema and the issue mapper. */
function schemaRefusal(body: unknown): { code: string; message: string } | 'ok' {
  const parsed = renderOptionsSchema.safeParse(body);
  if (parsed.success) return 'ok';
  const error = issueError(parsed.error.issues[0]);
  return { code: error.code, message: error.message };
}

describe('render ids', () => {
  it('a fixed config with reflow off keeps its config hash (renders cached before reflow keep their ids)', async () => {
    expect(await fixedRenderId({ config: glyphEn, reflow: 'off' })).toBe(await renderConfigHash(glyphEn));
  });

  it('any other reflow mode is another render, each its own id', async () => {
    const off = await fixedRenderId({ config: glyphEn, reflow: 'off' });
    const auto = await fixedRenderId({ config: glyphEn, reflow: 'auto' });
    const on = await fixedRenderId({ config: glyphEn, reflow: 'on' });
    expect(new Set([off, auto, on]).size).toBe(3);
    for (const id of [auto, on]) expect(id).toMatch(/^[0-9a-f]{64}$/);
    // The same config written another way is the same render.
    const respelled = resolveRenderConfig({ config: { 'font-color': '#000', 'page-size': '595, 842' } });
    expect(await fixedRenderId({ config: respelled, reflow: 'auto' })).toBe(auto);
  });

  it('auto ids follow every input that changes the pages, and only those', async () => {
    const base = { profile: 'gpt-4o', reflow: 'auto', readbackFloor: undefined, overrides: {} } as const;
    const id = await autoRenderId(base);
    const variants = [
      await autoRenderId({ ...base, profile: 'gemini' }),
      await autoRenderId({ ...base, reflow: 'off' }),
      await autoRenderId({ ...base, readbackFloor: 0.95 }),
      await autoRenderId({ ...base, overrides: { 'font-family': 'DejaVu Serif' } }),
    ];
    expect(new Set([id, ...variants]).size).toBe(5);
    expect(await autoRenderId({ ...base })).toBe(id);
    // Overrides are canonical: key order and colour spelling do not matter.
    expect(canonicalOverrideJson({ 'page-bg-color': '#fff', dpi: 96 })).toBe(
      canonicalOverrideJson({ dpi: 96, 'page-bg-color': '#FFFFFF' }),
    );
    expect(await autoRenderId({ ...base, overrides: { 'page-bg-color': '#fff', dpi: 96 } })).toBe(
      await autoRenderId({ ...base, overrides: { dpi: 96, 'page-bg-color': '#FFFFFF' } }),
    );
    // An auto id never equals the fixed id of the same profile's glyph-en.
    expect(id).not.toBe(await fixedRenderId({ config: glyphEn, reflow: 'auto' }));
  });
});

describe('resolveRender', () => {
  it('defaults: glyph-en, glm-4.1v, reflow auto; the runner is sent reflow and the profile', async () => {
    const r = await resolveRender({});
    expect(r.auto).toBe(false);
    expect(r.reflow).toBe('auto');
    expect(r.profile).toBe('glm-4.1v');
    expect(r.renderId).toBe(await fixedRenderId({ config: glyphEn, reflow: 'auto' }));
    expect(r.expectedConfigHash).toBe(await renderConfigHash(glyphEn));
    expect(r.render).toEqual({ reflow: 'auto', profile: 'glm-4.1v' });
    const off = await resolveRender({ reflow: 'off' });
    expect(off.renderId).toBe(await renderConfigHash(glyphEn));
  });

  it('auto: the runner is sent auto {profile, readbackFloor} and the overrides; no config hash is expected', async () => {
    const r = await resolveRender({
      preset: 'auto',
      profile: 'gpt-4o',
      readbackFloor: 0.98,
      config: { 'font-family': 'DejaVu Serif' },
    });
    expect(r.auto).toBe(true);
    expect(r.expectedConfigHash).toBeUndefined();
    expect(r.render).toEqual({
      config: { 'font-family': 'DejaVu Serif' },
      auto: { profile: 'gpt-4o', readbackFloor: 0.98 },
      reflow: 'auto',
      profile: 'gpt-4o',
    });
    expect(r.renderId).toBe(
      await autoRenderId({
        profile: 'gpt-4o',
        reflow: 'auto',
        readbackFloor: 0.98,
        overrides: { 'font-family': 'DejaVu Serif' },
      }),
    );
    // The page estimate assumes the profile's recommended page.
    const page = recommendedPageSize('gpt-4o');
    expect(r.config['page-size']).toBe(`${page.width},${page.height}`);
    expect(r.config['font-family']).toBe('DejaVu Serif');
  });

  it('refuses readbackFloor without auto, and a bad override with auto, naming them (400 invalid_config)', async () => {
    expect(await refusal({ preset: 'glyph-en', readbackFloor: 0.9 })).toMatchObject({
      status: 400,
      code: 'invalid_config',
      message: expect.stringMatching(/readbackFloor/),
    });
    expect(await refusal({ preset: 'auto', config: { 'font-size': 0 } })).toMatchObject({
      status: 400,
      code: 'invalid_config',
      message: expect.stringMatching(/^font-size/),
    });
    expect(await refusal({ preset: 'auto', config: { 'font-sise': 9 } })).toMatchObject({
      code: 'invalid_config',
      message: expect.stringMatching(/font-sise/),
    });
    expect(await refusal({ profile: 'gpt-5' as never })).toMatchObject({ code: 'invalid_profile' });
  });
});

describe('the public schema of the render fields', () => {
  it('takes preset auto, reflow modes and a floor in range', () => {
    expect(schemaRefusal({ preset: 'auto', profile: 'gpt-4o', reflow: 'on', readbackFloor: 0.5 })).toBe('ok');
    expect(schemaRefusal({ reflow: 'off' })).toBe('ok');
  });

  it('refuses a bad preset, reflow or floor, naming the field', () => {
    expect(schemaRefusal({ preset: 'automatic' })).toEqual({
      code: 'invalid_config',
      message: 'unknown preset "automatic": use one of glyph-en, glyph-zh, auto',
    });
    expect(schemaRefusal({ reflow: 'sometimes' })).toEqual({
      code: 'invalid_config',
      message: 'reflow must be one of auto, on, off',
    });
    expect(schemaRefusal({ preset: 'auto', readbackFloor: 0.2 })).toEqual({
      code: 'invalid_config',
      message: 'readbackFloor must be a number from 0.5 to 1',
    });
    expect(schemaRefusal({ preset: 'auto', readbackFloor: 1.5 })).toEqual({
      code: 'invalid_config',
      message: 'readbackFloor must be a number from 0.5 to 1',
    });
    const wrongType = schemaRefusal({ preset: 'auto', readbackFloor: 'high' });
    expect(wrongType).not.toBe('ok');
    expect((wrongType as { message: string }).message).toMatch(/^readbackFloor/);
  });

  it('compress query parameters: reflow, readbackFloor, passthrough as strings', () => {
    const ok = compressQuerySchema.safeParse({
      preset: 'auto',
      reflow: 'off',
      readbackFloor: '0.97',
      passthrough: 'true',
    });
    expect(ok.success && ok.data).toMatchObject({
      preset: 'auto',
      reflow: 'off',
      readbackFloor: 0.97,
      passthrough: true,
    });
    expect(compressQuerySchema.safeParse({ readbackFloor: '0.3' }).success).toBe(false);
    expect(compressQuerySchema.safeParse({ passthrough: 'yes' }).success).toBe(false);
  });
});

describe('auto page estimate and the passthrough decision', () => {
  it('a big document still becomes a job under auto: the estimate uses the recommended page and a dense nominal font', () => {
    const config = nominalAutoConfig('gemini', {});
    // 768 x 768 pt at 8 pt: 748 pt of text width / (8 x 0.55 pt a character) = 170 characters a
    // row, 748 / 9 = 83 rows a page: 2 MB of prose is ceil(11 765 / 83) = 142 pages at least.
    expect(config['page-size']).toBe('768,768');
    expect(estimatePages(2_000_000, config, 1)).toBe(142);
    // Over the default 200-page threshold (wrangler.toml): a job, not one synchronous call.
    expect(estimatePages(4_000_000, config, 1)).toBeGreaterThan(200);
    expect(estimatePages(47, config, 1)).toBe(1);
  });

  it('pages cannot pay for a text cheaper than the cheapest page the profile bills', () => {
    // GPT-4o bills any image at least one 512-px tile plus its base: 85 + 170.
    expect(cheapestPageTokens('gpt-4o')).toBe(255);
    expect(textAloneIsCheaper('gpt-4o', 11, 1)).toBe(true);
    expect(textAloneIsCheaper('gpt-4o', 255, 1)).toBe(true);
    expect(textAloneIsCheaper('gpt-4o', 256, 1)).toBe(false);
    expect(textAloneIsCheaper('gpt-4o', 400, 2)).toBe(true);
    expect(PRESETS['glyph-en']['font-size']).toBe(9);
  });
});
