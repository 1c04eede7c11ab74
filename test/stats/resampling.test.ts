// The bootstrap-t is checked against Efron's "ideal" bootstrap: every one of the n^n equally
// likely resamples enumerated with numpy 2.4.6 (itertools.product over range(n), repeat=n),
// t* = (mean* − mean) / (std(ddof=1)* / √n), and P*(t* ≤ t_obs) read off exactly. CI runs
// without Python.
import { describe, expect, it } from 'vitest';
import { pairedBootstrap } from '../../src/stats/bootstrap.js';
import { pairedBootstrapT } from '../../src/stats/bootstrap-t.js';
import { pairedMeanBounds } from '../../src/stats/paired-mean-bounds.js';
import { createRng, type Rng, randomInt } from '../../src/stats/rng.js';
import { weightBootstrap } from '../../src/stats/weight-bootstrap.js';
import { expectClose } from './close.js';

describe('Rng.fillIndices', () => {
  it('draws exactly the indices that calling the generator would', () => {
    for (const n of [1, 7, 1000, 100_003, 2 ** 31 + 11]) {
      const fast = createRng(42);
      const slow = createRng(42);
      const out = new Uint32Array(5000);
      fast.fillIndices!(out, n);
      for (let i = 0; i < out.length; i++) expect(out[i]).toBe(randomInt(slow, n));
      // ... and leaves the stream where the calls would have.
      expect(fast()).toBe(slow());
    }
  });

  it('counts exactly the indices that calling the generator would', () => {
    for (const n of [1, 7, 1000, 100_003]) {
      const fast = createRng(7);
      const slow = createRng(7);
      const counts = new Uint32Array(n);
      const expected = new Uint32Array(n);
      fast.countIndices!(counts, n, 50_000);
      for (let i = 0; i < 50_000; i++) expected[randomInt(slow, n)]!++;
      expect(counts).toEqual(expected);
      expect(fast()).toBe(slow());
    }
  });

  it('fills only the requested length', () => {
    const out = new Uint32Array(10).fill(99);
    createRng(1).fillIndices!(out, 5, 4);
    expect([...out.slice(4)]).toEqual([99, 99, 99, 99, 99, 99]);
  });

  it('leaves pairedBootstrap unchanged: the fast path and a plain generator agree', () => {
    const values = Float64Array.from({ length: 40 }, (_, i) => (i * 13) % 7);
    const mean = (idx: Uint32Array) => idx.reduce((s, i) => s + values[i]!, 0) / idx.length;
    const plain = createRng(9);
    const wrapped: Rng = () => plain(); // no fillIndices: the per-call path
    const a = pairedBootstrap(40, mean, { resamples: 300, rng: createRng(9) });
    const b = pairedBootstrap(40, mean, { resamples: 300, rng: wrapped });
    expect(a).toEqual(b);
  });
});

describe('weightBootstrap', () => {
  const sumOf = (values: number[]) => (w: Uint32Array) => {
    let s = 0;
    for (let i = 0; i < values.length; i++) s += w[i]! * values[i]!;
    return s;
  };

  it('hands out multinomial counts that sum to n, and every statistic sees the same draws', () => {
    const seen: number[] = [];
    const [total, again] = weightBootstrap(
      6,
      [
        (w) => {
          seen.push(...w);
          return w.reduce((s, x) => s + x, 0);
        },
        (w) => w.reduce((s, x) => s + x, 0),
      ],
      { resamples: 400, rng: createRng(3) },
    );
    expect([...total!].every((t) => t === 6)).toBe(true);
    expect(again).toEqual(total);
    // Each case is drawn once per resample on average.
    const perCase = [0, 0, 0, 0, 0, 0];
    seen.forEach((c, i) => {
      perCase[i % 6]! += c;
    });
    for (const c of perCase) expect(Math.abs(c / 400 - 1)).toBeLessThan(0.15);
  });

  it('is the index bootstrap in another form: same seed, same resampled statistic', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const [byWeights] = weightBootstrap(10, [sumOf(values)], { resamples: 500, rng: createRng(5) });
    const byIndices = pairedBootstrap(10, (idx) => idx.reduce((s, i) => s + values[i]!, 0), {
      resamples: 500,
      rng: createRng(5),
    });
    expect(byWeights).toEqual(byIndices);
  });

  it('draws whole clusters with groups: cases of a cluster always weigh the same', () => {
    const groups = Uint32Array.of(0, 0, 0, 1, 2, 2);
    weightBootstrap(
      3,
      [
        (w) => {
          expect(w).toHaveLength(6);
          expect(w[0]).toBe(w[1]);
          expect(w[1]).toBe(w[2]);
          expect(w[4]).toBe(w[5]);
          expect(w[0]! + w[3]! + w[4]!).toBe(3); // three clusters drawn
          return 0;
        },
      ],
      { resamples: 200, rng: createRng(8), groups },
    );
  });

  it('throws on bad arguments', () => {
    expect(() => weightBootstrap(0, [], { resamples: 10, rng: createRng(1) })).toThrow(RangeError);
    expect(() => weightBootstrap(2, [], { resamples: 0, rng: createRng(1) })).toThrow(RangeError);
    expect(() =>
      weightBootstrap(2, [], { resamples: 1, rng: createRng(1), groups: Uint32Array.of(0, 2) }),
    ).toThrow(/not below 2/);
  });
});

