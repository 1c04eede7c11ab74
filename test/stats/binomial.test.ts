// Reference values computed with scipy 1.17.1 on the development machine; each row cites the exact
// call. CI runs without Python.
import { describe, expect, it } from 'vitest';
import { clopperPearsonLower, clopperPearsonUpper } from '../../src/stats/binomial-bounds.js';
import { binomialCdf } from '../../src/stats/binomial-cdf.js';
import { binomialSurvival } from '../../src/stats/binomial-survival.js';
import { expectClose } from './close.js';

// [k, n, p, P(X <= k)]
const CDF: ReadonlyArray<readonly [number, number, number, number]> = [
  [3, 10, 0.5, 0.171875], // scipy.stats.binom.cdf(3, 10, 0.5)
  [0, 20, 0.5, 9.5367431640625e-7], // scipy.stats.binom.cdf(0, 20, 0.5)
  [100, 2000, 0.05, 0.5265709385410882], // scipy.stats.binom.cdf(100, 2000, 0.05)
  [10, 100, 0.01, 0.9999999937444816], // scipy.stats.binom.cdf(10, 100, 0.01)
  [0, 1000, 0.01, 4.3171247410658195e-5], // scipy.stats.binom.cdf(0, 1000, 0.01)
  [999, 1000, 0.5, 1.0], // scipy.stats.binom.cdf(999, 1000, 0.5)
  [1500, 2000, 0.7, 0.9999996939676451], // scipy.stats.binom.cdf(1500, 2000, 0.7)
  [5, 10, 0.999, 2.5095179842570095e-13], // scipy.stats.binom.cdf(5, 10, 0.999)
];

// [k, n, p, P(X > k)]
const SURVIVAL: ReadonlyArray<readonly [number, number, number, number]> = [
  [6, 10, 0.5, 0.171875], // scipy.stats.binom.sf(6, 10, 0.5)
  [49, 1000, 0.01, 8.306371435388825e-20], // scipy.stats.binom.sf(49, 1000, 0.01)
  [30, 2000, 0.001, 3.0719578223918185e-26], // scipy.stats.binom.sf(30, 2000, 0.001)
  [0, 5, 0.3, 0.83193], // scipy.stats.binom.sf(0, 5, 0.3)
  [1990, 2000, 0.5, 0.0], // scipy.stats.binom.sf(1990, 2000, 0.5)
];

// [k, n, confidence, bound]. The Clopper–Pearson bounds are beta quantiles; scipy.stats.beta.ppf
// computes them to full precision.
const LOWER: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 20, 0.95, 0], // k = 0: the bound is 0 by definition
  [1, 20, 0.95, 0.002561378776530283], // scipy.stats.beta.ppf(1 - 0.95, 1, 20)
  [10, 20, 0.95, 0.30195391128649357], // scipy.stats.beta.ppf(1 - 0.95, 10, 11)
  [19, 20, 0.95, 0.7838938357931526], // scipy.stats.beta.ppf(1 - 0.95, 19, 2)
  [20, 20, 0.95, 0.8608916593317348], // scipy.stats.beta.ppf(1 - 0.95, 20, 1)
  [0, 2000, 0.95, 0], // k = 0: the bound is 0 by definition
  [3, 2000, 0.95, 0.0004089666401394478], // scipy.stats.beta.ppf(1 - 0.95, 3, 1998)
  [1000, 2000, 0.95, 0.4813687608047005], // scipy.stats.beta.ppf(1 - 0.95, 1000, 1001)
  [1999, 2000, 0.95, 0.9976302866323432], // scipy.stats.beta.ppf(1 - 0.95, 1999, 2)
  [2000, 2000, 0.95, 0.9985032551048117], // scipy.stats.beta.ppf(1 - 0.95, 2000, 1)
  [5, 100, 0.99, 0.012968921327023257], // scipy.stats.beta.ppf(1 - 0.99, 5, 96)
  [5, 100, 0.999999, 0.0017238298958571665], // scipy.stats.beta.ppf(1 - 0.999999, 5, 96)
  [1, 1, 0.9, 0.09999999999999998], // scipy.stats.beta.ppf(1 - 0.9, 1, 1)
  [0, 1, 0.9, 0], // k = 0: the bound is 0 by definition
];
const UPPER: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 20, 0.95, 0.13910834066826516], // scipy.stats.beta.ppf(0.95, 1, 20)
  [1, 20, 0.95, 0.2161061642068473], // scipy.stats.beta.ppf(0.95, 2, 19)
  [10, 20, 0.95, 0.6980460887135065], // scipy.stats.beta.ppf(0.95, 11, 10)
  [19, 20, 0.95, 0.9974386212234697], // scipy.stats.beta.ppf(0.95, 20, 1)
  [20, 20, 0.95, 1], // k = n: the bound is 1 by definition
  [0, 2000, 0.95, 0.0014967448951882837], // scipy.stats.beta.ppf(0.95, 1, 2000)
  [3, 2000, 0.95, 0.003872223150157523], // scipy.stats.beta.ppf(0.95, 4, 1997)
  [1000, 2000, 0.95, 0.5186312391952995], // scipy.stats.beta.ppf(0.95, 1001, 1000)
  [1999, 2000, 0.95, 0.9999743536816786], // scipy.stats.beta.ppf(0.95, 2000, 1)
  [2000, 2000, 0.95, 1], // k = n: the bound is 1 by definition
  [5, 100, 0.99, 0.12585173069767863], // scipy.stats.beta.ppf(0.99, 6, 95)
  [5, 100, 0.999999, 0.22958627126010564], // scipy.stats.beta.ppf(0.999999, 6, 95)
  [1, 1, 0.9, 1], // k = n: the bound is 1 by definition
  [0, 1, 0.9, 0.9], // scipy.stats.beta.ppf(0.9, 1, 1)
];

