// Reference values computed with scipy 1.17.1 / numpy 2.4.6 on the development machine; each row
// cites the exact call. CI runs without Python.
import { describe, expect, it } from 'vitest';
import { meanAndSd } from '../../src/stats/mean-sd.js';
import { pairedMeanBounds } from '../../src/stats/paired-mean-bounds.js';
import { pValueAbove, pValueBelow } from '../../src/stats/paired-t-p-value.js';
import { expectClose } from './close.js';

// The samples the references were computed on (Python lists with the same values).
const DATA: Record<string, readonly number[]> = {
  d5: [0.1, -0.2, 0.05, 0.3, -0.1],
  // numpy.round(numpy.random.default_rng(7).normal(-0.03, 0.1, 30), 3)
  d30: [
    -0.03, 0, -0.057, -0.119, -0.075, -0.129, -0.024, 0.104, -0.079, -0.092, 0.019, 0.006, -0.019,
    -0.123, -0.033, 0.04, -0.164, -0.076, -0.22, -0.159, -0.214, -0.054, -0.157, -0.003, -0.014,
    -0.049, -0.282, -0.084, -0.035, -0.019,
  ],
  dNeg: [-0.1, -0.05, -0.12, -0.08, -0.03],
  dLat: [120, 80, 95, 140, 60],
  dTwo: [1, 3],
  dBig: [1e9 + 1, 1e9 + 2, 1e9 + 3],
};

function data(name: string): readonly number[] {
  const d = DATA[name];
  if (!d) throw new Error(`no dataset ${name}`);
  return d;
}

// [dataset, mean, sd, t statistic against 0]
const SUMMARY: ReadonlyArray<readonly [string, number, number, number]> = [
  ['d5', 0.03, 0.19235384061671346, 0.34874291623145787], // numpy.mean(d5), numpy.std(d5, ddof=1), scipy.stats.ttest_1samp(d5, 0).statistic
  ['d30', -0.07136666666666668, 0.08365342433097912, -4.672747529452849], // numpy.mean(d30), numpy.std(d30, ddof=1), scipy.stats.ttest_1samp(d30, 0).statistic
  ['dNeg', -0.076, 0.03646916505762094, -4.6598589800857395], // numpy.mean(dNeg), numpy.std(dNeg, ddof=1), scipy.stats.ttest_1samp(dNeg, 0).statistic
  ['dLat', 99.0, 31.701734968294716, 6.982921597000122], // numpy.mean(dLat), numpy.std(dLat, ddof=1), scipy.stats.ttest_1samp(dLat, 0).statistic
  ['dTwo', 2.0, Math.SQRT2, 2.0], // numpy.mean(dTwo), numpy.std(dTwo, ddof=1), scipy.stats.ttest_1samp(dTwo, 0).statistic
  ['dBig', 1000000002.0, 1.0, 1732050811.032979], // numpy.mean(dBig), numpy.std(dBig, ddof=1), scipy.stats.ttest_1samp(dBig, 0).statistic
];

