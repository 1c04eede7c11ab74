import { describe, expect, it } from 'vitest';
import { labelDrift, scoreDrift } from '../../src/compare/drift.js';
import { compareRatio, ratioResampling } from '../../src/compare/ratio.js';
import { type Resampled, resampleTogether } from '../../src/compare/resampled.js';
import { pairedBootstrap } from '../../src/stats/bootstrap.js';
import { populationStabilityIndex } from '../../src/stats/psi.js';
import { quantileInPlace } from '../../src/stats/quantile.js';
import { createRng } from '../../src/stats/rng.js';
import { weightBootstrap } from '../../src/stats/weight-bootstrap.js';

type Live = Extract<Resampled, { statistic: unknown }>;
const live = (r: Resampled): Live => {
  if (!('statistic' in r)) throw new Error('expected a resampled comparison');
  return r;
};

function latencies(n: number, seed: number): [Float64Array, Float64Array] {
  const rng = createRng(seed);
  const b = Float64Array.from({ length: n }, () => 200 + 1800 * rng() ** 2);
  return [b, b.map((x) => x * (0.8 + 0.5 * rng()))];
}

/** The index bootstrap of the p95 ratio, as the gate computed it before weights. */
function indexP95(b: Float64Array, c: Float64Array, seed: number, resamples: number): Float64Array {
  const n = b.length;
  const bufB = new Float64Array(n);
  const bufC = new Float64Array(n);
  return pairedBootstrap(
    n,
    (idx) => {
      for (let i = 0; i < n; i++) {
        bufB[i] = b[idx[i]!]!;
        bufC[i] = c[idx[i]!]!;
      }
      return quantileInPlace(bufC, 0.95) / quantileInPlace(bufB, 0.95) - 1;
    },
    { resamples, rng: createRng(seed) },
  );
}

describe('ratioResampling', () => {
  it.each([150, 3000])(
    'gives exactly the index bootstrap of the p95 ratio (n = %d; partial order from 2000)',
    (n) => {
      const [b, c] = latencies(n, n);
      const item = live(ratioResampling('p95', b, c, null, 0.1, 0.95));
      const [byWeights] = weightBootstrap(n, [item.statistic], {
        resamples: 300,
        rng: createRng(9),
      });
      expect(byWeights).toEqual(indexP95(b, c, 9, 300));
    },
  );

  it('gives the index bootstrap of the ratio of totals, up to summation order', () => {
    const [b, c] = latencies(501, 4);
    const item = live(ratioResampling('sum', b, c, null, 0.1, 0.95));
    const [byWeights] = weightBootstrap(501, [item.statistic], {
      resamples: 200,
      rng: createRng(2),
    });
    const byIndex = pairedBootstrap(
      501,
      (idx) => {
        let sb = 0;
        let sc = 0;
        for (const i of idx) {
          sb += b[i]!;
          sc += c[i]!;
        }
        return sc / sb - 1;
      },
      { resamples: 200, rng: createRng(2) },
    );
    byWeights!.forEach((v, i) => {
      expect(v).toBeCloseTo(byIndex[i]!, 12);
    });
  });

  it('leaves out the pairs `include` excludes, in the estimate and in every resample', () => {
    const [b, c] = latencies(400, 5);
    const include = Uint8Array.from({ length: 400 }, (_, i) => (i % 10 === 3 ? 0 : 1));
    // Excluded pairs get absurd values: if they leaked in, the p95 would show it.
    for (let i = 3; i < 400; i += 10) {
      b[i] = 1;
      c[i] = 1e9;
    }
    const item = ratioResampling('p95', b, c, include, 0.1, 0.95);
    const [cmp] = resampleTogether([item], 400, { rng: createRng(1), resamples: 300 });
    expect(cmp!.n).toBe(360);
    expect(cmp!.ci![1]).toBeLessThan(1);
    const keptB = b.filter((_, i) => include[i]);
    const keptC = c.filter((_, i) => include[i]);
    expect(cmp!.delta).toBeCloseTo(
      quantileInPlace(keptC, 0.95) / quantileInPlace(keptB, 0.95) - 1,
      12,
    );
  });

  it('is insufficient on a zero baseline and empty below two pairs', () => {
    const zero = ratioResampling(
      'sum',
      new Float64Array(5),
      Float64Array.of(1, 1, 1, 1, 1),
      null,
      0.1,
      0.95,
    );
    expect('ready' in zero && zero.ready.insufficient).toMatch(/baseline value is zero/);
    const one = ratioResampling('p95', Float64Array.of(1), Float64Array.of(2), null, 0.1, 0.95);
    expect('ready' in one && one.ready.regression).toBeNull();
  });

  it('survives infinite costs on both sides (∞/∞ replicates): the worst case, not a throw', () => {
    const inf = Number.POSITIVE_INFINITY;
    const b = Float64Array.of(inf, 1, 2, 3, inf);
    const c = Float64Array.of(inf, 1, 2, 3, 4);
    const o = { maxIncrease: 0.1, confidence: 0.95, resamples: 500, rng: createRng(5) };
    const sum = compareRatio(b, c, { ...o, statistic: 'sum' });
    expect(sum.ci?.[1]).toBe(inf);
    expect(sum.p_value).not.toBeNaN();
    const p95 = compareRatio(b, c, { ...o, statistic: 'p95' });
    expect(p95.p_value).not.toBeNaN();
  });

  it('compareRatio runs one ratio on its own draws, seeded', () => {
    const [b, c] = latencies(200, 6);
    const o = { statistic: 'p95' as const, maxIncrease: 0.1, confidence: 0.95, resamples: 500 };
    const a = compareRatio(b, c, { ...o, rng: createRng(3) });
    const again = compareRatio(b, c, { ...o, rng: createRng(3) });
    expect({ ...again, optimisticAt: a.optimisticAt }).toEqual(a);
    expect(again.optimisticAt!(0.99)).toBe(a.optimisticAt!(0.99));
    expect(compareRatio(b, c, { ...o, rng: createRng(4) }).ci).not.toEqual(a.ci);
    expect(a.method).toBe('paired bootstrap');
  });
});

