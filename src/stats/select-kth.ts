import { assertInteger } from './assert.js';

/**
 * Partially reorders `values[lo..hi]` in place so that `values[k]` holds the value that would sit
 * at index `k` if that range were sorted, with nothing larger before it and nothing smaller after
 * it (quickselect with a median-of-three pivot; expected O(n), no allocation). The values must not
 * contain NaN.
 *
 * @param values the buffer to reorder.
 * @param k the target index, lo <= k <= hi.
 * @param lo first index of the range (default 0).
 * @param hi last index of the range (default values.length − 1).
 * @returns `values[k]` after the selection.
 * @throws {RangeError} when the range is empty or `k` lies outside it.
 * @example
 * const a = Float64Array.of(5, 1, 4, 2, 3);
 * selectKth(a, 1); // 2, and a[0] <= 2 <= a[2..4]
 */
export function selectKth(values: Float64Array, k: number, lo = 0, hi = values.length - 1): number {
  assertInteger(lo, 0, 'lo', 'selectKth');
  if (!(hi >= lo && hi < values.length)) {
    throw new RangeError(`selectKth: empty or invalid range [${lo}, ${hi}]`);
  }
  if (!(Number.isInteger(k) && k >= lo && k <= hi)) {
    throw new RangeError(`selectKth: k must be an integer in [${lo}, ${hi}], got ${k}`);
  }
  const a = values;
  let l = lo;
  let ir = hi;
  for (;;) {
    if (ir <= l + 1) {
      if (ir === l + 1 && a[ir]! < a[l]!) swap(a, l, ir);
      return a[k]!;
    }
    const mid = (l + ir) >>> 1;
    swap(a, mid, l + 1);
    if (a[l]! > a[ir]!) swap(a, l, ir);
    if (a[l + 1]! > a[ir]!) swap(a, l + 1, ir);
    if (a[l]! > a[l + 1]!) swap(a, l, l + 1);
    // a[l] <= pivot = a[l + 1] <= a[ir]: both ends act as sentinels for the scans below.
    let i = l + 1;
    let j = ir;
    const pivot = a[l + 1]!;
    for (;;) {
      do i++;
      while (a[i]! < pivot);
      do j--;
      while (a[j]! > pivot);
      if (j < i) break;
      swap(a, i, j);
    }
    a[l + 1] = a[j]!;
    a[j] = pivot;
    if (j >= k) ir = j - 1;
    if (j <= k) l = i;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