// [dataset, confidence, which bound, value]
const BOUNDS: ReadonlyArray<readonly [string, number, 'lower' | 'upper', number]> = [
  ['d5', 0.95, 'lower', -0.1533883947548136], // scipy.stats.ttest_1samp(d5, 0, alternative='greater').confidence_interval(0.95).low
  ['d5', 0.95, 'upper', 0.2133883947548136], // scipy.stats.ttest_1samp(d5, 0, alternative='less').confidence_interval(0.95).high
  ['d5', 0.9, 'lower', -0.10189139070925538], // scipy.stats.ttest_1samp(d5, 0, alternative='greater').confidence_interval(0.9).low
  ['d5', 0.9, 'upper', 0.16189139070925537], // scipy.stats.ttest_1samp(d5, 0, alternative='less').confidence_interval(0.9).high
  ['d5', 0.999, 'lower', -0.5870604665433425], // scipy.stats.ttest_1samp(d5, 0, alternative='greater').confidence_interval(0.999).low
  ['d5', 0.999, 'upper', 0.6470604665433426], // scipy.stats.ttest_1samp(d5, 0, alternative='less').confidence_interval(0.999).high
  ['d30', 0.95, 'lower', -0.09731735870868666], // scipy.stats.ttest_1samp(d30, 0, alternative='greater').confidence_interval(0.95).low
  ['d30', 0.95, 'upper', -0.04541597462464669], // scipy.stats.ttest_1samp(d30, 0, alternative='less').confidence_interval(0.95).high
  ['d30', 0.9, 'lower', -0.09139613484839398], // scipy.stats.ttest_1samp(d30, 0, alternative='greater').confidence_interval(0.9).low
  ['d30', 0.9, 'upper', -0.051337198484939374], // scipy.stats.ttest_1samp(d30, 0, alternative='less').confidence_interval(0.9).high
  ['d30', 0.999, 'lower', -0.12323729461121666], // scipy.stats.ttest_1samp(d30, 0, alternative='greater').confidence_interval(0.999).low
  ['d30', 0.999, 'upper', -0.019496038722116693], // scipy.stats.ttest_1samp(d30, 0, alternative='less').confidence_interval(0.999).high
  ['dNeg', 0.95, 'lower', -0.11076936887000907], // scipy.stats.ttest_1samp(dNeg, 0, alternative='greater').confidence_interval(0.95).low
  ['dNeg', 0.95, 'upper', -0.041230631129990924], // scipy.stats.ttest_1samp(dNeg, 0, alternative='less').confidence_interval(0.95).high
  ['dNeg', 0.9, 'lower', -0.10100583758574079], // scipy.stats.ttest_1samp(dNeg, 0, alternative='greater').confidence_interval(0.9).low
  ['dNeg', 0.9, 'upper', -0.050994162414259206], // scipy.stats.ttest_1samp(dNeg, 0, alternative='less').confidence_interval(0.9).high
  ['dNeg', 0.999, 'lower', -0.19299106153925383], // scipy.stats.ttest_1samp(dNeg, 0, alternative='greater').confidence_interval(0.999).low
  ['dNeg', 0.999, 'upper', 0.04099106153925382], // scipy.stats.ttest_1samp(dNeg, 0, alternative='less').confidence_interval(0.999).high
  ['dLat', 0.95, 'lower', 68.77585543320335], // scipy.stats.ttest_1samp(dLat, 0, alternative='greater').confidence_interval(0.95).low
  ['dLat', 0.95, 'upper', 129.22414456679667], // scipy.stats.ttest_1samp(dLat, 0, alternative='less').confidence_interval(0.95).high
  ['dLat', 0.9, 'lower', 77.26304949535111], // scipy.stats.ttest_1samp(dLat, 0, alternative='greater').confidence_interval(0.9).low
  ['dLat', 0.9, 'upper', 120.73695050464889], // scipy.stats.ttest_1samp(dLat, 0, alternative='less').confidence_interval(0.9).high
  ['dLat', 0.999, 'lower', -2.6974098726137896], // scipy.stats.ttest_1samp(dLat, 0, alternative='greater').confidence_interval(0.999).low
  ['dLat', 0.999, 'upper', 200.69740987261378], // scipy.stats.ttest_1samp(dLat, 0, alternative='less').confidence_interval(0.999).high
  ['dTwo', 0.95, 'lower', -4.313751514675037], // scipy.stats.ttest_1samp(dTwo, 0, alternative='greater').confidence_interval(0.95).low
  ['dTwo', 0.95, 'upper', 8.313751514675037], // scipy.stats.ttest_1samp(dTwo, 0, alternative='less').confidence_interval(0.95).high
  ['dBig', 0.95, 'lower', 1000000000.3141456], // scipy.stats.ttest_1samp(dBig, 0, alternative='greater').confidence_interval(0.95).low
  ['dBig', 0.95, 'upper', 1000000003.6858544], // scipy.stats.ttest_1samp(dBig, 0, alternative='less').confidence_interval(0.95).high
];

