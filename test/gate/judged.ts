import type { Judged } from '../../src/gate/multiplicity.js';
import { judge } from '../../src/gate/verdict.js';
import { normalQuantile } from '../../src/stats/normal-quantile.js';
import type { MetricName } from '../../src/types.js';

/**
 * A hand-made check on a drop (quality or pass rate) whose evidence is normal with SE 0.01, its
 * estimate placed so that its own p-value is `p`: its bound at level L is past the budget exactly
 * when p ≤ 1 − L, as every real comparison's is.
 */
export function judgedDrop(
  p: number,
  slice: string | null,
  o: { metric?: MetricName; budget?: number; test?: string } = {},
): Judged {
  const budget = o.budget ?? 0.02;
  const se = 0.01;
  const drop = budget + normalQuantile(1 - p) * se;
  const optimisticAt = (level: number) => drop - normalQuantile(level) * se;
  const regression: [number, number] = [optimisticAt(0.95), drop + normalQuantile(0.95) * se];
  const input = {
    metric: o.metric ?? 'quality',
    slice,
    budget,
    confidence: 0.95,
    minCases: 30,
    comparison: {
      baseline: 0.9,
      candidate: 0.9 - drop,
      delta: -drop,
      ci: [-regression[1], -regression[0]] as [number, number],
      regression,
      p_value: p,
      optimisticAt,
      n: 300,
      method: 'paired t',
    },
  };
  return { input, check: judge(input), ...(o.test ? { test: o.test } : {}) };
}
