import { describe, expect, it } from 'vitest';
import { createRng, randomInt } from '../../src/stats/rng.js';

function draw(seed: number, count: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng());
}

describe('createRng', () => {
  it('is deterministic per seed', () => {
    expect(draw(1, 1000)).toEqual(draw(1, 1000));
    expect(draw(-7, 50)).toEqual(draw(-7, 50));
  });

  it('pins the stream of seed 1 (xoshiro128** seeded by splitmix32)', () => {
    // A change here changes every bootstrap bound in every stored report: do it on purpose only.
    expect(draw(1, 3)).toEqual([0.43300839234143496, 0.6828757126349956, 0.3140161426272243]);
  });

  it('gives different streams to different seeds, high bits included', () => {
    const seeds = [0, 1, 2, -1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, -(2 ** 53 - 1)];
    const firsts = seeds.map((s) => draw(s, 2).join());
    expect(new Set(firsts).size).toBe(seeds.length);
  });

  it('returns floats in [0, 1)', () => {
    for (const v of draw(3, 10_000)) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });

  it('looks uniform: mean near ½ and a 10-bin chi-square within bounds', () => {
    const n = 100_000;
    const values = draw(2024, n);
    const mean = values.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // about 5 standard errors
    const bins = new Array<number>(10).fill(0);
    for (const v of values) bins[Math.floor(v * 10)]!++;
    const expected = n / 10;
    const chi2 = bins.reduce((s, o) => s + ((o - expected) * (o - expected)) / expected, 0);
    // 9 degrees of freedom: scipy.stats.chi2.ppf(0.999, 9) = 27.877164871256568
    expect(chi2).toBeLessThan(27.877164871256568);
  });

  it('shows no lag-1 correlation', () => {
    const values = draw(99, 50_000);
    let sxy = 0;
    for (let i = 1; i < values.length; i++) sxy += (values[i]! - 0.5) * (values[i - 1]! - 0.5);
    const corr = sxy / (values.length - 1) / (1 / 12);
    expect(Math.abs(corr)).toBeLessThan(0.02);
  });

  it('throws on seeds that are not safe integers', () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => createRng(2 ** 60)).toThrow(RangeError);
  });
});

describe('randomInt', () => {
  it('draws each of 0..n−1 about equally often', () => {
    const rng = createRng(8);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[randomInt(rng, 6)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('always returns 0 for n = 1', () => {
    const rng = createRng(8);
    for (let i = 0; i < 100; i++) expect(randomInt(rng, 1)).toBe(0);
  });

  it('throws on n that is not a positive integer up to 2^32', () => {
    const rng = createRng(8);
    expect(() => randomInt(rng, 0)).toThrow(RangeError);
    expect(() => randomInt(rng, 2.5)).toThrow(RangeError);
    expect(() => randomInt(rng, 2 ** 32 + 1)).toThrow(RangeError);
  });
});
