import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, fuzzTimeoutMs } from '../fuzz-budget.ts';
import { isDropped, isInvisible } from '../../gpu-runner/render/char-classes.ts';
import { NEWLINE_MARKER } from '../../protocol/render-config.ts';
import { config, renderAll } from './render-helpers.ts';

const pick = (chars: string) => fc.constantFrom(...[...chars]);
const wordOf = (chars: string, max = 8) =>
  fc.array(pick(chars), { minLength: 1, maxLength: max }).map((a) => a.join(''));
const fragment = fc.oneof(
  wordOf('abcdefghijklmnopqrstuvwxyzABCXYZ0123456789.,;:!?\'"()-'),
  wordOf('我们在这里测试中文的断行规则，。、（）“”《》：；！？'),
  wordOf('😀🎉👍🏽👨‍👩‍👧❤️🇫🇷'),
  wordOf('éñü\u0301\u0308\u0327aeo'),
  wordOf('שלום עולם مرحبا بالعالم'),
  wordOf('Ωλφαβητοκирилица'),
  fc.constantFrom('x'.repeat(300), 'supercalifragilistic'.repeat(8)),
  fc.constantFrom('\u00ad', '\u200b', '\u200d', '\ufeff', '\u00a0', '\u3000'),
);
const separator = fc.constantFrom(' ', ' ', ' ', '  ', '\t', '\n', '\n\n', '\r\n', '\n\n\n\n');
const text = fc
  .array(fc.tuple(fragment, separator), { minLength: 1, maxLength: 120 })
  .map((parts) => parts.map(([f, s]) => f + s).join(''));

const isWhite = (ch: string) => /\s/u.test(ch);
const MARGIN = 10;

describe('renderer properties (fast-check)', () => {
  it('no ink outside the text box, and the layout map covers every visible character once, in order', {
    timeout: fuzzTimeoutMs(),
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.boolean(),
        fc.constantFrom('LEFT', 'JUSTIFY', 'RIGHT', 'CENTER'),
        async (input, marker, alignment) => {
          const cfg = config({
            'page-size': '220,160',
            'auto-crop-width': false,
            'auto-crop-last-page': false,
            alignment,
            ...(marker ? { 'newline-markup': NEWLINE_MARKER } : {}),
          });
          const { pages } = await renderAll(input, cfg);
          for (const page of pages) {
            const raw = page.raw!;
            for (let y = 0; y < raw.height; y++) {
              for (let x = 0; x < raw.width; x++) {
                const o = (y * raw.width + x) * raw.channels;
                const ink =
                  raw.data[o] !== 255 || (raw.channels === 3 && (raw.data[o + 1] !== 255 || raw.data[o + 2] !== 255));
                if (ink && (x < MARGIN || x >= raw.width - MARGIN || y < MARGIN || y >= raw.height - MARGIN)) {
                  throw new Error(`ink at (${x}, ${y}) on page ${page.index} outside the text box`);
                }
              }
            }
          }
          const lines = pages.flatMap((p) => p.lines);
          for (let k = 1; k < lines.length; k++) expect(lines[k]!.start).toBeGreaterThanOrEqual(lines[k - 1]!.end);
          let k = 0;
          for (let i = 0; i < input.length; ) {
            const cp = input.codePointAt(i)!;
            const ch = String.fromCodePoint(cp);
            if (!isWhite(ch) && !isDropped(cp) && !isInvisible(cp)) {
              while (k < lines.length && lines[k]!.end <= i) k++;
              const line = lines[k];
              if (!line || line.start > i) throw new Error(`character ${JSON.stringify(ch)} at ${i} is on no line`);
            }
            i += ch.length;
          }
        },
      ),
      // Short in `npm test`; `npm run fuzz` raises FUZZ_RUNS / FUZZ_SECONDS for the long run.
      fuzzParameters(20),
    );
  });
});