// The same bounds as scipy's exact binomial test reports them (one-sided alternatives). Its root
// finder stops near 1e-11, so these are compared more loosely.
const LOWER_BINOMTEST: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 20, 0.95, 0.0], // scipy.stats.binomtest(0, 20, alternative='greater').proportion_ci(0.95, method='exact').low
  [1, 20, 0.95, 0.0025613787765302832], // scipy.stats.binomtest(1, 20, alternative='greater').proportion_ci(0.95, method='exact').low
  [10, 20, 0.95, 0.3019539112864617], // scipy.stats.binomtest(10, 20, alternative='greater').proportion_ci(0.95, method='exact').low
  [19, 20, 0.95, 0.7838938357931302], // scipy.stats.binomtest(19, 20, alternative='greater').proportion_ci(0.95, method='exact').low
  [20, 20, 0.95, 0.8608916593316244], // scipy.stats.binomtest(20, 20, alternative='greater').proportion_ci(0.95, method='exact').low
  [0, 2000, 0.95, 0.0], // scipy.stats.binomtest(0, 2000, alternative='greater').proportion_ci(0.95, method='exact').low
  [3, 2000, 0.95, 0.00040896664014445684], // scipy.stats.binomtest(3, 2000, alternative='greater').proportion_ci(0.95, method='exact').low
  [1000, 2000, 0.95, 0.4813687608047018], // scipy.stats.binomtest(1000, 2000, alternative='greater').proportion_ci(0.95, method='exact').low
  [1999, 2000, 0.95, 0.997630286632346], // scipy.stats.binomtest(1999, 2000, alternative='greater').proportion_ci(0.95, method='exact').low
  [2000, 2000, 0.95, 0.9985032551047393], // scipy.stats.binomtest(2000, 2000, alternative='greater').proportion_ci(0.95, method='exact').low
  [5, 100, 0.99, 0.01296892132702072], // scipy.stats.binomtest(5, 100, alternative='greater').proportion_ci(0.99, method='exact').low
  [5, 100, 0.999999, 0.0017238298958224638], // scipy.stats.binomtest(5, 100, alternative='greater').proportion_ci(0.999999, method='exact').low
  [1, 1, 0.9, 0.09999999999999998], // scipy.stats.binomtest(1, 1, alternative='greater').proportion_ci(0.9, method='exact').low
  [0, 1, 0.9, 0.0], // scipy.stats.binomtest(0, 1, alternative='greater').proportion_ci(0.9, method='exact').low
];
const UPPER_BINOMTEST: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 20, 0.95, 0.1391083406683753], // scipy.stats.binomtest(0, 20, alternative='less').proportion_ci(0.95, method='exact').high
  [1, 20, 0.95, 0.21610616420686976], // scipy.stats.binomtest(1, 20, alternative='less').proportion_ci(0.95, method='exact').high
  [10, 20, 0.95, 0.6980460887135383], // scipy.stats.binomtest(10, 20, alternative='less').proportion_ci(0.95, method='exact').high
  [19, 20, 0.95, 0.9974386212234697], // scipy.stats.binomtest(19, 20, alternative='less').proportion_ci(0.95, method='exact').high
  [20, 20, 0.95, 1.0], // scipy.stats.binomtest(20, 20, alternative='less').proportion_ci(0.95, method='exact').high
  [0, 2000, 0.95, 0.0014967448952607238], // scipy.stats.binomtest(0, 2000, alternative='less').proportion_ci(0.95, method='exact').high
  [3, 2000, 0.95, 0.0038722231501592988], // scipy.stats.binomtest(3, 2000, alternative='less').proportion_ci(0.95, method='exact').high
  [1000, 2000, 0.95, 0.5186312391952982], // scipy.stats.binomtest(1000, 2000, alternative='less').proportion_ci(0.95, method='exact').high
  [1999, 2000, 0.95, 0.9999743536816783], // scipy.stats.binomtest(1999, 2000, alternative='less').proportion_ci(0.95, method='exact').high
  [2000, 2000, 0.95, 1.0], // scipy.stats.binomtest(2000, 2000, alternative='less').proportion_ci(0.95, method='exact').high
  [5, 100, 0.99, 0.12585173069769365], // scipy.stats.binomtest(5, 100, alternative='less').proportion_ci(0.99, method='exact').high
  [5, 100, 0.999999, 0.22958627126033276], // scipy.stats.binomtest(5, 100, alternative='less').proportion_ci(0.999999, method='exact').high
  [1, 1, 0.9, 1.0], // scipy.stats.binomtest(1, 1, alternative='less').proportion_ci(0.9, method='exact').high
  [0, 1, 0.9, 0.9], // scipy.stats.binomtest(0, 1, alternative='less').proportion_ci(0.9, method='exact').high
];

