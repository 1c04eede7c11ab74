import { assertSampleSize } from './assert.js';

export interface MeanSd {
  n: number;
  mean: number;
  /** Sample standard deviation (divisor n − 1). */
  sd: number;
}

/**
 * The mean and the sample standard deviation (divisor n − 1) in two passes with the compensating
 * term of Chan, Golub & LeVeque, so large offsets do not eat the variance. A constant sample gets
 * exactly its value as mean and exactly 0 as sd (no rounding residue that would fake a
 * significant t statistic).
 *
 * @param values at least two finite numbers.
 * @throws {RangeError} when there are fewer than two values or any value is not finite.
 * @example
 * meanAndSd([2, 4, 4, 4, 5, 5, 7, 9]); // { n: 8, mean: 5, sd: 2.138089935299395 }
 */
export function meanAndSd(values: ArrayLike<number>): MeanSd {
  assertSampleSize(values, 2, 'meanAndSd');
  const n = values.length;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`meanAndSd: value ${i} is not finite (${v})`);
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) return { n, mean: min, sd: 0 };
  const mean = sum / n;
  let squares = 0;
  let residual = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    squares += d * d;
    residual += d;
  }
  const variance = Math.max(0, (squares - (residual * residual) / n) / (n - 1));
  return { n, mean, sd: Math.sqrt(variance) };
}