// [function, dataset, threshold, p-value]
const P_VALUES: ReadonlyArray<readonly ['pValueBelow' | 'pValueAbove', string, number, number]> = [
  ['pValueBelow', 'd5', 0, 0.627567399398778], // scipy.stats.ttest_1samp(d5, 0, alternative='less').pvalue
  ['pValueAbove', 'd5', 0, 0.3724326006012219], // scipy.stats.ttest_1samp(d5, 0, alternative='greater').pvalue
  ['pValueBelow', 'd5', 0.2, 0.059659023442698945], // scipy.stats.ttest_1samp(d5, 0.2, alternative='less').pvalue
  ['pValueAbove', 'd5', 0.2, 0.9403409765573011], // scipy.stats.ttest_1samp(d5, 0.2, alternative='greater').pvalue
  ['pValueBelow', 'd5', -0.5, 0.9982387834242955], // scipy.stats.ttest_1samp(d5, -0.5, alternative='less').pvalue
  ['pValueAbove', 'd5', -0.5, 0.0017612165757044716], // scipy.stats.ttest_1samp(d5, -0.5, alternative='greater').pvalue
  ['pValueBelow', 'd30', -0.02, 0.001089609912369862], // scipy.stats.ttest_1samp(d30, -0.02, alternative='less').pvalue
  ['pValueAbove', 'd30', -0.02, 0.9989103900876302], // scipy.stats.ttest_1samp(d30, -0.02, alternative='greater').pvalue
  ['pValueBelow', 'd30', 0, 3.147058559251983e-5], // scipy.stats.ttest_1samp(d30, 0, alternative='less').pvalue
  ['pValueAbove', 'd30', 0, 0.9999685294144075], // scipy.stats.ttest_1samp(d30, 0, alternative='greater').pvalue
  ['pValueBelow', 'd30', -0.1, 0.9645359841510115], // scipy.stats.ttest_1samp(d30, -0.1, alternative='less').pvalue
  ['pValueAbove', 'd30', -0.1, 0.035464015848988506], // scipy.stats.ttest_1samp(d30, -0.1, alternative='greater').pvalue
  ['pValueBelow', 'dNeg', -0.02, 0.013224365319587397], // scipy.stats.ttest_1samp(dNeg, -0.02, alternative='less').pvalue
  ['pValueAbove', 'dNeg', -0.02, 0.9867756346804126], // scipy.stats.ttest_1samp(dNeg, -0.02, alternative='greater').pvalue
  ['pValueBelow', 'dNeg', 0, 0.004795285573054999], // scipy.stats.ttest_1samp(dNeg, 0, alternative='less').pvalue
  ['pValueAbove', 'dNeg', 0, 0.995204714426945], // scipy.stats.ttest_1samp(dNeg, 0, alternative='greater').pvalue
  ['pValueBelow', 'dLat', 0, 0.998893856690491], // scipy.stats.ttest_1samp(dLat, 0, alternative='less').pvalue
  ['pValueAbove', 'dLat', 0, 0.0011061433095089887], // scipy.stats.ttest_1samp(dLat, 0, alternative='greater').pvalue
  ['pValueBelow', 'dLat', 100, 0.47357691913483724], // scipy.stats.ttest_1samp(dLat, 100, alternative='less').pvalue
  ['pValueAbove', 'dLat', 100, 0.5264230808651628], // scipy.stats.ttest_1samp(dLat, 100, alternative='greater').pvalue
  ['pValueBelow', 'dTwo', 0, 0.8524163823495667], // scipy.stats.ttest_1samp(dTwo, 0, alternative='less').pvalue
  ['pValueAbove', 'dTwo', 0, 0.14758361765043326], // scipy.stats.ttest_1samp(dTwo, 0, alternative='greater').pvalue
  ['pValueBelow', 'dBig', 1000000000, 0.9629100498862757], // scipy.stats.ttest_1samp(dBig, 1000000000, alternative='less').pvalue
  ['pValueAbove', 'dBig', 1000000000, 0.03708995011372427], // scipy.stats.ttest_1samp(dBig, 1000000000, alternative='greater').pvalue
];

