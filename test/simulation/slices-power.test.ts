import { describe, expect, it } from 'vitest';
import { buildChecks } from '../../src/gate/checks.js';
import { createRng } from '../../src/stats/rng.js';
import type { CaseReport } from '../../src/types.js';
import { normal, pair, report, settings, side } from './helpers.js';

// Adding ten slices must not make the whole-set quality check much harder to fail: under
// weighted Holm the whole set keeps 85% of α while any slice is open. The same cases are gated
// without and with the slices (common random numbers), so the difference is the procedure's.

const SLICES = 10;

describe('weighted Holm: slices do not dilute the whole-set check', () => {
  // 500 cases in ten slices of 50, continuous scores, paired differences with SD 0.15: the
  // whole-set quality check's SE is 0.15/√500. Budgets: 2 pts on the whole set, 5 on a slice.
  const N = 500;
  const SD = 0.15;
  const se = SD / Math.sqrt(N);
  const sliced = { by: ['tags'], min_cases: 20, budgets: { quality: { max_drop: 0.05 } } };

  // Drops at which the check alone has about 50% and 80% power: budget + (z₀.₉₅ + z_power)·SE.
  it.each([
    ['about 0.5', 0.02 + 1.645 * se, [0.4, 0.6]],
    ['about 0.8', 0.02 + (1.645 + 0.842) * se, [0.72, 0.88]],
  ] as const)('loses at most 0.05 of power where the check alone has %s', (_label, drop, range) => {
    const rng = createRng(Math.round(drop * 1e6));
    const runs = 2000;
    let alone = 0;
    let beside = 0;
    for (let r = 0; r < runs; r++) {
      // Common random numbers: the very same cases, gated without and with the ten slices.
      const cases: CaseReport[] = [];
      for (let i = 0; i < N; i++) {
        const b = 0.6 + 0.1 * normal(rng);
        cases.push(pair(i, side(b), side(b - drop + SD * normal(rng)), [`tags=s${i % SLICES}`]));
      }
      const whole = (extra: object) =>
        buildChecks(cases, settings({ quality: { max_drop: 0.02 } }, r, extra)).checks.find(
          (c) => c.slice === null,
        )!;
      if (whole({}).verdict === 'fail') alone++;
      if (whole({ slices: sliced }).verdict === 'fail') beside++;
    }
    const loss = (alone - beside) / runs;
    report(
      `whole-set quality power, drop ${(drop * 100).toFixed(2)} pts vs 2-pt budget, ${runs} runs: ` +
        `alone ${(alone / runs).toFixed(3)}, with ten slices ${(beside / runs).toFixed(3)}, loss ${loss.toFixed(3)}`,
    );
    expect(alone / runs).toBeGreaterThanOrEqual(range[0]);
    expect(alone / runs).toBeLessThanOrEqual(range[1]);
    expect(loss).toBeLessThanOrEqual(0.05);
  });
});
