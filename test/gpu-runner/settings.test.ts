/** The runner's environment variables: required keys, defaults, and a clear refusal of bad values. */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultPlanThreads, readRunnerSettings, SettingsError } from '../../gpu-runner/server/settings.ts';

const KEYS = { GLYPH_RUNNER_KEYS: 'edge:secret-0123456789abcdef' };

describe('readRunnerSettings', () => {
  it('requires GLYPH_RUNNER_KEYS, without echoing anything secret', () => {
    expect(() => readRunnerSettings({})).toThrow(SettingsError);
    expect(() => readRunnerSettings({})).toThrow(/GLYPH_RUNNER_KEYS is required/);
  });

  it('defaults to loopback, port 8788, two jobs at once and one plan thread per four cores', () => {
    const settings = readRunnerSettings(KEYS);
    expect(settings).toMatchObject({ host: '127.0.0.1', port: 8788, concurrency: 2, ocr: { device: 'auto' } });
    expect(settings.planThreads).toBe(defaultPlanThreads(2, availableParallelism()));
  });

  it('reads the OCR model variables: device, threads (default every core), batch and wait', () => {
    expect(readRunnerSettings(KEYS).ocr).toEqual({
      device: 'auto',
      threads: undefined,
      maxBatch: undefined,
      maxWaitMs: 5,
    });
    expect(
      readRunnerSettings({
        ...KEYS,
        GLYPH_DEVICE: ' CPU ',
        GLYPH_OCR_THREADS: '3',
        GLYPH_OCR_MAX_BATCH: '8',
        GLYPH_OCR_MAX_WAIT_MS: '0',
      }).ocr,
    ).toEqual({ device: 'cpu', threads: 3, maxBatch: 8, maxWaitMs: 0 });
  });

  it('reads GLYPH_PLAN_THREADS, and never defaults to more threads than jobs can run', () => {
    expect(readRunnerSettings({ ...KEYS, GLYPH_PLAN_THREADS: '3' }).planThreads).toBe(3);
    expect(readRunnerSettings({ ...KEYS, GLYPH_RENDER_CONCURRENCY: '1' }).planThreads).toBe(1);
    // One per four cores, capped by the jobs that can run, never zero.
    expect(defaultPlanThreads(2, 2)).toBe(1);
    expect(defaultPlanThreads(2, 8)).toBe(2);
    expect(defaultPlanThreads(2, 64)).toBe(2);
    expect(defaultPlanThreads(8, 16)).toBe(4);
    expect(defaultPlanThreads(1, 64)).toBe(1);
  });

  it.each([
    ['GLYPH_PLAN_THREADS', '0'],
    ['GLYPH_PLAN_THREADS', 'two'],
    ['GLYPH_PLAN_THREADS', '1.5'],
    ['GLYPH_RENDER_CONCURRENCY', '-1'],
    ['GLYPH_RUNNER_PORT', '70000'],
    ['GLYPH_DEVICE', 'tpu'],
    ['GLYPH_OCR_THREADS', 'two'],
    ['GLYPH_OCR_THREADS', '0'],
    ['GLYPH_MAX_BODY_MB', 'lots'],
    ['GLYPH_CACHE_DISK_MB', '-1'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => readRunnerSettings({ ...KEYS, [name]: value })).toThrow(new RegExp(name));
  });
});
