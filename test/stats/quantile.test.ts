// Reference values computed with numpy 2.4.6 on the development machine; each row cites the exact
// call. CI runs without Python.
import { describe, expect, it } from 'vitest';
import { quantile, quantileInPlace, quantileUnsorted } from '../../src/stats/quantile.js';
import { createRng } from '../../src/stats/rng.js';
import { selectKth } from '../../src/stats/select-kth.js';

// The samples the references were computed on (the same Python lists).
const DATA: Record<string, readonly number[]> = {
  x4: [1, 2, 3, 4],
  x5: [10, 20, 30, 40, 50],
  // lognormal latencies (numpy.random.default_rng(7), rounded) with ties added; unsorted
  x37: [
    266, 499, 370, 409, 1257, 652, 652, 1131, 469, 622, 319, 319, 319, 696, 1503, 263, 1114, 715,
    453, 2209, 1051, 324, 696, 940, 594, 1002, 639, 993, 1577, 443, 751, 504, 718, 326, 470, 591,
    1141,
  ],
  // numpy's interpolation differs from a + (b − a)·g in the last bit here (p = 0.115, g = 0.69)
  xLerp: [77.778, 135.678, 356.572, 718.907, 866.439, 876.29, 962.444],
  x1: [42.5],
};

function data(name: string): readonly number[] {
  const d = DATA[name];
  if (!d) throw new Error(`no dataset ${name}`);
  return d;
}

// [dataset, p, numpy.quantile(dataset, p)], numpy's default method='linear' (Hyndman & Fan 7)
const NUMPY: ReadonlyArray<readonly [string, number, number]> = [
  ['x4', 0, 1.0], // numpy.quantile(x4, 0)
  ['x4', 0.01, 1.03], // numpy.quantile(x4, 0.01)
  ['x4', 0.05, 1.15], // numpy.quantile(x4, 0.05)
  ['x4', 0.1, 1.3], // numpy.quantile(x4, 0.1)
  ['x4', 0.115, 1.345], // numpy.quantile(x4, 0.115)
  ['x4', 0.25, 1.75], // numpy.quantile(x4, 0.25)
  ['x4', 0.5, 2.5], // numpy.quantile(x4, 0.5)
  ['x4', 0.75, 3.25], // numpy.quantile(x4, 0.75)
  ['x4', 0.9, 3.7], // numpy.quantile(x4, 0.9)
  ['x4', 0.95, 3.8499999999999996], // numpy.quantile(x4, 0.95)
  ['x4', 0.99, 3.9699999999999998], // numpy.quantile(x4, 0.99)
  ['x4', 1, 4.0], // numpy.quantile(x4, 1)
  ['x5', 0, 10.0], // numpy.quantile(x5, 0)
  ['x5', 0.01, 10.4], // numpy.quantile(x5, 0.01)
  ['x5', 0.05, 12.0], // numpy.quantile(x5, 0.05)
  ['x5', 0.1, 14.0], // numpy.quantile(x5, 0.1)
  ['x5', 0.115, 14.600000000000001], // numpy.quantile(x5, 0.115)
  ['x5', 0.25, 20.0], // numpy.quantile(x5, 0.25)
  ['x5', 0.5, 30.0], // numpy.quantile(x5, 0.5)
  ['x5', 0.75, 40.0], // numpy.quantile(x5, 0.75)
  ['x5', 0.9, 46.0], // numpy.quantile(x5, 0.9)
  ['x5', 0.95, 48.0], // numpy.quantile(x5, 0.95)
  ['x5', 0.99, 49.6], // numpy.quantile(x5, 0.99)
  ['x5', 1, 50.0], // numpy.quantile(x5, 1)
  ['x37', 0, 263.0], // numpy.quantile(x37, 0)
  ['x37', 0.01, 264.08], // numpy.quantile(x37, 0.01)
  ['x37', 0.05, 308.4], // numpy.quantile(x37, 0.05)
  ['x37', 0.1, 319.0], // numpy.quantile(x37, 0.1)
  ['x37', 0.115, 319.7], // numpy.quantile(x37, 0.115)
  ['x37', 0.25, 443.0], // numpy.quantile(x37, 0.25)
  ['x37', 0.5, 639.0], // numpy.quantile(x37, 0.5)
  ['x37', 0.75, 993.0], // numpy.quantile(x37, 0.75)
  ['x37', 0.9, 1187.3999999999999], // numpy.quantile(x37, 0.9)
  ['x37', 0.95, 1517.7999999999997], // numpy.quantile(x37, 0.95)
  ['x37', 0.99, 1981.4800000000005], // numpy.quantile(x37, 0.99)
  ['x37', 1, 2209.0], // numpy.quantile(x37, 1)
  ['xLerp', 0, 77.778], // numpy.quantile(xLerp, 0)
  ['xLerp', 0.01, 81.25200000000001], // numpy.quantile(xLerp, 0.01)
  ['xLerp', 0.05, 95.14800000000001], // numpy.quantile(xLerp, 0.05)
  ['xLerp', 0.1, 112.518], // numpy.quantile(xLerp, 0.1)
  ['xLerp', 0.115, 117.729], // numpy.quantile(xLerp, 0.115)
  ['xLerp', 0.25, 246.125], // numpy.quantile(xLerp, 0.25)
  ['xLerp', 0.5, 718.907], // numpy.quantile(xLerp, 0.5)
  ['xLerp', 0.75, 871.3644999999999], // numpy.quantile(xLerp, 0.75)
  ['xLerp', 0.9, 910.7516], // numpy.quantile(xLerp, 0.9)
  ['xLerp', 0.95, 936.5977999999999], // numpy.quantile(xLerp, 0.95)
  ['xLerp', 0.99, 957.2747599999999], // numpy.quantile(xLerp, 0.99)
  ['xLerp', 1, 962.444], // numpy.quantile(xLerp, 1)
  ['x1', 0, 42.5], // numpy.quantile(x1, 0)
  ['x1', 0.01, 42.5], // numpy.quantile(x1, 0.01)
  ['x1', 0.05, 42.5], // numpy.quantile(x1, 0.05)
  ['x1', 0.1, 42.5], // numpy.quantile(x1, 0.1)
  ['x1', 0.115, 42.5], // numpy.quantile(x1, 0.115)
  ['x1', 0.25, 42.5], // numpy.quantile(x1, 0.25)
  ['x1', 0.5, 42.5], // numpy.quantile(x1, 0.5)
  ['x1', 0.75, 42.5], // numpy.quantile(x1, 0.75)
  ['x1', 0.9, 42.5], // numpy.quantile(x1, 0.9)
  ['x1', 0.95, 42.5], // numpy.quantile(x1, 0.95)
  ['x1', 0.99, 42.5], // numpy.quantile(x1, 0.99)
  ['x1', 1, 42.5], // numpy.quantile(x1, 1)
];