describe('binomialCdf', () => {
  it.each(CDF)('P(X <= %s | n = %s, p = %s) = %s', (k, n, p, expected) => {
    expectClose(binomialCdf(k, n, p), expected, 1e-12);
  });

  it('handles k outside [0, n) and p at 0 or 1', () => {
    expect(binomialCdf(-1, 10, 0.3)).toBe(0);
    expect(binomialCdf(10, 10, 0.3)).toBe(1);
    expect(binomialCdf(12, 10, 0.3)).toBe(1);
    expect(binomialCdf(3, 10, 0)).toBe(1);
    expect(binomialCdf(3, 10, 1)).toBe(0);
    expect(binomialCdf(0, 0, 0.5)).toBe(1);
  });

  it('gives the exact McNemar tail: 2 of 12 discordant pairs', () => {
    // scipy.stats.binomtest(2, 12, 0.5, alternative='less').pvalue = 0.019287109375
    expectClose(binomialCdf(2, 12, 0.5), 0.019287109375, 1e-14);
  });

  it('throws on invalid arguments', () => {
    expect(() => binomialCdf(1.5, 10, 0.5)).toThrow(RangeError);
    expect(() => binomialCdf(1, 10.5, 0.5)).toThrow(RangeError);
    expect(() => binomialCdf(1, -1, 0.5)).toThrow(RangeError);
    expect(() => binomialCdf(1, 10, 1.5)).toThrow(RangeError);
  });
});

describe('binomialSurvival', () => {
  it.each(SURVIVAL)('P(X > %s | n = %s, p = %s) = %s', (k, n, p, expected) => {
    expectClose(binomialSurvival(k, n, p), expected, 1e-12, 1e-300);
  });

  it('keeps tails that 1 − cdf rounds to 0', () => {
    expect(1 - binomialCdf(49, 1000, 0.01)).toBe(0);
    expect(binomialSurvival(49, 1000, 0.01)).toBeGreaterThan(0);
  });

  it('handles k outside [0, n)', () => {
    expect(binomialSurvival(-1, 10, 0.3)).toBe(1);
    expect(binomialSurvival(10, 10, 0.3)).toBe(0);
  });
});

describe('clopperPearsonLower', () => {
  it.each(LOWER)('k = %s, n = %s, confidence %s: %s', (k, n, c, expected) => {
    expectClose(clopperPearsonLower(k, n, c), expected, 1e-12);
  });

  it.each(LOWER_BINOMTEST)(
    'agrees with scipy binomtest: k = %s, n = %s, %s',
    (k, n, c, expected) => {
      expectClose(clopperPearsonLower(k, n, c), expected, 1e-10);
    },
  );

  it('has the closed form (1 − confidence)^(1/n) at k = n', () => {
    expectClose(clopperPearsonLower(20, 20, 0.95), 0.05 ** (1 / 20), 1e-14);
  });
});

describe('clopperPearsonUpper', () => {
  it.each(UPPER)('k = %s, n = %s, confidence %s: %s', (k, n, c, expected) => {
    expectClose(clopperPearsonUpper(k, n, c), expected, 1e-12);
  });

  it.each(UPPER_BINOMTEST)(
    'agrees with scipy binomtest: k = %s, n = %s, %s',
    (k, n, c, expected) => {
      expectClose(clopperPearsonUpper(k, n, c), expected, 1e-10);
    },
  );

  it('has the closed form 1 − (1 − confidence)^(1/n) at k = 0', () => {
    expectClose(clopperPearsonUpper(0, 2000, 0.95), -Math.expm1(Math.log(0.05) / 2000), 1e-14);
  });

  it('brackets the observed share', () => {
    for (const [k, n] of [
      [0, 5],
      [7, 30],
      [30, 30],
      [412, 2000],
    ] as const) {
      expect(clopperPearsonLower(k, n, 0.95)).toBeLessThanOrEqual(k / n);
      expect(clopperPearsonUpper(k, n, 0.95)).toBeGreaterThanOrEqual(k / n);
    }
  });

  it('throws on invalid arguments', () => {
    expect(() => clopperPearsonUpper(3, 0, 0.95)).toThrow(RangeError); // no trials
    expect(() => clopperPearsonUpper(5, 4, 0.95)).toThrow(RangeError);
    expect(() => clopperPearsonLower(-1, 4, 0.95)).toThrow(RangeError);
    expect(() => clopperPearsonLower(1.5, 4, 0.95)).toThrow(RangeError);
    expect(() => clopperPearsonLower(1, 4, 1)).toThrow(RangeError);
    expect(() => clopperPearsonLower(1, 4, 0)).toThrow(RangeError);
  });
});
