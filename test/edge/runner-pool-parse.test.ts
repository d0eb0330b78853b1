/** Parsing `RUNNERS`, runner URLs and `Retry-After`. */
import { describe, expect, it } from 'vitest';
import { normalizeRunnerUrl, parseRunners } from '../../edge/runners/parse-runners.ts';
import { MAX_RETRY_AFTER_SECONDS, parseRetryAfter } from '../../edge/runners/retry-after.ts';
import { RunnerPool } from '../../edge/runners/pool.ts';

describe('parseRunners', () => {
  it('splits on commas and/or whitespace and strips trailing slashes', () => {
    expect(
      parseRunners(' http://127.0.0.1:8788/, https://gpu-1.example\n  https://gpu-2.example:9000/runner/ '),
    ).toEqual(['http://127.0.0.1:8788', 'https://gpu-1.example', 'https://gpu-2.example:9000/runner']);
  });

  it('accepts a JSON array', () => {
    expect(parseRunners('["http://a.internal:8788/", "https://b.internal"]')).toEqual([
      'http://a.internal:8788',
      'https://b.internal',
    ]);
  });

  it('normalises scheme and host case and default ports', () => {
    expect(normalizeRunnerUrl('HTTPS://GPU.Example:443/')).toBe('https://gpu.example');
    expect(normalizeRunnerUrl('http://gpu.example:80')).toBe('http://gpu.example');
  });

  it('rejects an empty value', () => {
    expect(() => parseRunners('')).toThrow(/RUNNERS is empty/);
    expect(() => parseRunners(undefined)).toThrow(/RUNNERS is empty/);
    expect(() => parseRunners(' , ')).toThrow(/no runner URL/);
    expect(() => parseRunners('[]')).toThrow(/no runner URL/);
  });

  it('rejects bad JSON and non-string items', () => {
    expect(() => parseRunners('["http://a"')).toThrow(/does not parse/);
    expect(() => parseRunners('[1, 2]')).toThrow(/array of URL strings/);
  });

  it('names the bad entry', () => {
    expect(() => parseRunners('http://a, runner-b:8788')).toThrow(/entry 2 of 2.*http or https/);
    expect(() => parseRunners('http://a, not-a-url')).toThrow(
      /entry 2 of 2: runner URL "not-a-url" is not an absolute URL/,
    );
    expect(() => parseRunners('ftp://a')).toThrow(/http or https, not ftp/);
    expect(() => parseRunners('/relative')).toThrow(/not an absolute URL/);
    expect(() => parseRunners('http://a?x=1')).toThrow(/query or fragment/);
    expect(() => parseRunners('http://a#x')).toThrow(/query or fragment/);
    expect(() => parseRunners('http://a/, http://A')).toThrow(/repeats http:\/\/a/);
  });

  it('rejects credentials without echoing them', () => {
    for (const value of ['http://user:hunter2@a.internal', 'https://hunter2@a.internal', 'user:hunter2@a.internal']) {
      let message = '';
      try {
        parseRunners(value);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('hunter2');
    }
  });
});

describe('RunnerPool options', () => {
  it('validates runners, credentials and timeout', () => {
    expect(() => new RunnerPool({ runners: [], keyId: 'k', secret: 's' })).toThrow(/no runners/);
    expect(() => new RunnerPool({ runners: ['ftp://a'], keyId: 'k', secret: 's' })).toThrow(/http or https/);
    expect(() => new RunnerPool({ runners: ['http://a'], keyId: '', secret: 's' })).toThrow(/keyId and secret/);
    expect(() => new RunnerPool({ runners: ['http://a'], keyId: 'k', secret: 's', timeoutMs: 0 })).toThrow(RangeError);
    const pool = new RunnerPool({ runners: ['http://a/', 'http://a'], keyId: 'k', secret: 's' });
    expect(pool.runners).toEqual(['http://a']);
    expect(pool.timeoutMs).toBe(30_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('12', now)).toBe(12);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read and clamps absurd waits', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('99999999', now)).toBe(MAX_RETRY_AFTER_SECONDS);
  });
});
