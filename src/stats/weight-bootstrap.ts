import { assertInteger } from './assert.js';
import { drawsInParallel, parallelCounts, usable } from './parallel-counts.js';
import type { Rng } from './rng.js';

export interface WeightBootstrapOptions {
  /** Number of resamples B, an integer >= 1. */
  resamples: number;
  /** The seeded random source; its `fillIndices` fast path is used when present. */
  rng: Rng;
  /**
   * Resample clusters instead of cases: `groups[i]` is the cluster (in [0, units)) of case i, and
   * each statistic receives per-CASE weights, a case weighing what its cluster drew.
   */
  groups?: Uint32Array;
  /**
   * Draw on a helper thread too (see parallel-counts.ts): the same replicates either way.
   * Default: when the bootstrap is large enough to repay the thread. `true` is for tests.
   */
  parallel?: boolean;
}

/**
 * The case-resampling (paired) bootstrap in weight form: each resample draws `units` indices
 * with replacement and hands every statistic the multiplicity of each case, instead of the drawn
 * indices. A statistic that reads weights sequentially (a weighted sum, a histogram) avoids the
 * scattered memory reads that make an index bootstrap slow on 100,000 cases, and one set of draws
 * serves every statistic, so several metrics of a slice cost one round of random numbers.
 *
 * With `groups`, whole clusters are drawn (the cluster bootstrap), which keeps correlated cases
 * (turns of one conversation) together as the cluster-robust standard error assumes.
 *
 * Each statistic also receives the total weight (n, or the cases the drawn clusters hold). The
 * weight buffer is reused between resamples: a statistic must not keep it.
 *
 * @param units number of resampling units (cases, or clusters with `groups`), >= 1.
 * @param statistics functions of the weights, each returning a number per resample.
 * @param options resample count, random source and optional cluster map.
 * @returns one Float64Array of B replicates per statistic, in draw order.
 * @throws {RangeError} when `units` or `resamples` is not a positive integer, or a group index is
 *   outside [0, units).
 * @example
 * const cost = { b: [1, 2, 3], c: [1.1, 2.4, 3.3] };
 * const [ratios] = weightBootstrap(3, [(w) => {
 *   let sb = 0, sc = 0;
 *   for (let i = 0; i < 3; i++) { sb += w[i] * cost.b[i]; sc += w[i] * cost.c[i]; }
 *   return sc / sb;
 * }], { resamples: 2000, rng: createRng(1) });
 */
export function weightBootstrap(
  units: number,
  statistics: readonly ((weights: Uint32Array, total: number) => number)[],
  options: WeightBootstrapOptions,
): Float64Array[] {
  assertInteger(units, 1, 'units', 'weightBootstrap');
  assertInteger(options.resamples, 1, 'resamples', 'weightBootstrap');
  if (units > 0xffffffff) throw new RangeError(`weightBootstrap: too many units (${units})`);
  const { resamples, rng, groups } = options;
  if (groups) {
    for (let i = 0; i < groups.length; i++) {
      if (groups[i]! >= units) {
        throw new RangeError(
          `weightBootstrap: group ${groups[i]} of case ${i} is not below ${units}`,
        );
      }
    }
  }
  const caseWeights = groups ? new Uint32Array(groups.length) : undefined;
  const sizes = new Float64Array(units);
  if (groups) for (let i = 0; i < groups.length; i++) sizes[groups[i]!]!++;
  const out = statistics.map(() => new Float64Array(resamples));
  const evaluate = (b: number, unitWeights: Uint32Array) => {
    let total = units;
    let weights = unitWeights;
    if (caseWeights) {
      for (let i = 0; i < caseWeights.length; i++) caseWeights[i] = unitWeights[groups![i]!]!;
      total = 0;
      for (let g = 0; g < units; g++) total += unitWeights[g]! * sizes[g]!;
      weights = caseWeights;
    }
    for (let s = 0; s < statistics.length; s++) out[s]![b] = statistics[s]!(weights, total);
  };
  const parallel = options.parallel ?? drawsInParallel(rng, units, resamples);
  if (parallel && usable(rng)) {
    parallelCounts(units, resamples, rng, evaluate);
    return out;
  }
  const draws = rng.countIndices ? null : new Uint32Array(units);
  const unitWeights = new Uint32Array(units);
  for (let b = 0; b < resamples; b++) {
    unitWeights.fill(0);
    if (rng.countIndices) rng.countIndices(unitWeights, units, units);
    else {
      if (rng.fillIndices) rng.fillIndices(draws!, units);
      else for (let i = 0; i < units; i++) draws![i] = rng() * units;
      for (let i = 0; i < units; i++) unitWeights[draws![i]!]!++;
    }
    evaluate(b, unitWeights);
  }
  return out;
}
