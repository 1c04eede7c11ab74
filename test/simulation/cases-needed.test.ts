import { describe, expect, it } from 'vitest';
import { casesToDecide } from '../../src/gate/power.js';
import { clopperPearsonLower, clopperPearsonUpper } from '../../src/stats/binomial-bounds.js';
import { binomialCdf } from '../../src/stats/binomial-cdf.js';
import { binomialSurvival } from '../../src/stats/binomial-survival.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import type { CaseReport } from '../../src/types.js';
import { ALPHA, decision, pair, settings, side, simulationSe } from './helpers.js';

// Does "cases needed" mean what it says? At the figure casesToDecide gives, the real gate
// (buildChecks → Holm → decide) should pass an unchanged candidate, and block a regression of
// twice the budget, about 80% of the time each. One budget per run, so no multiplicity applies.

const RUNS = 300;
const CEILING_RUNS = 1000;
const OPTIONS = { confidence: 1 - ALPHA, minCases: 30 };

function rate(
  runs: number,
  seed: number,
  draw: (rng: Rng) => CaseReport[],
  want: string,
  budgets: Parameters<typeof settings>[0],
): number {
  const rng = createRng(seed);
  let hits = 0;
  for (let r = 0; r < runs; r++) if (decision(draw(rng), settings(budgets, r)) === want) hits++;
  return hits / runs;
}

/** Yes/no answers: outside the flipped share both sides answer right with probability p, independently (A/A noise); a flipped case is right for the baseline and wrong for the candidate. */
function binaryRun(n: number, p: number, flip: number): (rng: Rng) => CaseReport[] {
  return (rng) =>
    Array.from({ length: n }, (_, i) => {
      if (rng() < flip) return pair(i, side(1), side(0));
      return pair(i, side(rng() < p ? 1 : 0), side(rng() < p ? 1 : 0));
    });
}

function expectNear(observed: number, expected: number, label: string, slack = 0): void {
  const margin = 3 * simulationSe(expected, RUNS) + slack;
  expect(
    Math.abs(observed - expected),
    `${label}: ${observed} vs ${expected} ± ${margin.toFixed(3)}`,
  ).toBeLessThanOrEqual(margin);
}

describe('the cases-needed figures, simulated', () => {
  const b = 0.05;
  const budgets = { pass_rate: { max_drop: b } };

  it('deterministic answers: a 10-pt drop is blocked about 80% of the time at the fail figure', () => {
    const need = casesToDecide('pass_rate', b, { sd: 0 }, OPTIONS);
    // (z_0.95 + z_0.8)² · 2b(1 − 2b) / b² = 222.6 with the variance at 2b on both sides; the
    // bound sits where fewer cases flipped, with less variance: about 200.
    expect(need.fail).toBeGreaterThanOrEqual(190);
    expect(need.fail).toBeLessThanOrEqual(225);
    const blocked = rate(RUNS, 11, binaryRun(need.fail!, 1, 2 * b), 'fail', budgets);
    expectNear(blocked, 0.8, 'deterministic, 2× budget', 0.03);
  });

  it('noisy answers: an unchanged candidate passes, and a 10-pt drop is blocked, about 80% of the time', () => {
    const p = 0.8;
    const sd = Math.sqrt(2 * p * (1 - p)); // two independent yes/no answers
    const need = casesToDecide('pass_rate', b, { sd }, OPTIONS);
    const passed = rate(RUNS, 12, binaryRun(need.pass!, p, 0), 'pass', budgets);
    const blocked = rate(RUNS, 13, binaryRun(need.fail!, p, 2 * b), 'fail', budgets);
    expectNear(passed, 0.8, 'noisy, unchanged', 0.03);
    // Here flips replace some of the A/A noise (the variance is below the additive assumption),
    // so the figure errs on the safe side: at least 80%, not much more.
    expect(blocked).toBeGreaterThanOrEqual(0.8 - 3 * simulationSe(0.8, RUNS));
    expect(blocked).toBeLessThanOrEqual(0.93);
  });

  it('error ceiling: at the figures, the exact pass and fail probabilities', () => {
    const max = 0.01;
    const base = 0.002;
    const need = casesToDecide('error_rate', max, { errorRate: base }, OPTIONS);
    const errRun = (n: number, errRate: number) => (rng: Rng) =>
      Array.from({ length: n }, (_, i) => {
        const c = side(1);
        if (rng() < errRate) c.error = { kind: 'http_5xx', message: 'boom' };
        return pair(i, side(1), c);
      });
    const eb = { error_rate: { max } };
    const passed = rate(CEILING_RUNS, 14, errRun(need.pass!, base), 'pass', eb);
    const blocked = rate(CEILING_RUNS, 15, errRun(need.fail!, 2 * max), 'fail', eb);
    // The exact probabilities at those sizes, read from the bounds themselves.
    let kPass = -1;
    while (clopperPearsonUpper(kPass + 1, need.pass!, 1 - ALPHA) <= max) kPass++;
    let kFail = 0;
    while (clopperPearsonLower(kFail, need.fail!, 1 - ALPHA) <= max) kFail++;
    const exactPass = binomialCdf(kPass, need.pass!, base);
    const exactFail = binomialSurvival(kFail - 1, need.fail!, 2 * max);
    expect(exactPass).toBeGreaterThanOrEqual(0.8);
    expect(exactFail).toBeGreaterThanOrEqual(0.8);
    for (const [sim, exact, label] of [
      [passed, exactPass, 'unchanged'],
      [blocked, exactFail, 'twice the ceiling'],
    ] as const) {
      const margin = 3 * simulationSe(exact, CEILING_RUNS);
      expect(Math.abs(sim - exact), `${label}: ${sim} vs exact ${exact}`).toBeLessThanOrEqual(
        margin,
      );
    }
  });
});
