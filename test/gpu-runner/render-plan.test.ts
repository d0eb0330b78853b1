/**
 * Render once: the runner paints pages from the plan its planner thread made (packed into
 * transferable buffers) instead of laying the text out again. The pixels, PNG bytes and layout map
 * must be exactly the ones a single-pass render gives.
 */
import { describe, expect, it } from 'vitest';
import { packPlan, planBuffers, planLayout } from '../../gpu-runner/planner/document-plan.ts';
import { planDocument } from '../../gpu-runner/planner/plan-task.ts';
import { decodePng, paintPlan, planPages } from '../../gpu-runner/render/index.ts';
import { config, fixture, renderAll, sha256 } from './render-helpers.ts';

const NEWLINE_MARKER_CONFIG = {
  'newline-markup': '<font color="#FF0000"> \\n </font>',
  'para-bg-color': '#EEEEEE',
  'border-width': 1,
};

describe('painting from a transferred plan', () => {
  it.each([
    ['glyph-en', fixture('glyph/case2.txt'), {}],
    ['glyph-en, red newline markers and paragraph boxes (RGB)', fixture('glyph/case1.txt'), NEWLINE_MARKER_CONFIG],
  ])('gives the same PNG bytes as a single-pass render: %s', async (_name, text, overrides) => {
    const cfg = config(overrides);
    const { pages } = await renderAll(text, cfg, { output: 'png' });
    // Through a real transfer: the buffers move, the plan is read on the other side of it.
    const packed = packPlan(planPages(text, cfg));
    const moved = structuredClone(packed, { transfer: planBuffers(packed) });
    expect(packed.pages[0]!.glyphs.codes.byteLength).toBe(0); // detached: moved, not copied
    const painted = [];
    for await (const page of paintPlan(moved.pages, cfg, { output: 'png' })) painted.push(page);
    expect(painted.map((p) => [p.index, p.width, p.height, p.channels])).toEqual(
      pages.map((p) => [p.index, p.width, p.height, p.channels]),
    );
    expect(painted.map((p) => sha256(p.png!))).toEqual(pages.map((p) => sha256(p.png!)));
  });

  it('paints a chosen subset of pages, identical to the full render', async () => {
    const text = fixture('glyph/case2.txt');
    const full = await renderAll(text, config());
    const { pages } = packPlan(planPages(text, config()));
    const painted = [];
    for await (const page of paintPlan([pages[2]!, pages[7]!], config(), { output: 'raw' })) painted.push(page);
    expect(painted.map((p) => p.index)).toEqual([2, 7]);
    expect(painted.map((p) => sha256(p.raw!.data))).toEqual([2, 7].map((i) => sha256(full.pages[i]!.raw!.data)));
  });

  it('carries the layout map: the manifest form of the renderer’s lines, and the token count when asked', async () => {
    const text = fixture('glyph/case2.txt');
    const { pages } = await renderAll(text, config());
    const { plan, textTokens } = await planDocument({ text, config: config(), countTokens: true });
    expect(planLayout(plan)).toEqual(pages.flatMap((p) => p.lines.map((l) => ({ ...l, page: l.page + 1 }))));
    expect(textTokens).toBeGreaterThan(1000);
    expect((await planDocument({ text, config: config(), countTokens: false })).textTokens).toBeUndefined();
  });

  it('decodes a page PNG back to the painted pixels (a cached render read back for decode)', async () => {
    const { pages } = await renderAll(fixture('glyph/case1.txt'), config(), { output: 'both' });
    const raw = await decodePng(pages[0]!.png!);
    expect([raw.width, raw.height, raw.channels]).toEqual([pages[0]!.width, pages[0]!.height, 1]);
    expect(sha256(raw.data)).toBe(sha256(pages[0]!.raw!.data));
  });
});