describe('quantile (sorted input)', () => {
  it.each(NUMPY)('%s at %s = %s, bit for bit', (name, p, expected) => {
    const sorted = [...data(name)].sort((a, b) => a - b);
    expect(quantile(sorted, p)).toBe(expected);
  });

  it('accepts typed arrays', () => {
    expect(quantile(Float64Array.of(1, 2, 3, 4), 0.5)).toBe(2.5);
  });

  it('throws on an empty sample or p outside [0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow(RangeError);
    expect(() => quantile([1, 2], -0.01)).toThrow(RangeError);
    expect(() => quantile([1, 2], 1.01)).toThrow(RangeError);
    expect(() => quantile([1, 2], Number.NaN)).toThrow(RangeError);
  });
});

describe('quantileUnsorted', () => {
  it.each(NUMPY)('%s at %s = %s, bit for bit', (name, p, expected) => {
    expect(quantileUnsorted(data(name), p)).toBe(expected);
  });

  it('leaves its input untouched', () => {
    const values = Float64Array.of(5, 3, 9, 1, 7);
    quantileUnsorted(values, 0.3);
    expect([...values]).toEqual([5, 3, 9, 1, 7]);
  });

  it('matches the sorted path on random samples with ties', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rng() * 60);
      const values = Array.from({ length: n }, () => Math.floor(rng() * 20) / 4);
      const sorted = [...values].sort((a, b) => a - b);
      const p = rng();
      expect(quantileUnsorted(values, p)).toBe(quantile(sorted, p));
    }
  });

  it('throws on an empty sample', () => {
    expect(() => quantileUnsorted([], 0.5)).toThrow(RangeError);
  });

  it('reads NaN as +Infinity rather than throwing: a hostile number is the worst case', () => {
    expect(quantileUnsorted([1, Number.NaN, 3], 0.5)).toBe(3);
    expect(quantileUnsorted([1, Number.NaN, 3], 1)).toBe(Number.POSITIVE_INFINITY);
    expect(quantileUnsorted([1, 2, Number.NaN, Number.NaN], 0.2)).toBeCloseTo(1.6, 12);
  });

  it('interpolates towards an infinite end without producing NaN', () => {
    const inf = Number.POSITIVE_INFINITY;
    for (const p of [0, 0.2, 0.5, 0.7, 0.95, 1]) {
      expect(quantile([1, inf], p)).toBe(p === 0 ? 1 : inf);
      expect(quantile([-inf, 1], p)).toBe(p === 1 ? 1 : -inf);
      expect(quantile([-inf, inf], p)).not.toBeNaN();
      expect(quantileUnsorted([inf, 5, Number.NaN, 2], p)).not.toBeNaN();
    }
  });
});

describe('quantileInPlace', () => {
  it('uses only the first `length` entries and reorders them', () => {
    const buffer = Float64Array.of(40, 10, 30, 20, 50, 999, -999);
    expect(quantileInPlace(buffer, 0.95, 5)).toBe(48);
    expect(buffer[5]).toBe(999);
    expect(buffer[6]).toBe(-999);
  });

  it('throws on a bad length', () => {
    expect(() => quantileInPlace(new Float64Array(3), 0.5, 0)).toThrow(RangeError);
    expect(() => quantileInPlace(new Float64Array(3), 0.5, 4)).toThrow(RangeError);
  });
});

describe('selectKth', () => {
  it('puts the k-th smallest at k with smaller values before and larger after', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 100; trial++) {
      const n = 1 + Math.floor(rng() * 100);
      const a = Float64Array.from({ length: n }, () => Math.floor(rng() * 10));
      const sorted = [...a].sort((x, y) => x - y);
      const k = Math.floor(rng() * n);
      expect(selectKth(a, k)).toBe(sorted[k]);
      for (let i = 0; i < k; i++) expect(a[i]!).toBeLessThanOrEqual(a[k]!);
      for (let i = k + 1; i < n; i++) expect(a[i]!).toBeGreaterThanOrEqual(a[k]!);
    }
  });

  it('handles sorted, reversed and constant input', () => {
    const up = Float64Array.from({ length: 1000 }, (_, i) => i);
    expect(selectKth(up, 950)).toBe(950);
    const down = Float64Array.from({ length: 1000 }, (_, i) => 999 - i);
    expect(selectKth(down, 10)).toBe(10);
    expect(selectKth(new Float64Array(500).fill(3), 250)).toBe(3);
  });

  it('throws on an index outside the range', () => {
    expect(() => selectKth(Float64Array.of(1, 2), 2)).toThrow(RangeError);
    expect(() => selectKth(new Float64Array(0), 0)).toThrow(RangeError);
  });
});
