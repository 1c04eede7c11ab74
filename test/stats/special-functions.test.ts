// Reference values computed with scipy 1.17.1 (and mpmath 1.3.0 where noted) on the development
// machine; each row cites the exact call. CI runs without Python.
import { describe, expect, it } from 'vitest';
import { betaQuantile } from '../../src/stats/beta-quantile.js';
import { findRoot } from '../../src/stats/find-root.js';
import { incompleteBeta } from '../../src/stats/incomplete-beta.js';
import { incompleteBetaHalf } from '../../src/stats/incomplete-beta-half.js';
import { logBeta } from '../../src/stats/log-beta.js';
import { logGamma } from '../../src/stats/log-gamma.js';
import { expectClose } from './close.js';

const LOG_GAMMA: ReadonlyArray<readonly [number, number]> = [
  [1e-10, 23.025850929882733], // scipy.special.gammaln(1e-10)
  [0.001, 6.907178885383853], // scipy.special.gammaln(0.001)
  [0.5, 0.5723649429247], // scipy.special.gammaln(0.5)
  [1.5, -0.12078223763524526], // scipy.special.gammaln(1.5)
  [2.5, 0.2846828704729192], // scipy.special.gammaln(2.5)
  [3.7, 1.428072326665388], // scipy.special.gammaln(3.7)
  [9.99, 12.779315214350195], // scipy.special.gammaln(9.99)
  [10, 12.801827480081469], // scipy.special.gammaln(10)
  [55.5, 166.32150615984037], // scipy.special.gammaln(55.5)
  [171.5, 709.1431630309283], // scipy.special.gammaln(171.5)
  [1e6, 12815504.569147611], // scipy.special.gammaln(1e6)
  [1e15, 3.3538776394910668e16], // scipy.special.gammaln(1e15)
];

const LOG_BETA: ReadonlyArray<readonly [number, number, number]> = [
  [0.5, 0.5, 1.1447298858494], // scipy.special.betaln(0.5, 0.5)
  [2, 3, -2.4849066497880004], // scipy.special.betaln(2, 3)
  [1, 1, 0.0], // scipy.special.betaln(1, 1)
  [0.1, 30, 1.914099554300968], // scipy.special.betaln(0.1, 30)
  [15, 20, -24.049722172259504], // scipy.special.betaln(15, 20)
  [1000, 1001, -1389.175748816463], // scipy.special.betaln(1000, 1001)
  [7.5, 9.5, -11.448162448524672], // scipy.special.betaln(7.5, 9.5)
];

// scipy.special.betaln loses 2e-10 at (500000, 0.5) and 7e-10 at (3, 1e6) to cancellation, so these
// rows come from 50-digit mpmath instead (mpmath.mp.dps = 50).
const LOG_BETA_LARGE: ReadonlyArray<readonly [number, number, number]> = [
  [500000, 0.5, -5.988816495777464], // float(mpmath.log(mpmath.beta(500000, 0.5)))
  [500000, 500000, -693152.4762292606], // float(mpmath.log(mpmath.beta(500000, 500000)))
  [3, 1e6, -40.75338749333038], // float(mpmath.log(mpmath.beta(3, 1e6)))
  [1e7, 2.5, -40.01055644442287], // float(mpmath.log(mpmath.beta(1e7, 2.5)))
];