describe('meanAndSd', () => {
  it.each(SUMMARY)('%s: mean %s, sd %s', (name, mean, sd) => {
    const s = meanAndSd(data(name));
    expectClose(s.mean, mean, 1e-15, 1e-17);
    expectClose(s.sd, sd, 1e-13);
    expect(s.n).toBe(data(name).length);
  });

  it('gives a constant sample its exact value and zero spread', () => {
    expect(meanAndSd([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])).toEqual({
      n: 10,
      mean: 0.1,
      sd: 0,
    });
  });

  it('throws on fewer than two values or non-finite values', () => {
    expect(() => meanAndSd([])).toThrow(RangeError);
    expect(() => meanAndSd([1])).toThrow(RangeError);
    expect(() => meanAndSd([1, Number.NaN])).toThrow(RangeError);
    expect(() => meanAndSd([1, Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});

describe('pairedMeanBounds', () => {
  it.each(BOUNDS)('%s at %s: %s bound %s', (name, confidence, which, expected) => {
    expectClose(pairedMeanBounds(data(name), confidence)[which], expected, 1e-12, 1e-15);
  });

  it.each(SUMMARY)('%s: reports n, mean, sd, se, df and the t statistic', (name, mean, sd, t) => {
    const d = data(name);
    const b = pairedMeanBounds(d, 0.95);
    expect(b.n).toBe(d.length);
    expect(b.df).toBe(d.length - 1);
    expectClose(b.mean, mean, 1e-15, 1e-17);
    expectClose(b.sd, sd, 1e-13);
    expectClose(b.se, sd / Math.sqrt(d.length), 1e-13);
    expectClose(b.tStat, t, 1e-12);
    expectClose(b.upper - b.mean, b.mean - b.lower, 1e-9, 1e-12);
  });

  it('uses t_{0.95, n−1}', () => {
    // scipy.stats.t.ppf(0.95, 4) = 2.1318467863266495
    expectClose(pairedMeanBounds(data('d5'), 0.95).tCritical, 2.1318467863266495, 1e-14);
  });

  it('collapses to the mean for a constant sample', () => {
    const b = pairedMeanBounds([-0.05, -0.05, -0.05], 0.95);
    expect(b).toMatchObject({ mean: -0.05, sd: 0, se: 0, lower: -0.05, upper: -0.05 });
    expect(b.tStat).toBe(Number.NEGATIVE_INFINITY);
    expect(pairedMeanBounds([0, 0], 0.95).tStat).toBe(0);
  });

  it('throws on n < 2 and on confidence outside (0, 1)', () => {
    expect(() => pairedMeanBounds([], 0.95)).toThrow(RangeError);
    expect(() => pairedMeanBounds([0.2], 0.95)).toThrow(RangeError);
    expect(() => pairedMeanBounds([0.2, 0.3], 1)).toThrow(RangeError);
    expect(() => pairedMeanBounds([0.2, 0.3], 0)).toThrow(RangeError);
  });
});

describe('pValueBelow / pValueAbove', () => {
  it.each(P_VALUES)('%s(%s, %s) = %s', (fn, name, threshold, expected) => {
    const f = fn === 'pValueBelow' ? pValueBelow : pValueAbove;
    expectClose(f(data(name), threshold), expected, 1e-11, 1e-300);
  });

  it('sums to one for the two directions', () => {
    const d = data('d30');
    expectClose(pValueBelow(d, -0.05) + pValueAbove(d, -0.05), 1, 1e-14);
  });

  it('is 0 or 1 for a constant sample', () => {
    const d = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    expect(pValueBelow(d, 0.1)).toBe(1); // mean == threshold: no evidence below
    expect(pValueBelow(d, 0.2)).toBe(0);
    expect(pValueBelow(d, 0)).toBe(1);
    expect(pValueAbove(d, 0.1)).toBe(1);
    expect(pValueAbove(d, 0)).toBe(0);
    expect(pValueAbove(d, 0.2)).toBe(1);
  });

  it('throws on n < 2 and non-finite thresholds', () => {
    expect(() => pValueBelow([], 0)).toThrow(RangeError);
    expect(() => pValueBelow([1], 0)).toThrow(RangeError);
    expect(() => pValueAbove([1, 2], Number.NaN)).toThrow(RangeError);
  });
});
