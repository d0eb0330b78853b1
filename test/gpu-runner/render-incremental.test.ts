/**
 * Plan hashes (issue 13, incremental renders): every planned page carries the SHA-256 of what it
 * is painted from. They must be deterministic, change with anything that paints differently, stay
 * equal for the unchanged pages of a conversation that grew by a turn, and equal hashes must mean
 * byte-identical PNGs — that is what lets the runner skip the pages a caller already holds.
 */
import { describe, expect, it } from 'vitest';
import { planDocument } from '../../gpu-runner/planner/plan-task.ts';
import { pagePlanSha256, planHashSeed } from '../../gpu-runner/planner/plan-hash.ts';
import { paintPlan } from '../../gpu-runner/render/index.ts';
import type { PlannedPage } from '../../gpu-runner/planner/document-plan.ts';
import type { RenderConfig } from '../../protocol/render-config.ts';
import { appendedText, transcriptOf } from '../../edge/conversations/transcript.ts';
import { conversationTurns, turnGenerator } from '../edge/conversations-turns.ts';
import { config, fixture, sha256 } from './render-helpers.ts';

const HEX64 = /^[0-9a-f]{64}$/;
const turns = conversationTurns(300);
const before = transcriptOf(turns);
const after = before + appendedText(turns.length, [turnGenerator(99)('assistant')]);

const hashesOf = (pages: PlannedPage[]) => pages.map((p) => p.planSha256);

async function pngHashes(pages: PlannedPage[], cfg: RenderConfig): Promise<string[]> {
  const out: string[] = [];
  for await (const page of paintPlan(pages, cfg, { output: 'png' })) out.push(sha256(page.png!));
  return out;
}

describe('plan hashes', () => {
  it('every page has one, and planning the same text twice gives the same ones', async () => {
    const cfg = config();
    const a = await planDocument({ text: before, config: cfg, countTokens: false });
    const b = await planDocument({ text: before, config: cfg, countTokens: false });
    expect(a.plan.pages.length).toBeGreaterThan(10);
    for (const p of a.plan.pages) expect(p.planSha256).toMatch(HEX64);
    expect(hashesOf(b.plan.pages)).toEqual(hashesOf(a.plan.pages));
    // Pages of a document are different pictures, so different plans.
    expect(new Set(hashesOf(a.plan.pages)).size).toBe(a.plan.pages.length);
  });

  it('a styled kind (Markdown) has them too, deterministic', async () => {
    const text = fixture('kinds/sample-readme.md');
    const cfg = config();
    const a = await planDocument({ text, config: cfg, countTokens: false, kind: 'markdown' });
    const b = await planDocument({ text, config: cfg, countTokens: false, kind: 'markdown' });
    for (const p of a.plan.pages) expect(p.planSha256).toMatch(HEX64);
    expect(hashesOf(b.plan.pages)).toEqual(hashesOf(a.plan.pages));
    // The same text drawn as plain text is other pixels.
    const plain = await planDocument({ text, config: cfg, countTokens: false });
    expect(plain.plan.pages[0]!.planSha256).not.toBe(a.plan.pages[0]!.planSha256);
  });

  it('change with anything painted: a glyph moved or swapped, the page size, a paragraph box, a style, the config', async () => {
    const cfg = config();
    const { plan } = await planDocument({
      text: 'Hello there.\n\nA second paragraph.',
      config: cfg,
      countTokens: false,
    });
    const page = plan.pages[0]!;
    const seed = planHashSeed(cfg);
    const base = pagePlanSha256(page, seed);
    expect(base).toBe(page.planSha256);
    const variants: PlannedPage[] = [
      { ...page, glyphs: { codes: page.glyphs.codes, xy: page.glyphs.xy.map((v, i) => (i === 0 ? v + 1 : v)) } },
      { ...page, glyphs: { codes: page.glyphs.codes.map((v, i) => (i === 1 ? v + 2 : v)), xy: page.glyphs.xy } },
      { ...page, glyphs: { codes: page.glyphs.codes.map((v, i) => (i === 1 ? v ^ 1 : v)), xy: page.glyphs.xy } }, // marker colour
      { ...page, width: page.width + 1 },
      { ...page, height: page.height - 1 },
      { ...page, channels: page.channels === 1 ? 3 : 1 },
      { ...page, paragraphs: [...page.paragraphs, { x: 1, y: 2, width: 3, height: 4 }] },
      {
        ...page,
        styled: {
          styles: [{ face: 'DejaVu Sans', px: 12, color: '#000000' }],
          styleOf: new Uint16Array(page.glyphs.codes.length),
          rules: [],
        },
      },
    ];
    for (const v of variants) expect(pagePlanSha256(v, seed)).not.toBe(base);
    expect(pagePlanSha256(page, planHashSeed(config({ 'font-color': '#333333' })))).not.toBe(base);
    // Source offsets paint nothing: not in the hash.
    const shifted: PlannedPage = { ...page, lines: page.lines.map((v) => v + 1) };
    expect(pagePlanSha256(shifted, seed)).toBe(base);
  });

  it('a styled page hashes the styles its glyphs use, not entries the document added after it', async () => {
    const cfg = config();
    const { plan } = await planDocument({
      text: '# Title\n\nSome *text*.',
      config: cfg,
      countTokens: false,
      kind: 'markdown',
    });
    const page = plan.pages[0]!;
    const seed = planHashSeed(cfg);
    const styled = page.styled!;
    const grown = {
      ...page,
      styled: {
        ...styled,
        styles: [...styled.styles, { face: 'DejaVu Sans Mono' as const, px: 99, color: '#ff0000' }],
      },
    };
    expect(pagePlanSha256(grown, seed)).toBe(page.planSha256);
    const recoloured = {
      ...page,
      styled: {
        ...styled,
        styles: styled.styles.map((s, i) => (i === styled.styleOf[0] ? { ...s, color: '#123456' } : s)),
      },
    };
    expect(pagePlanSha256(recoloured, seed)).not.toBe(page.planSha256);
  });
});

describe('a 300-turn dialogue and the same plus one turn', () => {
  it.each(['off', 'auto'] as const)(
    'share the plan hashes of every page but the last ≤ 2, and equal hashes paint byte-identical PNGs (reflow %s)',
    async (reflow) => {
      expect(after.startsWith(before)).toBe(true);
      const cfg = config();
      const [a, b] = await Promise.all([
        planDocument({ text: before, config: cfg, countTokens: false, reflow }),
        planDocument({ text: after, config: cfg, countTokens: false, reflow }),
      ]);
      const ha = hashesOf(a.plan.pages);
      const hb = hashesOf(b.plan.pages);
      expect(hb.length).toBeGreaterThanOrEqual(ha.length);
      let k = 0;
      while (k < ha.length && ha[k] === hb[k]) k++;
      expect(k).toBeGreaterThanOrEqual(hb.length - 2);
      // The old last page lost its last-page crop: its plan (and pixels) changed.
      expect(k).toBeLessThan(ha.length);

      const [pa, pb] = await Promise.all([pngHashes(a.plan.pages, cfg), pngHashes(b.plan.pages, cfg)]);
      for (let i = 0; i < Math.min(ha.length, hb.length); i++) {
        if (ha[i] === hb[i]) expect(pb[i], `page ${i + 1}`).toBe(pa[i]);
        else expect(pb[i], `page ${i + 1}`).not.toBe(pa[i]);
      }
    },
    120_000,
  );
});