describe('drift', () => {
  const bin = (s: number) => Math.min(9, Math.floor(s * 10));

  it('computes the PSI of each resample from the weights, most populous cell by subtraction', () => {
    const rng = createRng(8);
    const b = Array.from({ length: 300 }, () => (rng() < 0.7 ? 1 : rng()));
    const c = Array.from({ length: 300 }, () => (rng() < 0.6 ? 1 : rng()));
    const item = live(scoreDrift(b, c, 0.1, 0.95));
    const w = Uint32Array.from({ length: 300 }, () => Math.floor(rng() * 3));
    const total = w.reduce((s, x) => s + x, 0);
    const hb = new Array<number>(10).fill(0);
    const hc = new Array<number>(10).fill(0);
    w.forEach((wi, i) => {
      hb[bin(b[i]!)]! += wi;
      hc[bin(c[i]!)]! += wi;
    });
    expect(item.statistic(w, total)).toBeCloseTo(populationStabilityIndex(hb, hc), 12);
  });

  it('passes identical distributions with a zero interval', () => {
    const s = Array.from({ length: 200 }, (_, i) => (i % 10) / 10);
    const [c] = resampleTogether([scoreDrift(s, s, 0.1, 0.95)], 200, {
      rng: createRng(1),
      resamples: 400,
    });
    expect(c).toMatchObject({ delta: 0, ci: [0, 0], regression: [0, 0] });
    expect(c!.p_value).toBe(1); // every replicate is 0, at or above 2·0 − 0.1: no evidence
  });

  it('bounds a real shift above the budget, with bias-corrected (basic) bounds', () => {
    const rng = createRng(2);
    const b = Array.from({ length: 500 }, () => rng());
    const c = b.map((x) => x * 0.5); // every score halves: a large shift
    const [cmp] = resampleTogether([scoreDrift(b, c, 0.1, 0.95)], 500, {
      rng: createRng(3),
      resamples: 500,
    });
    expect(cmp!.delta!).toBeGreaterThan(1);
    expect(cmp!.regression![0]).toBeGreaterThan(0.1);
    expect(cmp!.regression![0]).toBeLessThanOrEqual(cmp!.delta!);
    expect(cmp!.p_value!).toBeLessThan(0.01);
    expect(cmp).toMatchObject({ method: 'PSI, paired bootstrap', note: '10 score bins', n: 500 });
  });

  it('compares predicted labels where both sides have one', () => {
    const labels = ['billing', 'refund', 'other'];
    const b = Array.from({ length: 300 }, (_, i) => labels[i % 3]);
    const c = b.map((l, i) => (i % 3 === 1 && i % 2 === 0 ? 'billing' : l)); // refund → billing
    const withGaps = c.map((l, i) => (i % 50 === 0 ? undefined : l));
    const [cmp] = resampleTogether([labelDrift(b, withGaps, 0.05, 0.95)], 300, {
      rng: createRng(5),
      resamples: 500,
    });
    expect(cmp!.n).toBe(294);
    expect(cmp!.note).toBe('3 labels');
    expect(cmp!.regression![0]).toBeGreaterThan(0.05);
    const same = labelDrift(['a', 'a'], ['a', 'a'], 0.1, 0.95);
    expect('ready' in same && same.ready.ci).toEqual([0, 0]);
  });
});