describe('pairedBootstrapT', () => {
  // [values, threshold, mean, se, ideal-bootstrap P*(t* <= t_obs)]
  const CASES: ReadonlyArray<readonly [number[], number, number, number, number]> = [
    [[0.1, -0.3, 0.2, 0, -0.5], -0.2, -0.1, 0.130384048104053, 0.75744],
    [
      [0.5, -0.25, -1, 0.75, -0.5, 0.25],
      -0.1,
      -0.041666666666666664,
      0.2693871645874103,
      0.5863768861454046,
    ],
  ];
  it.each(CASES)('%j below %f: p matches the ideal bootstrap', (values, threshold, mean, se, p) => {
    const B = 100_000;
    const r = pairedBootstrapT(values, threshold, 0.95, { resamples: B, rng: createRng(11) });
    expectClose(r.mean, mean, 1e-12);
    expectClose(r.se, se, 1e-12);
    // Monte Carlo error of a share over B draws; 4 standard errors.
    expectClose(r.pBelow, p, 0, 4 * Math.sqrt((p * (1 - p)) / B) + 1 / B);
  });

  it('puts the upper bound below the threshold exactly when p ≤ 1 − confidence', () => {
    const values = [-0.2, -0.05, -0.3, 0.1, -0.15, -0.25, 0, -0.1, -0.4, 0.05, -0.2, -0.1];
    for (let threshold = -0.3; threshold <= 0.05; threshold += 0.0125) {
      const r = pairedBootstrapT(values, threshold, 0.95, { resamples: 999, rng: createRng(2) });
      expect(r.upper < threshold).toBe(r.pBelow <= 0.05);
    }
  });

  it('is about as wide as the t interval on symmetric data, and seeded', () => {
    const values = Array.from({ length: 25 }, (_, i) => Math.sin(i * 2.3) * 0.4);
    const a = pairedBootstrapT(values, 0, 0.95, { resamples: 4000, rng: createRng(4) });
    const b = pairedBootstrapT(values, 0, 0.95, { resamples: 4000, rng: createRng(4) });
    expect({ ...b, upperAt: a.upperAt }).toEqual(a);
    expect(b.upperAt(0.99)).toBe(a.upperAt(0.99));
    const t = pairedMeanBounds(values, 0.95);
    expectClose(a.upper - a.mean, t.upper - t.mean, 0.25);
    expectClose(a.mean - a.lower, t.mean - t.lower, 0.25);
  });

  it('treats a constant sample as exact, and a resample without spread as extreme', () => {
    expect(
      pairedBootstrapT([-0.1, -0.1, -0.1], -0.05, 0.95, { resamples: 50, rng: createRng(1) }),
    ).toMatchObject({ mean: -0.1, sd: 0, lower: -0.1, upper: -0.1, pBelow: 0 });
    // Three losses and seventeen ties: a resample of ties only (about 4%) has no spread.
    const r = pairedBootstrapT([...Array(17).fill(0), -1, -1, -1], 0, 0.95, {
      resamples: 2000,
      rng: createRng(6),
    });
    expect(Number.isFinite(r.lower)).toBe(true);
    expect(r.upper).toBeLessThan(0);
  });

  it('rejects bad arguments', () => {
    const o = { resamples: 10, rng: createRng(1) };
    expect(() => pairedBootstrapT([1], 0, 0.95, o)).toThrow(RangeError);
    expect(() => pairedBootstrapT([1, 2], Number.NaN, 0.95, o)).toThrow(RangeError);
    expect(() => pairedBootstrapT([1, 2], 0, 1, o)).toThrow(RangeError);
    expect(() => pairedBootstrapT([1, 2], 0, 0.95, { ...o, resamples: 0 })).toThrow(RangeError);
  });
});
