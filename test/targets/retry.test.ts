import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/rng.js';
import { backoffMs, isRetryable, kindForStatus, retryAfterMs } from '../../src/targets/retry.js';
import type { ErrorKind } from '../../src/types.js';

describe('retryAfterMs', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it.each([
    ['0', 0],
    ['3', 3000],
    [' 120 ', 120_000],
    ['1.5', 1500],
  ])('reads delta-seconds %j as %d ms', (header, ms) => {
    expect(retryAfterMs(header, now)).toBe(ms);
  });

  it('reads an HTTP date relative to now, and a date in the past as 0', () => {
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:30:00 GMT', now)).toBe(120_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
  });

  it('takes the first of repeated headers', () => {
    expect(retryAfterMs(['2', '9'], now)).toBe(2000);
  });

  it.each([undefined, '', 'soon', 'in a while', '1e3'])('gives undefined for %j', (header) => {
    expect(retryAfterMs(header, now)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('is full jitter in [ceiling/2, ceiling] where the ceiling doubles per attempt', () => {
    // rng() = 0 gives the floor, rng() → 1 the ceiling.
    expect(backoffMs(0, 100, () => 0)).toBe(50);
    expect(backoffMs(0, 100, () => 0.999999)).toBe(100);
    expect(backoffMs(1, 100, () => 0)).toBe(100);
    expect(backoffMs(3, 100, () => 0.5)).toBe(600); // ceiling 800: 400 + 200
  });

  it('never exceeds the cap', () => {
    expect(backoffMs(30, 500, () => 0.999999)).toBe(30_000);
    expect(backoffMs(30, 500, () => 0)).toBe(15_000);
    expect(backoffMs(4, 500, () => 0.999999, 2_000)).toBe(2_000);
  });

  it('stays within bounds for every attempt with a seeded source, and repeats per seed', () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 200 }, (_, i) => backoffMs(i % 12, 250, rng));
    };
    const a = draw(42);
    a.forEach((ms, i) => {
      const ceiling = Math.min(30_000, 250 * 2 ** (i % 12));
      expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
      expect(ms).toBeLessThanOrEqual(ceiling);
    });
    expect(draw(42)).toEqual(a);
    expect(draw(43)).not.toEqual(a);
    // Jitter really spreads the waits: not every draw of one attempt is the same.
    expect(new Set(a.filter((_, i) => i % 12 === 5)).size).toBeGreaterThan(1);
  });
});

describe('kindForStatus', () => {
  it.each([
    [429, 'rate_limit'],
    [408, 'timeout'],
    [500, 'http_5xx'],
    [503, 'http_5xx'],
    [400, 'http_4xx'],
    [401, 'http_4xx'],
    [404, 'http_4xx'],
  ] as const)('%d → %s', (status, kind) => {
    expect(kindForStatus(status)).toBe(kind);
  });
});

describe('isRetryable', () => {
  it.each<[ErrorKind, number | undefined, boolean]>([
    ['timeout', undefined, true],
    ['timeout', 408, true],
    ['rate_limit', 429, true],
    ['http_5xx', 500, true],
    ['http_5xx', 503, true],
    ['network', undefined, true],
    ['bad_response', 200, true],
    ['stream_cut', undefined, true],
    ['too_large', 200, false],
    ['http_4xx', 400, false],
    ['http_4xx', 401, false],
    ['http_4xx', 403, false],
    ['http_4xx', 404, false],
    ['http_4xx', 422, false],
    ['http_4xx', 409, true],
    ['http_4xx', 425, true],
    ['aborted', undefined, false],
    ['scorer', undefined, false],
  ])('%s (status %s) → %s', (kind, status, retry) => {
    expect(isRetryable(kind, status)).toBe(retry);
  });
});
