import { weightBootstrap } from '../stats/index.js';
import type { Rng } from '../stats/rng.js';
import type { Comparison } from './comparison.js';

/**
 * A comparison whose bounds come from resampling: `statistic` evaluates one resample (the weight
 * of each pair), `finish` turns the replicates into the comparison. Several of them share one
 * round of draws (see {@link resampleTogether}). `ready` is a comparison that needs no
 * resampling (too few pairs, a zero baseline).
 */
export type Resampled =
  | { ready: Comparison }
  | {
      /** `total` is the resample's total weight (n, or the cases its clusters hold). */
      statistic: (weights: Uint32Array, total: number) => number;
      finish: (replicates: Float64Array) => Comparison;
    };

/**
 * Runs every resampled comparison of one slice on the same bootstrap draws: over pairs, or over
 * clusters of pairs when `groups` maps each pair to its cluster (then `units` is the number of
 * clusters). One set of draws for all metrics keeps the decision over 100,000 pairs fast; because
 * a statistic never consumes random numbers, adding or removing a metric does not change another
 * metric's replicates.
 */
export function resampleTogether(
  items: readonly Resampled[],
  units: number,
  o: { rng: Rng; resamples: number; groups?: Uint32Array },
): Comparison[] {
  const live = items.filter(
    (it): it is Extract<Resampled, { statistic: unknown }> => 'statistic' in it,
  );
  const replicates =
    live.length > 0
      ? weightBootstrap(
          units,
          live.map((it) => it.statistic),
          { resamples: o.resamples, rng: o.rng, ...(o.groups ? { groups: o.groups } : {}) },
        )
      : [];
  let k = 0;
  return items.map((it) => ('ready' in it ? it.ready : it.finish(replicates[k++]!)));
}
