/**
 * Disk-cache paths cannot escape the cache root because keys are built from hashes only
 * (gpu-runner/cache/key.ts): fuzzed here, whatever a request's text and config, and whatever
 * string is handed to the key validator. The fixed list of path-escaping keys that every tier
 * refuses without touching storage is in cache.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRenderCacheKey, renderCacheKey } from '../../gpu-runner/cache/key.ts';
import { resolveJob } from '../../gpu-runner/render-service/job.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../fuzz-budget.ts';

describe('disk-cache keys are hashes: no path escape', () => {
  const HEX64 = /^[0-9a-f]{64}$/;
  const hostile = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.constantFrom('../', '..\\', '%2F', '%2f..%2f', '\0', '/', '//', '.', '~', 'C:\\', '\n', '\u2215', '\uff0f'),
    fc
      .array(fc.constantFrom('../', 'a'.repeat(64), '/', '%2F', '\0', 'ab', '.'), { maxLength: 8 })
      .map((a) => a.join('')),
  );

  it('property: the key of any request is "<64 hex>/<64 hex>", whatever its text and config', {
    timeout: fuzzTimeoutMs(),
  }, async () => {
    await fc.assert(
      fc.asyncProperty(hostile, fc.option(hostile, { nil: undefined }), async (text, value) => {
        try {
          const job = await resolveJob({
            text: `x${text}`,
            config: value === undefined ? {} : { 'font-family': value },
          });
          const { textSha256, configHash } = parseRenderCacheKey(job.key);
          expect(textSha256).toMatch(HEX64);
          expect(configHash).toMatch(HEX64);
        } catch (e) {
          // Refused requests never get a key at all.
          expect((e as Error).name).toMatch(/ApiError|RenderConfigError/);
        }
      }),
      fuzzParameters(100),
    );
  });

  it('property: the key validator accepts only two lowercase sha256 hex strings', { timeout: fuzzTimeoutMs() }, () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        for (const key of [a, `${a}/${b}`, `${'a'.repeat(64)}/${b}`, `${a}/${'b'.repeat(64)}`]) {
          let parts: { textSha256: string; configHash: string } | undefined;
          try {
            parts = parseRenderCacheKey(key);
          } catch {
            continue;
          }
          // Accepted only when it is exactly two hashes: then it cannot name a path outside.
          expect(parts.textSha256).toMatch(HEX64);
          expect(parts.configHash).toMatch(HEX64);
          expect(key).toBe(`${parts.textSha256}/${parts.configHash}`);
        }
        if (!HEX64.test(a) || !HEX64.test(b)) expect(() => renderCacheKey(a, b)).toThrow();
        else expect(renderCacheKey(a, b)).toBe(`${a}/${b}`);
      }),
      fuzzParameters(500),
    );
  });
});
