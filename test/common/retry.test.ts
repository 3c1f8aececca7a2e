import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../lambda/delivery/circuit-breaker';
import { fullJitterDelayMs, isRetriableStatus, parseRetryAfterMs } from '../../lambda/common/retry';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it.each<[string | undefined, number | undefined]>([
    ['5', 5_000],
    [' 0 ', 0],
    ['Mon, 23 Nov 2026 12:00:30 GMT', 30_000],
    ['Mon, 23 Nov 2026 11:59:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %j as %j ms', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});

describe('fullJitterDelayMs', () => {
  /** The window "full jitter" draws from; attempts past 30 are capped by maxMs anyway (base ≥ 1, max ≤ 600 s). */
  const ceilingOf = (attempt: number, baseMs: number, maxMs: number): number =>
    Math.min(maxMs, baseMs * 2 ** (attempt - 1));

  it('stays within [0, min(max, base·2^(attempt-1))]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const delay = fullJitterDelayMs(attempt, { baseMs: 100, maxMs: 60_000 }, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceilingOf(attempt, 100, 60_000));
      }),
    );
  });

  it('is the random draw scaled to that window: floor(r × ceiling), so a constant 0 (or the ceiling) fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, maxMs, r) => {
          // Act
          const delay = fullJitterDelayMs(attempt, { baseMs, maxMs }, () => r);
          // Assess
          expect(delay).toBe(Math.floor(r * ceilingOf(attempt, baseMs, maxMs)));
        },
      ),
    );
  });

  it('with the default random source, spreads over the whole window (not a constant, not a narrow band)', () => {
    // Prepare: attempt 4 of base 100 ms draws from [0, 800)
    const ceiling = ceilingOf(4, 100, 60_000);
    // Act
    const draws = Array.from({ length: 2_000 }, () => fullJitterDelayMs(4, { baseMs: 100, maxMs: 60_000 }));
    // Assess: 2,000 uniform draws miss the top or bottom 5% with probability about 0.95^2000 (≈ 1e-45)
    expect(Math.max(...draws)).toBeGreaterThanOrEqual(0.95 * ceiling);
    expect(Math.max(...draws)).toBeLessThan(ceiling);
    expect(Math.min(...draws)).toBeLessThanOrEqual(0.05 * ceiling);
    expect(new Set(draws).size).toBeGreaterThan(ceiling / 4);
  });
});

describe('isRetriableStatus', () => {
  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetriableStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some(isRetriableStatus)).toBe(false);
  });
});

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets one probe through after the pause, and closes on its success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 1_000, () => now);
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.allowRequest()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.allowRequest()).toBe(false);
    now = 1_000;
    expect(breaker.allowRequest()).toBe(true);
    expect(breaker.allowRequest()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('re-opens at once when the probe fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker(1, 1_000, () => now);
    breaker.recordFailure();
    now = 1_500;
    expect(breaker.allowRequest()).toBe(true);
    breaker.recordFailure();
    expect(breaker.allowRequest()).toBe(false);
  });

  it('lets a new probe through when an earlier probe never reported back', () => {
    // Prepare: a caller that asked for a probe and never recorded its outcome.
    let now = 0;
    const breaker = new CircuitBreaker(1, 1_000, () => now);
    breaker.recordFailure();
    now = 1_000;
    expect(breaker.allowRequest()).toBe(true);
    // Act / Assess: blocked while that probe could still be running, let through after another pause.
    now = 1_500;
    expect(breaker.allowRequest()).toBe(false);
    now = 2_000;
    expect(breaker.allowRequest()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('says whether a probe is due without taking it', () => {
    let now = 0;
    const breaker = new CircuitBreaker(1, 1_000, () => now);
    breaker.recordFailure();
    expect(breaker.wouldAllow()).toBe(false);
    now = 1_000;
    expect([breaker.wouldAllow(), breaker.wouldAllow()]).toEqual([true, true]);
    expect(breaker.allowRequest()).toBe(true);
    expect(breaker.wouldAllow()).toBe(false);
  });
});
