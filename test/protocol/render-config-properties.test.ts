import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, fuzzTimeoutMs } from '../fuzz-budget.ts';
import { CONFIG_KEYS, PRESETS, RenderConfigError, resolveRenderConfig } from '../../protocol/render-config.ts';

const anyValue = fc.oneof(
  fc.integer({ min: -5000, max: 5000 }),
  fc.double({ noNaN: false }),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('#FFF', '#123456', 'LEFT', 'JUSTIFY', '<br/>', '595,842', 'DejaVu Sans'),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const key = fc.oneof(
  fc.constantFrom(...CONFIG_KEYS, 'font-path', '__proto__', 'constructor'),
  fc.string({ maxLength: 12 }),
);

describe('render config validator (fast-check)', () => {
  it('either yields a complete valid config or throws a RenderConfigError naming a key', {
    timeout: fuzzTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, anyValue, { maxKeys: 6 }),
        fc.constantFrom(undefined, 'glyph-en', 'glyph-zh', 'nope'),
        (override, preset) => {
          try {
            const config = resolveRenderConfig({ preset, config: override });
            // Every key is there: the override's value where it gave one, the preset's elsewhere.
            const base = PRESETS[(preset ?? 'glyph-en') as keyof typeof PRESETS];
            // auto-crop-snap is the one optional key: there only when the override gave it.
            const keys = Object.hasOwn(override, 'auto-crop-snap')
              ? [...Object.keys(base), 'auto-crop-snap']
              : Object.keys(base);
            expect(Object.keys(config).sort()).toEqual(keys.sort());
            const presetValues: Partial<Record<string, unknown>> = base;
            for (const k of CONFIG_KEYS)
              expect(config[k]).toEqual(Object.hasOwn(override, k) ? override[k] : presetValues[k]);
          } catch (err) {
            expect(err).toBeInstanceOf(RenderConfigError);
            const e = err as RenderConfigError;
            expect(typeof e.key).toBe('string');
            expect(['preset', 'config', ...Object.keys(override)]).toContain(e.key);
            expect(e.message.length).toBeLessThan(600);
          }
        },
      ),
      // Short in `npm test`; `npm run fuzz` raises FUZZ_RUNS / FUZZ_SECONDS for the long run.
      fuzzParameters(200),
    );
  });
});