// [x, a, b, I_x(a, b)]
const INCOMPLETE_BETA: ReadonlyArray<readonly [number, number, number, number]> = [
  [0.5, 2, 3, 0.6875], // scipy.special.betainc(2, 3, 0.5)
  [0.1, 0.5, 0.5, 0.20483276469913345], // scipy.special.betainc(0.5, 0.5, 0.1)
  [0.3, 10, 20, 0.3640040810719437], // scipy.special.betainc(10, 20, 0.3)
  [0.5, 1000, 1001, 0.5089195055729272], // scipy.special.betainc(1000, 1001, 0.5)
  [1e-5, 0.5, 5, 0.007782063918018752], // scipy.special.betainc(0.5, 5, 1e-5)
  [0.9, 2, 200, 1.0], // scipy.special.betainc(2, 200, 0.9)
  [0.999, 500000, 0.5, 1.3983637688332833e-219], // scipy.special.betainc(500000, 0.5, 0.999)
  [0.99999, 500000, 0.5, 0.0015653640065981895], // scipy.special.betainc(500000, 0.5, 0.99999)
  [1e-8, 0.5, 500000, 0.07965565490490928], // scipy.special.betainc(0.5, 500000, 1e-8)
  [0.2, 1, 1, 0.2], // scipy.special.betainc(1, 1, 0.2)
  [0.75, 30, 10, 0.47563081826159714], // scipy.special.betainc(30, 10, 0.75)
  [0.05, 0.01, 0.01, 0.48556616002624375], // scipy.special.betainc(0.01, 0.01, 0.05)
  [0.999999, 3, 0.2, 0.9167136582902511], // scipy.special.betainc(3, 0.2, 0.999999)
];

// [x, a, I_x(a, ½)]: the Student t shapes; scipy agrees with 40-digit mpmath to 1e-15 here.
const INCOMPLETE_BETA_HALF: ReadonlyArray<readonly [number, number, number]> = [
  [0.75, 15, 0.0035685233088176825], // scipy.special.betainc(15, 0.5, 0.75)
  [0.99, 50, 0.3173043978741973], // scipy.special.betainc(50, 0.5, 0.99)
  [0.999, 500, 0.31731044730971725], // scipy.special.betainc(500, 0.5, 0.999)
  [0.99999, 50000, 0.3173105078579662], // scipy.special.betainc(50000.0, 0.5, 0.99999)
  [0.99999, 500000, 0.0015653640065981895], // scipy.special.betainc(500000.0, 0.5, 0.99999)
  [0.999999, 500000, 0.3173105078558957], // scipy.special.betainc(500000.0, 0.5, 0.999999)
  [0.9999999, 500000, 0.7518296881107605], // scipy.special.betainc(500000.0, 0.5, 0.9999999)
];

// [p, a, b, x]
const BETA_QUANTILE: ReadonlyArray<readonly [number, number, number, number]> = [
  [0.05, 3, 18, 0.04216940788577861], // scipy.stats.beta.ppf(0.05, 3, 18)
  [1e-12, 0.5, 0.5, 2.4674011002723395e-24], // scipy.stats.beta.ppf(1e-12, 0.5, 0.5)
  [0.5, 2, 5, 0.26444998329566005], // scipy.stats.beta.ppf(0.5, 2, 5)
  [0.95, 1, 1999, 0.0014974930811077142], // scipy.stats.beta.ppf(0.95, 1, 1999)
  [1 - 1e-12, 2, 3, 0.9999370034198778], // scipy.stats.beta.ppf(1 - 1e-12, 2, 3)
  [0.001, 1000, 1001, 0.46524649845617705], // scipy.stats.beta.ppf(0.001, 1000, 1001)
  [0.999, 0.3, 0.7, 0.9997838965329151], // scipy.stats.beta.ppf(0.999, 0.3, 0.7)
  [1e-12, 0.1, 5, 1.3321008721895474e-121], // scipy.stats.beta.ppf(1e-12, 0.1, 5)
  [0.5, 1e4, 1, 0.9999306876841536], // scipy.stats.beta.ppf(0.5, 1e4, 1)
];

describe('logGamma', () => {
  it.each(LOG_GAMMA)('ln Γ(%s) = %s', (x, expected) => {
    expectClose(logGamma(x), expected, 1e-14, 1e-14);
  });

  it('is exactly 0 at 1 and 2, and throws for x <= 0', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
    expect(() => logGamma(0)).toThrow(RangeError);
    expect(() => logGamma(-1.5)).toThrow(RangeError);
    expect(() => logGamma(Number.NaN)).toThrow(RangeError);
  });
});

