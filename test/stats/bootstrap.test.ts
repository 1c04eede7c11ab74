import { describe, expect, it } from 'vitest';
import { pairedBootstrap } from '../../src/stats/bootstrap.js';
import { bootstrapPValueAbove, bootstrapPValueBelow } from '../../src/stats/bootstrap-p-value.js';
import { percentileBounds } from '../../src/stats/percentile-bounds.js';
import { quantileInPlace } from '../../src/stats/quantile.js';
import { createRng, type Rng } from '../../src/stats/rng.js';

/** A standard normal draw (Box–Muller; 1 − u keeps the logarithm finite). */
function normal(rng: Rng): number {
  const u1 = 1 - rng();
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function meanOf(values: Float64Array): (indices: Uint32Array) => number {
  return (indices) => {
    let total = 0;
    for (let i = 0; i < indices.length; i++) total += values[indices[i]!]!;
    return total / indices.length;
  };
}

describe('pairedBootstrap', () => {
  const values = Float64Array.from({ length: 50 }, (_, i) => (i * 37) % 11);

  it('is deterministic by seed', () => {
    const a = pairedBootstrap(50, meanOf(values), { resamples: 500, rng: createRng(3) });
    const b = pairedBootstrap(50, meanOf(values), { resamples: 500, rng: createRng(3) });
    const c = pairedBootstrap(50, meanOf(values), { resamples: 500, rng: createRng(4) });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toHaveLength(500);
  });

  it('hands the statistic n indices in [0, n), drawn uniformly', () => {
    const counts = new Array<number>(7).fill(0);
    pairedBootstrap(
      7,
      (indices) => {
        expect(indices).toHaveLength(7);
        for (const i of indices) counts[i]!++;
        return 0;
      },
      { resamples: 2000, rng: createRng(5) },
    );
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  it('centres the bootstrap means on the sample mean', () => {
    const samples = pairedBootstrap(50, meanOf(values), { resamples: 4000, rng: createRng(6) });
    const sampleMean = meanOf(values)(Uint32Array.from({ length: 50 }, (_, i) => i));
    const bootMean = samples.reduce((s, v) => s + v, 0) / samples.length;
    expect(Math.abs(bootMean - sampleMean)).toBeLessThan(0.05);
  });

  it('keeps pairs together: a ratio of paired sums that is constant per pair stays constant', () => {
    const base = Float64Array.from({ length: 30 }, (_, i) => 1 + i);
    const cand = base.map((v) => v * 1.25);
    const samples = pairedBootstrap(
      30,
      (indices) => {
        let b = 0;
        let c = 0;
        for (const i of indices) {
          b += base[i]!;
          c += cand[i]!;
        }
        return c / b;
      },
      { resamples: 200, rng: createRng(7) },
    );
    for (const s of samples) expect(s).toBeCloseTo(1.25, 12);
  });

  it('covers the true mean of normal data about 95% of the time with a one-sided 95% bound', () => {
    // 400 simulated datasets of 60 draws from N(10, 2²), 1000 resamples each. The percentile
    // bound is known to run slightly narrow at this n (about 0.945 expected).
    const rng = createRng(20240601);
    const sims = 400;
    const n = 60;
    let coveredByLower = 0;
    let coveredByUpper = 0;
    for (let sim = 0; sim < sims; sim++) {
      const x = Float64Array.from({ length: n }, () => 10 + 2 * normal(rng));
      const samples = pairedBootstrap(n, meanOf(x), { resamples: 1000, rng });
      const [lower, upper] = percentileBounds(samples, 0.95);
      if (lower <= 10) coveredByLower++;
      if (upper >= 10) coveredByUpper++;
    }
    expect(Math.abs(coveredByLower / sims - 0.95)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(coveredByUpper / sims - 0.95)).toBeLessThanOrEqual(0.03);
  });

  it('bounds a 2000-pair ratio-of-p95 bootstrap with 2000 resamples above 1 for a slower candidate', () => {
    const n = 2000;
    const rng = createRng(42);
    const base = Float64Array.from({ length: n }, () => 500 + 3000 * rng() ** 3);
    const cand = base.map((v) => v * (0.9 + 0.3 * rng()));
    const bufB = new Float64Array(n);
    const bufC = new Float64Array(n);
    const ratioOfP95 = (indices: Uint32Array): number => {
      for (let i = 0; i < n; i++) {
        const j = indices[i]!;
        bufB[i] = base[j]!;
        bufC[i] = cand[j]!;
      }
      return quantileInPlace(bufC, 0.95) / quantileInPlace(bufB, 0.95);
    };
    // Its speed is measured by `npm run bench:decision`, not asserted here.
    const samples = pairedBootstrap(n, ratioOfP95, { resamples: 2000, rng: createRng(1) });
    const [lower, upper] = percentileBounds(samples, 0.95);
    expect(lower).toBeLessThan(upper);
    expect(lower).toBeGreaterThan(1);
  });

  it('throws on invalid arguments', () => {
    const rng = createRng(1);
    const stat = () => 0;
    expect(() => pairedBootstrap(0, stat, { resamples: 10, rng })).toThrow(RangeError);
    expect(() => pairedBootstrap(5, stat, { resamples: 0, rng })).toThrow(RangeError);
    expect(() => pairedBootstrap(5, stat, { resamples: 1.5, rng })).toThrow(RangeError);
    expect(() =>
      pairedBootstrap(5, stat, { resamples: 10, rng: undefined as unknown as Rng }),
    ).toThrow(TypeError);
  });
});

describe('percentileBounds', () => {
  const oneToHundred = Float64Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted on purpose

  it('takes the (1 − confidence) and confidence quantiles, as numpy does', () => {
    // 1 − 0.95 is 0.050000000000000044 in binary, as in numpy:
    // numpy.quantile(numpy.arange(1, 101), 1 - 0.95) = 5.950000000000005
    // numpy.quantile(numpy.arange(1, 101), 0.95) = 95.05
    expect(percentileBounds(oneToHundred, 0.95)).toEqual([5.950000000000005, 95.05]);
    // numpy.quantile(numpy.arange(1, 101), 1 - 0.975) = 3.4750000000000023
    // numpy.quantile(numpy.arange(1, 101), 0.975) = 97.52499999999999
    expect(percentileBounds(oneToHundred, 0.975)).toEqual([3.4750000000000023, 97.52499999999999]);
  });

  it('does not modify the samples', () => {
    const copy = oneToHundred.slice();
    percentileBounds(oneToHundred, 0.9);
    expect(oneToHundred).toEqual(copy);
  });

  it('throws on empty samples or confidence outside (0, 1)', () => {
    expect(() => percentileBounds([], 0.95)).toThrow(RangeError);
    expect(() => percentileBounds([1, 2], 1)).toThrow(RangeError);
  });

  it('reads a NaN replicate (an undefined ratio) as +Infinity, leaving the samples alone', () => {
    const samples = [1, Number.NaN, 2, 3];
    const [lower, upper] = percentileBounds(samples, 0.9);
    expect(lower).toBeCloseTo(1.3, 12);
    expect(upper).toBe(Number.POSITIVE_INFINITY);
    expect(samples[1]).toBeNaN();
  });
});

describe('bootstrap p-values', () => {
  it('counts replicates on the wrong side, with the (count + 1)/(B + 1) correction', () => {
    expect(bootstrapPValueAbove([1.3, 1.25, 1.4, 1.18, 1.35], 1.2)).toBe(2 / 6);
    expect(bootstrapPValueBelow([0.9, 0.95, 1.02, 0.88], 1)).toBe(2 / 5);
  });

  it('counts ties as evidence against the claim', () => {
    expect(bootstrapPValueAbove([1.2, 1.2, 1.5], 1.2)).toBe(3 / 4);
    expect(bootstrapPValueBelow([1.2, 1.2, 1.0], 1.2)).toBe(3 / 4);
  });

  it('is never 0 and at most 1', () => {
    const all = new Float64Array(999).fill(2);
    expect(bootstrapPValueAbove(all, 1)).toBe(1 / 1000);
    expect(bootstrapPValueAbove(all, 3)).toBe(1);
  });

  it('throws on empty samples or a non-finite threshold', () => {
    expect(() => bootstrapPValueAbove([], 1)).toThrow(RangeError);
    expect(() => bootstrapPValueBelow([1], Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('counts a NaN replicate as +Infinity: above any threshold', () => {
    expect(bootstrapPValueAbove([1, Number.NaN], 1.5)).toBe(2 / 3);
    expect(bootstrapPValueBelow([1, Number.NaN], 1.5)).toBe(2 / 3);
  });
});
