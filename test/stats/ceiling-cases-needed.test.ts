import { describe, expect, it } from 'vitest';
import { clopperPearsonLower, clopperPearsonUpper } from '../../src/stats/binomial-bounds.js';
import { binomialCdf } from '../../src/stats/binomial-cdf.js';
import { binomialSurvival } from '../../src/stats/binomial-survival.js';
import {
  ceilingCasesToFail,
  ceilingCasesToPass,
  zeroErrorFloor,
} from '../../src/stats/ceiling-cases-needed.js';

// The searches walk critical counts; the references below scan every n and read the bounds
// straight from the Clopper–Pearson functions (beta quantiles), a different route to the answer.

/** P(upper bound ≤ max) at n calls erring at `rate`, from the bounds themselves. */
function passProbability(n: number, max: number, rate: number, confidence: number): number {
  let k = -1;
  while (k + 1 <= n && clopperPearsonUpper(k + 1, n, confidence) <= max) k++;
  return k < 0 ? 0 : binomialCdf(k, n, rate);
}

/** P(lower bound > max) at n calls erring at `rate`. */
function failProbability(n: number, max: number, rate: number, confidence: number): number {
  let k = 0;
  while (k <= n && clopperPearsonLower(k, n, confidence) <= max) k++;
  return k > n ? 0 : binomialSurvival(k - 1, n, rate);
}

function scan(limit: number, ok: (n: number) => boolean): number {
  for (let n = 1; n <= limit; n++) if (ok(n)) return n;
  return Number.POSITIVE_INFINITY;
}

describe('zeroErrorFloor', () => {
  it('is ln α / ln(1 − max), rounded up: 299 calls for a 1% ceiling at 95%', () => {
    expect(Math.log(0.05) / Math.log(0.99)).toBeCloseTo(298.07, 2);
    expect(zeroErrorFloor(0.01, 0.95)).toBe(299);
    expect(scan(1000, (n) => clopperPearsonUpper(0, n, 0.95) <= 0.01)).toBe(299);
    expect(zeroErrorFloor(0.05, 0.95)).toBe(
      scan(1000, (n) => clopperPearsonUpper(0, n, 0.95) <= 0.05),
    );
    expect(zeroErrorFloor(0.001, 0.99)).toBe(4603); // ln 0.01 / ln 0.999 = 4602.9
    expect(zeroErrorFloor(0, 0.95)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('ceilingCasesToPass', () => {
  it('equals the floor when the candidate never errs', () => {
    expect(ceilingCasesToPass(0.01, 0, 0.95)).toBe(299);
  });

  it.each([
    [0.01, 0.002, 0.95],
    [0.05, 0.01, 0.95],
    [0.02, 0.005, 0.9],
  ])('max %f, rate %f, confidence %f: the first n an every-n scan finds', (max, rate, conf) => {
    const n = ceilingCasesToPass(max, rate, conf);
    expect(n).toBe(scan(6000, (m) => passProbability(m, max, rate, conf) >= 0.8));
  });

  it('is infinite when the rate is at or above the ceiling, or the ceiling is zero', () => {
    expect(ceilingCasesToPass(0.01, 0.01, 0.95)).toBe(Number.POSITIVE_INFINITY);
    expect(ceilingCasesToPass(0, 0, 0.95)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('ceilingCasesToFail', () => {
  it.each([
    [0.01, 0.02, 0.05],
    [0.05, 0.1, 0.05],
    [0.1, 0.2, 0.0425],
    [0.3, 0.6, 0.05],
  ])('max %f, rate %f, alpha %f: the first n an every-n scan finds', (max, rate, alpha) => {
    const n = ceilingCasesToFail(max, rate, alpha);
    expect(n).toBe(scan(5000, (m) => failProbability(m, max, rate, 1 - alpha) >= 0.8));
  });

  it('handles every call failing and rejects a rate within the ceiling', () => {
    // Rate 1: n failures in n calls; the lower bound α^(1/n) > 0.6 from n = 6.
    expect(ceilingCasesToFail(0.6, 1, 0.05)).toBe(scan(100, (n) => 0.05 ** (1 / n) > 0.6));
    expect(ceilingCasesToFail(0.01, 0.01, 0.05)).toBe(Number.POSITIVE_INFINITY);
  });
});