describe('logBeta', () => {
  it.each(LOG_BETA)('ln B(%s, %s) = %s', (a, b, expected) => {
    expectClose(logBeta(a, b), expected, 1e-14, 1e-14);
  });

  it.each(LOG_BETA_LARGE)('ln B(%s, %s) = %s without cancellation', (a, b, expected) => {
    expectClose(logBeta(a, b), expected, 1e-14);
  });

  it('is symmetric and throws for non-positive shapes', () => {
    expect(logBeta(3.5, 70)).toBe(logBeta(70, 3.5));
    expect(() => logBeta(0, 1)).toThrow(RangeError);
    expect(() => logBeta(1, -2)).toThrow(RangeError);
  });
});

describe('incompleteBeta', () => {
  it.each(INCOMPLETE_BETA)('I_%s(%s, %s) = %s', (x, a, b, expected) => {
    expectClose(incompleteBeta(x, a, b), expected, 1e-12);
  });

  it('satisfies I_x(a, b) = 1 − I_(1−x)(b, a)', () => {
    for (const [x, a, b] of [
      [0.3, 2.5, 7],
      [0.8, 40, 3],
      [0.01, 0.7, 0.9],
    ] as const) {
      expectClose(incompleteBeta(x, a, b), 1 - incompleteBeta(1 - x, b, a), 1e-13);
    }
  });

  it('is 0 and 1 at the ends, and throws on invalid arguments', () => {
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
    expect(() => incompleteBeta(-0.1, 2, 3)).toThrow(RangeError);
    expect(() => incompleteBeta(1.1, 2, 3)).toThrow(RangeError);
    expect(() => incompleteBeta(0.5, 0, 3)).toThrow(RangeError);
    expect(() => incompleteBeta(0.5, 2, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('incompleteBetaHalf (BGRAT for the Student t shapes)', () => {
  it.each(INCOMPLETE_BETA_HALF)('I_%s(%s, ½) = %s', (x, a, expected) => {
    // 1 − x is exact here (Sterbenz), so y is the true complement of the double x.
    expectClose(incompleteBetaHalf(x, a, 1 - x), expected, 1e-13);
  });

  it('refuses arguments outside its domain', () => {
    expect(() => incompleteBetaHalf(0.5, 100, 0.5)).toThrow(RangeError);
    expect(() => incompleteBetaHalf(0.9, 10, 0.1)).toThrow(RangeError);
  });
});

describe('betaQuantile', () => {
  it.each(BETA_QUANTILE)('Beta⁻¹(%s; %s, %s) = %s', (p, a, b, expected) => {
    expectClose(betaQuantile(p, a, b), expected, 1e-12);
  });

  it('inverts incompleteBeta, including extreme p', () => {
    for (const [p, a, b] of [
      [1e-12, 3, 4],
      [0.5, 0.2, 0.3],
      [1 - 1e-9, 50, 2],
      [0.05, 1, 1999],
    ] as const) {
      expectClose(incompleteBeta(betaQuantile(p, a, b), a, b), p, 1e-11);
    }
  });

  it('gives 0 and 1 at the ends and throws on invalid arguments', () => {
    expect(betaQuantile(0, 2, 3)).toBe(0);
    expect(betaQuantile(1, 2, 3)).toBe(1);
    expect(() => betaQuantile(1.2, 2, 3)).toThrow(RangeError);
    expect(() => betaQuantile(0.5, -1, 3)).toThrow(RangeError);
  });
});

describe('findRoot', () => {
  it('solves with Newton steps inside the bracket', () => {
    expectClose(
      findRoot((x) => [x * x - 2, 2 * x], 0, 2, 1),
      Math.SQRT2,
      1e-15,
    );
  });

  it('falls back to bisection when Newton misbehaves, and reaches tiny roots', () => {
    // A flat-then-steep function where Newton from the guess overshoots the bracket.
    const root = findRoot(
      (x) => [Math.cbrt(x - 0.3), 1 / (3 * Math.cbrt((x - 0.3) ** 2))],
      0,
      1,
      0.9,
    );
    expectClose(root, 0.3, 1e-12);
    const tiny = findRoot((x) => [Math.log(x) + 400, 1 / x], 0, 1, 0.5);
    expectClose(tiny, Math.exp(-400), 1e-12);
  });

  it('throws on an invalid bracket', () => {
    expect(() => findRoot((x) => [x, 1], 1, 0, 0.5)).toThrow(RangeError);
  });
});
