/** CircuitBreaker state machine with an injected clock. */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../edge/runners/circuit-breaker.ts';

const R = 'http://runner-a:8788';

function clocked(options: { failureThreshold?: number; cooldownMs?: number } = {}) {
  const clock = { t: 1_000 };
  const breaker = new CircuitBreaker({ ...options, now: () => clock.t });
  return { clock, breaker };
}

describe('CircuitBreaker', () => {
  it('starts closed and uses the defaults 3 failures / 30 s', () => {
    const breaker = new CircuitBreaker();
    expect(breaker.failureThreshold).toBe(3);
    expect(breaker.cooldownMs).toBe(30_000);
    expect(breaker.state(R)).toBe('closed');
    expect(breaker.isAvailable(R)).toBe(true);
    expect(breaker.tryAcquire(R)).toBe(true);
  });

  it('opens on the threshold-th consecutive failure; a success in between resets the count', () => {
    const { breaker } = clocked();
    breaker.recordFailure(R);
    breaker.recordFailure(R);
    breaker.recordSuccess(R);
    breaker.recordFailure(R);
    breaker.recordFailure(R);
    expect(breaker.state(R)).toBe('closed');
    breaker.recordFailure(R);
    expect(breaker.state(R)).toBe('open');
    expect(breaker.isAvailable(R)).toBe(false);
    expect(breaker.tryAcquire(R)).toBe(false);
    expect(breaker.snapshot(R)).toMatchObject({ state: 'open', consecutiveFailures: 3, retryAt: 31_000 });
  });

  it('goes half-open after the cool-down and hands out exactly one trial', () => {
    const { clock, breaker } = clocked({ failureThreshold: 1, cooldownMs: 10_000 });
    breaker.recordFailure(R);
    clock.t += 9_999;
    expect(breaker.state(R)).toBe('open');
    clock.t += 1;
    expect(breaker.state(R)).toBe('half-open');
    expect(breaker.isAvailable(R)).toBe(true);
    expect(breaker.tryAcquire(R)).toBe(true);
    expect(breaker.isAvailable(R)).toBe(false);
    expect(breaker.tryAcquire(R)).toBe(false);
    expect(breaker.snapshot(R).trialInFlight).toBe(true);
  });

  it('closes on a successful trial', () => {
    const { clock, breaker } = clocked({ failureThreshold: 1, cooldownMs: 10_000 });
    breaker.recordFailure(R);
    clock.t += 10_000;
    expect(breaker.tryAcquire(R)).toBe(true);
    breaker.recordSuccess(R);
    expect(breaker.snapshot(R)).toEqual({ state: 'closed', consecutiveFailures: 0, trialInFlight: false });
  });

  it('re-opens for a full cool-down on a failed trial, even below the threshold count', () => {
    const { clock, breaker } = clocked({ failureThreshold: 3, cooldownMs: 10_000 });
    for (let i = 0; i < 3; i++) breaker.recordFailure(R);
    clock.t += 10_000;
    expect(breaker.tryAcquire(R)).toBe(true);
    breaker.recordFailure(R);
    expect(breaker.state(R)).toBe('open');
    clock.t += 9_999;
    expect(breaker.state(R)).toBe('open');
    clock.t += 1;
    expect(breaker.state(R)).toBe('half-open');
  });

  it('release() gives the trial back without a verdict', () => {
    const { clock, breaker } = clocked({ failureThreshold: 1, cooldownMs: 10_000 });
    breaker.recordFailure(R);
    clock.t += 10_000;
    expect(breaker.tryAcquire(R)).toBe(true);
    breaker.release(R);
    expect(breaker.state(R)).toBe('half-open');
    expect(breaker.tryAcquire(R)).toBe(true);
  });

  it('hands the trial out again if its owner never reports back within a cool-down', () => {
    const { clock, breaker } = clocked({ failureThreshold: 1, cooldownMs: 10_000 });
    breaker.recordFailure(R);
    clock.t += 10_000;
    expect(breaker.tryAcquire(R)).toBe(true);
    clock.t += 9_999;
    expect(breaker.tryAcquire(R)).toBe(false);
    clock.t += 1;
    expect(breaker.tryAcquire(R)).toBe(true);
  });

  it('keeps runners independent, and reset() forgets', () => {
    const { breaker } = clocked({ failureThreshold: 1 });
    breaker.recordFailure(R);
    expect(breaker.state('http://runner-b:8788')).toBe('closed');
    breaker.reset(R);
    expect(breaker.state(R)).toBe('closed');
    breaker.recordFailure(R);
    breaker.reset();
    expect(breaker.state(R)).toBe('closed');
  });

  it('rejects nonsense options', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ failureThreshold: 1.5 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ cooldownMs: -1 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ cooldownMs: Number.NaN })).toThrow(RangeError);
  });
});
