// Reference values computed with scipy 1.17.1 and statsmodels 0.15.0 on the development machine;
// each row cites the exact call. CI runs without Python.
import { describe, expect, it } from 'vitest';
import { casesNeeded } from '../../src/stats/cases-needed.js';
import { minimumDetectableEffect } from '../../src/stats/minimum-detectable-effect.js';
import { expectClose } from './close.js';

describe('minimumDetectableEffect', () => {
  // [se, df, confidence, (scipy.stats.t.ppf(confidence, df) + scipy.stats.t.ppf(0.8, df)) * se]
  it.each([
    [0.01, 999, 0.95, 0.024883615276864814],
    [0.05, 29, 0.95, 0.12766595062076766],
    [0.02, 9, 0.9, 0.045328651961643346],
    [0.003, 1999, 0.99, 0.00951004757099352],
  ])('se %f, df %d, confidence %f → %f', (se, df, confidence, mde) => {
    expectClose(minimumDetectableEffect(se, df, confidence), mde, 1e-10);
  });

  // The exact answer solves the noncentral t: statsmodels.stats.power.TTestPower().solve_power(
  //   nobs=n, alpha=0.05, power=0.8, alternative='larger') in units of sd.
  it.each([
    [30, 0.4649472195030932],
    [100, 0.25036498864774176],
    [1000, 0.07868479616673323],
  ])('is within 0.3%% of the noncentral-t answer at n = %d', (n, exact) => {
    const approx = minimumDetectableEffect(1 / Math.sqrt(n), n - 1, 0.95);
    expectClose(approx, exact, 0.003);
  });

  it('is zero with no noise and rejects bad input', () => {
    expect(minimumDetectableEffect(0, 10, 0.95)).toBe(0);
    expect(() => minimumDetectableEffect(-1, 10, 0.95)).toThrow(RangeError);
    expect(() => minimumDetectableEffect(0.1, 10, 1)).toThrow(RangeError);
    expect(() => minimumDetectableEffect(0.1, 10, 0.95, 0)).toThrow(RangeError);
  });
});

describe('casesNeeded', () => {
  // The smallest n with (t.ppf(confidence, n-1) + t.ppf(0.8, n-1)) * sd / sqrt(n) <= effect,
  // found in Python by counting n up from 2 with scipy.stats.t.ppf.
  it.each([
    [0.5, 0.02, 0.95, 3866],
    [0.3, 0.05, 0.95, 225],
    [1, 1, 0.95, 8],
    [0.41, 0.01, 0.99, 16874],
    [0.2, 0.5, 0.9, 3],
    [0.5417, 0.04, 0.95, 1136],
  ])('sd %f, effect %f, confidence %f → %d', (sd, effect, confidence, n) => {
    expect(casesNeeded(sd, effect, confidence)).toBe(n);
  });

  it('needs the minimum with no noise and rejects bad input', () => {
    expect(casesNeeded(0, 0.01, 0.95)).toBe(2);
    expect(() => casesNeeded(0.3, 0, 0.95)).toThrow(/effect/);
    expect(() => casesNeeded(-0.3, 0.1, 0.95)).toThrow(/sd/);
  });

  it('answers (and ends) for budgets too small for any golden set', () => {
    // It used to search forever once n passed 2^53, where n + 1 === n.
    expect(casesNeeded(0.3, 1e-65, 0.95)).toBeGreaterThan(1e129);
    expect(casesNeeded(0.3, 1e-300, 0.95)).toBe(Number.POSITIVE_INFINITY);
    // Past 1e9 cases: the normal answer, ((z₀.₉₅ + z₀.₈) · sd / effect)², about 1.55e10 here.
    const big = casesNeeded(0.5, 1e-5, 0.95);
    expect(Number.isInteger(big)).toBe(true);
    expect(big / ((2.486475 * 0.5) / 1e-5) ** 2).toBeCloseTo(1, 5);
  });
});
