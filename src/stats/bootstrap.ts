import { assertInteger } from './assert.js';
import type { Rng } from './rng.js';

export interface BootstrapOptions {
  /** Number of resamples B, an integer >= 1 (2000 is a sound default for 95% bounds). */
  resamples: number;
  /** The random source, e.g. `createRng(seed)`, so a run can be reproduced. */
  rng: Rng;
}

/**
 * The paired (case-resampling) bootstrap: draws `resamples` samples of n indices with replacement
 * and evaluates `statistic` on each. Because the statistic receives INDICES, it can read several
 * paired arrays at once (baseline and candidate latency of the same cases, say) and return any
 * functional of them, such as a ratio of p95s or a ratio of summed costs.
 *
 * The index buffer is reused between calls, so the statistic must not keep it; it may reuse its
 * own scratch buffers (see `quantileInPlace`) to stay allocation-free.
 *
 * @param n number of pairs (cases), an integer >= 1.
 * @param statistic maps the resampled indices (length n, values in [0, n)) to a number.
 * @param options resample count and random source.
 * @returns the B resampled statistics, in draw order.
 * @throws {RangeError} when `n` or `resamples` is not a positive integer.
 * @throws {TypeError} when `rng` or `statistic` is not a function.
 * @example
 * const costBase = [1, 2, 3], costCand = [1.1, 2.4, 3.3];
 * const ratios = pairedBootstrap(3, (idx) => {
 *   let b = 0, c = 0;
 *   for (const i of idx) { b += costBase[i]; c += costCand[i]; }
 *   return c / b;
 * }, { resamples: 2000, rng: createRng(1) });
 */
export function pairedBootstrap(
  n: number,
  statistic: (indices: Uint32Array) => number,
  options: BootstrapOptions,
): Float64Array {
  assertInteger(n, 1, 'n', 'pairedBootstrap');
  assertInteger(options.resamples, 1, 'resamples', 'pairedBootstrap');
  if (n > 0xffffffff) throw new RangeError(`pairedBootstrap: n too large (${n})`);
  if (typeof statistic !== 'function') {
    throw new TypeError('pairedBootstrap: statistic must be a function');
  }
  const { resamples, rng } = options;
  if (typeof rng !== 'function') throw new TypeError('pairedBootstrap: rng must be a function');
  const indices = new Uint32Array(n);
  const out = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    if (rng.fillIndices) rng.fillIndices(indices, n);
    else for (let i = 0; i < n; i++) indices[i] = rng() * n; // Uint32Array truncates toward zero
    out[b] = statistic(indices);
  }
  return out;
}

// Also reachable from here, as the module layout in the brief promised.
export { bootstrapPValueAbove, bootstrapPValueBelow } from './bootstrap-p-value.js';
export { percentileBounds } from './percentile-bounds.js';
