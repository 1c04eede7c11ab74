import {
  bootstrapPValueAbove,
  pairedBootstrap,
  percentileBounds,
  quantileInPlace,
  quantileUnsorted,
} from '../stats/index.js';

import { type Comparison, emptyComparison } from './comparison.js';

export type RatioStatistic = 'p95' | 'sum';

export interface RatioOptions {
  statistic: RatioStatistic;
  maxIncrease: number;
  confidence: number;
  rng: () => number;
  resamples: number;
}

/** `scratch` may reorder the buffer in place (the bootstrap's own buffers), saving a copy per resample. */
function statOf(kind: RatioStatistic, values: Float64Array, scratch = false): number {
  if (kind === 'p95')
    return scratch ? quantileInPlace(values, 0.95) : quantileUnsorted(values, 0.95);
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/**
 * Latency p95 and cost: the relative change candidate / baseline − 1, bounded by a paired
 * bootstrap (resampling cases, keeping both sides of a case together) because neither a
 * percentile nor a ratio of totals has a trustworthy closed-form interval.
 */
export function compareRatio(
  baseline: Float64Array,
  candidate: Float64Array,
  o: RatioOptions,
): Comparison {
  const n = baseline.length;
  if (n < 2) return emptyComparison(n);
  const b = statOf(o.statistic, baseline);
  const c = statOf(o.statistic, candidate);
  if (!(b > 0)) return emptyComparison(n, b, c);
  const bufB = new Float64Array(n);
  const bufC = new Float64Array(n);
  const samples = pairedBootstrap(
    n,
    (idx) => {
      for (let i = 0; i < n; i++) {
        bufB[i] = baseline[idx[i]!]!;
        bufC[i] = candidate[idx[i]!]!;
      }
      const rb = statOf(o.statistic, bufB, true);
      return rb > 0 ? statOf(o.statistic, bufC, true) / rb - 1 : Number.POSITIVE_INFINITY;
    },
    { resamples: o.resamples, rng: o.rng },
  );
  const [lower, upper] = percentileBounds(samples, o.confidence);
  return {
    baseline: b,
    candidate: c,
    delta: c / b - 1,
    ci: [lower, upper],
    regression: [lower, upper],
    p_value: bootstrapPValueAbove(samples, o.maxIncrease),
    n,
  };
}
