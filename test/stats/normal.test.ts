// Reference values computed with scipy 1.17.1 / numpy 2.4.6 (and mpmath 1.3.0 where noted) on
// the development machine; each row cites the exact call. CI runs without Python.
import { describe, expect, it } from 'vitest';
import { erfc } from '../../src/stats/erfc.js';
import { normalCdf } from '../../src/stats/normal-cdf.js';
import { normalQuantile } from '../../src/stats/normal-quantile.js';
import { expectClose } from './close.js';

const CDF: ReadonlyArray<readonly [number, number]> = [
  [-37.5, 4.605353009581954e-308], // scipy.stats.norm.cdf(-37.5)
  [-37, 5.7255712225239266e-300], // scipy.stats.norm.cdf(-37)
  [-20, 2.7536241186061556e-89], // scipy.stats.norm.cdf(-20)
  [-10, 7.61985302416047e-24], // scipy.stats.norm.cdf(-10)
  [-5, 2.866515718791933e-7], // scipy.stats.norm.cdf(-5)
  [-3, 0.0013498980316300933], // scipy.stats.norm.cdf(-3)
  [-2.83, 0.0023274002067315515], // scipy.stats.norm.cdf(-2.83)
  [-2.5, 0.006209665325776132], // scipy.stats.norm.cdf(-2.5)
  [-1.96, 0.024997895148220435], // scipy.stats.norm.cdf(-1.96)
  [-1, 0.15865525393145707], // scipy.stats.norm.cdf(-1)
  [-0.1, 0.460172162722971], // scipy.stats.norm.cdf(-0.1)
  [0, 0.5], // scipy.stats.norm.cdf(0)
  [0.3, 0.6179114221889526], // scipy.stats.norm.cdf(0.3)
  [1, 0.8413447460685429], // scipy.stats.norm.cdf(1)
  [1.6448536269514722, 0.95], // scipy.stats.norm.cdf(1.6448536269514722)
  [2.5, 0.9937903346742238], // scipy.stats.norm.cdf(2.5)
  [5, 0.9999997133484281], // scipy.stats.norm.cdf(5)
  [8, 0.9999999999999993], // scipy.stats.norm.cdf(8)
  [9, 1.0], // scipy.stats.norm.cdf(9)
];

const QUANTILE: ReadonlyArray<readonly [number, number]> = [
  [1e-300, -37.0470962993612], // scipy.stats.norm.ppf(1e-300)
  [1e-100, -21.273453560965322], // scipy.stats.norm.ppf(1e-100)
  [1e-12, -7.034483825301131], // scipy.stats.norm.ppf(1e-12)
  [1e-6, -4.753424308822899], // scipy.stats.norm.ppf(1e-6)
  [0.001, -3.090232306167813], // scipy.stats.norm.ppf(0.001)
  [0.025, -1.9599639845400545], // scipy.stats.norm.ppf(0.025)
  [0.05, -1.6448536269514729], // scipy.stats.norm.ppf(0.05)
  [0.075, -1.4395314709384563], // scipy.stats.norm.ppf(0.075)
  [0.2, -0.8416212335729142], // scipy.stats.norm.ppf(0.2)
  [0.5, 0.0], // scipy.stats.norm.ppf(0.5)
  [0.6, 0.2533471031357997], // scipy.stats.norm.ppf(0.6)
  [0.925, 1.4395314709384563], // scipy.stats.norm.ppf(0.925)
  [0.95, 1.6448536269514722], // scipy.stats.norm.ppf(0.95)
  [0.975, 1.959963984540054], // scipy.stats.norm.ppf(0.975)
  [0.999, 3.090232306167813], // scipy.stats.norm.ppf(0.999)
  [1 - 1e-12, 7.0344869100478356], // scipy.stats.norm.ppf(1 - 1e-12)
];

describe('normalCdf', () => {
  it.each(CDF)('Φ(%s) = %s', (x, expected) => {
    expectClose(normalCdf(x), expected, 1e-13);
  });

  it('is exact at the ends and symmetric', () => {
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    for (const x of [0.1, 0.7, 1.3, 2.2, 3.5]) {
      expect(normalCdf(-x) + normalCdf(x)).toBeCloseTo(1, 15);
    }
  });

  it('has no table steps (unlike cumulativeStdNormalProbability)', () => {
    expect(normalCdf(1.961)).toBeGreaterThan(normalCdf(1.96));
    expectClose(normalCdf(-4.5), 3.3976731247300535e-6, 1e-13); // scipy.stats.norm.cdf(-4.5)
  });

  it('throws on NaN', () => {
    expect(() => normalCdf(Number.NaN)).toThrow(RangeError);
  });
});

describe('erfc', () => {
  it('matches scipy.special.erfc', () => {
    expectClose(erfc(1), 0.15729920705028516, 1e-14); // scipy.special.erfc(1)
    expectClose(erfc(10), 2.0884875837625446e-45, 1e-13); // scipy.special.erfc(10)
    expectClose(erfc(-0.5), 1.5204998778130465, 1e-15); // scipy.special.erfc(-0.5)
    expectClose(erfc(1.999), 0.0046984433486294865, 1e-13); // scipy.special.erfc(1.999)
    expectClose(erfc(2.001), 0.004657109281475351, 1e-13); // scipy.special.erfc(2.001)
  });
});

describe('normalQuantile', () => {
  it.each(QUANTILE)('Φ⁻¹(%s) = %s', (p, expected) => {
    expectClose(normalQuantile(p), expected, 1e-14, 1e-16);
  });

  it('inverts normalCdf', () => {
    for (const p of [1e-15, 1e-9, 0.0123, 0.31, 0.5, 0.77, 0.9999]) {
      expectClose(normalCdf(normalQuantile(p)), p, 1e-13);
    }
  });

  it('gives infinities at 0 and 1 and throws outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(() => normalQuantile(-0.1)).toThrow(RangeError);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });
});
