/**
 * Prefix-stable pages (issue 13, item 1): appending a turn to a long conversation changes only its
 * last page(s). Every page before the first one that differs must keep its bytes, and the first
 * one that differs may only be the old last page (which loses its last-page crop and gains lines).
 * The renderer alone (gpu-runner/render) is prefix-stable in every crop setting, and so is reflow,
 * which the runner applies before it (see the last describe).
 */
import { describe, expect, it } from 'vitest';
import { config, renderAll, sha256 } from './render-helpers.ts';
import { conversationTurns, turnGenerator } from '../edge/conversations-turns.ts';
import { appendedText, transcriptOf, type Message } from '../../edge/conversations/transcript.ts';
import { reflow } from '../../gpu-runner/reflow/index.ts';

const turns = conversationTurns(300);
const before = transcriptOf(turns);
const added = turnGenerator(99)('user');
const after = before + appendedText(turns.length, [added]);

async function pageHashes(text: string, overrides: Record<string, unknown> = {}) {
  const { pages } = await renderAll(text, config(overrides), { output: 'png' });
  return pages.map((p) => sha256(p.png!));
}

/** Index of the first page whose bytes differ (or the shorter length when one is a prefix). */
function firstDifference(a: string[], b: string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

describe('prefix-stable pages of a 300-turn conversation (glyph-en, renderer alone)', () => {
  it('the transcript after an append extends the one before', () => {
    expect(after.startsWith(before)).toBe(true);
    expect(after.length).toBeGreaterThan(before.length);
  });

  it.each([
    ['auto-crop on (preset)', {}],
    ['auto-crop width off', { 'auto-crop-width': false }],
    ['auto-crop last page off', { 'auto-crop-last-page': false }],
    ['auto-crop off', { 'auto-crop-width': false, 'auto-crop-last-page': false }],
    ['auto-crop snapped to 28 px', { 'auto-crop-snap': 28 }],
  ])('%s: only the old last page and later change', async (_name, overrides) => {
    const old = await pageHashes(before, overrides);
    const next = await pageHashes(after, overrides);
    expect(old.length).toBeGreaterThanOrEqual(20); // "tens of pages"
    const changedFrom = firstDifference(old, next);
    // Everything before the old last page is byte-identical...
    expect(changedFrom).toBeGreaterThanOrEqual(old.length - 1);
    expect(next.slice(0, old.length - 1)).toEqual(old.slice(0, old.length - 1));
    // ...and at most two pages differ from the old render (the old last page, maybe one new one).
    expect(next.length - changedFrom).toBeLessThanOrEqual(2);
  });

  it('an append that fills no new page changes exactly the last page', async () => {
    const short = before + appendedText(turns.length, [{ role: 'assistant', content: 'Yes.' }]);
    const old = await pageHashes(before);
    const next = await pageHashes(short);
    expect(next.length - old.length).toBeLessThanOrEqual(1);
    expect(next.slice(0, old.length - 1)).toEqual(old.slice(0, old.length - 1));
    expect(next[old.length - 1]).not.toBe(old[old.length - 1]);
  });

  it('an edit early in the text changes the early pages (the comparison can fail)', async () => {
    const edited = before.replace('System: ', 'System:  ');
    expect(firstDifference(await pageHashes(before), await pageHashes(edited))).toBe(0);
  });
});

// Reflow (`reflow: auto | on`, applied by the runner before layout) used to decide over the whole
// text, so one appended turn that reads as hard-wrapped prose re-laid out every earlier page. It
// now judges each block on itself and the text before it (gpu-runner/reflow/reflow.ts), so the
// earlier pages stay; test/gpu-runner/reflow-prefix-stable.test.ts checks it over many cuts.
describe('reflow is decided from the text before a block, never after it', () => {
  // Turns of one line each: nothing to join, so reflow leaves the transcript as it is...
  const oneLiners: Message[] = conversationTurns(120).map((m) => ({
    role: m.role,
    content: m.content.replace(/\n+/g, ' '),
  }));
  const plain = transcriptOf(oneLiners);
  // ...until a turn arrives that was wrapped at 60 columns, as pasted e-mail is.
  const wrapped = (oneLiners[2]!.content.match(/.{1,60}(\s|$)/g) ?? []).map((l) => l.trim()).join('\n');
  const extended = plain + appendedText(oneLiners.length, [{ role: 'user', content: wrapped }]);

  it('reflow off: prefix-stable', async () => {
    const old = await pageHashes(reflow(plain, 'off').text);
    const next = await pageHashes(reflow(extended, 'off').text);
    expect(old.length).toBeGreaterThanOrEqual(5);
    expect(firstDifference(old, next)).toBeGreaterThanOrEqual(old.length - 1);
  });

  it.each(['auto', 'on'] as const)('reflow %s: the appended turn changes only the last pages', async (mode) => {
    const a = reflow(plain, mode);
    const b = reflow(extended, mode);
    expect(b.reflowed).toBe(mode === 'on'); // auto: turns this long show the text is not wrapped
    expect(b.text.startsWith(a.text)).toBe(true);
    const old = await pageHashes(a.text);
    expect(firstDifference(old, await pageHashes(b.text))).toBeGreaterThanOrEqual(old.length - 1);
  });
});
