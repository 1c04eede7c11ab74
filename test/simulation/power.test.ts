import { describe, expect, it } from 'vitest';
import { normalCdf } from '../../src/stats/normal-cdf.js';
import { normalQuantile } from '../../src/stats/normal-quantile.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import type { CaseReport } from '../../src/types.js';
import { ALPHA, decision, normal, pair, settings, side, simulationSe } from './helpers.js';

// Power: wherever a one-sided paired z-test at the same α has power ≥ 0.9, the gate must block
// at least 80% of the time. The z-test's power for a true drop D against budget δ with paired
// differences of SD σ over n cases is Φ((D − δ)·√n / σ − z_{1−α}).

interface Scenario {
  label: string;
  n: number;
  budget: number;
  metric: 'quality' | 'pass_rate';
  /** One case: [baseline score, candidate score]. */
  draw: (rng: Rng) => [number, number];
  /** True mean drop and SD of one paired difference, for the z-test. */
  drop: number;
  sd: number;
}

function bernoulli(p: number): (rng: Rng) => number {
  return (rng) => (rng() < p ? 1 : 0);
}

/** Independent answers at accuracies pb and pc. */
function independent(pb: number, pc: number): Pick<Scenario, 'draw' | 'drop' | 'sd'> {
  const b = bernoulli(pb);
  const c = bernoulli(pc);
  return {
    draw: (rng) => [b(rng), c(rng)],
    drop: pb - pc,
    sd: Math.sqrt(pb * (1 - pb) + pc * (1 - pc)), // independent: Var(c − b) = Var(b) + Var(c)
  };
}

const SCENARIOS: Scenario[] = [
  {
    label: '8-pt drop vs 2-pt budget, n = 1000, 85% accuracy',
    n: 1000,
    budget: 0.02,
    metric: 'quality',
    ...independent(0.85, 0.77),
  },
  {
    label: '8-pt drop vs 2-pt budget, n = 1000, pass rate',
    n: 1000,
    budget: 0.02,
    metric: 'pass_rate',
    ...independent(0.85, 0.77),
  },
  {
    label: '5-pt drop vs 0 budget, n = 1000',
    n: 1000,
    budget: 0,
    metric: 'quality',
    ...independent(0.85, 0.8),
  },
  {
    label: '15-pt drop vs 5-pt budget, n = 300',
    n: 300,
    budget: 0.05,
    metric: 'quality',
    ...independent(0.85, 0.7),
  },
  {
    label: 'continuous scores, 6-pt drop vs 2-pt budget, n = 500',
    n: 500,
    budget: 0.02,
    metric: 'quality',
    // Candidate = baseline − 0.06 + noise; scores may leave 0..1 slightly, which the gate does
    // not mind (it compares means).
    draw: (rng) => {
      const b = 0.6 + 0.2 * normal(rng);
      return [b, b - 0.06 + 0.25 * normal(rng)];
    },
    drop: 0.06,
    sd: 0.25,
  },
];

function zPower(s: Scenario): number {
  return normalCdf(((s.drop - s.budget) * Math.sqrt(s.n)) / s.sd - normalQuantile(1 - ALPHA));
}

function power(s: Scenario, runs: number, seed: number): number {
  const rng = createRng(seed);
  let blocks = 0;
  for (let r = 0; r < runs; r++) {
    const cases: CaseReport[] = [];
    for (let i = 0; i < s.n; i++) {
      const [b, c] = s.draw(rng);
      cases.push(pair(i, side(b), side(c)));
    }
    const budgets =
      s.metric === 'quality'
        ? { quality: { max_drop: s.budget } }
        : { pass_rate: { max_drop: s.budget } };
    if (decision(cases, settings(budgets, r)) === 'fail') blocks++;
  }
  return blocks / runs;
}

describe('power where a paired z-test has at least 0.9', () => {
  const RUNS = 400;
  SCENARIOS.forEach((s, k) => {
    it(`${s.label}`, () => {
      const z = zPower(s);
      expect(z, 'the scenario is one the target covers').toBeGreaterThanOrEqual(0.9);
      expect(power(s, RUNS, 500 + k)).toBeGreaterThanOrEqual(0.8);
    });
  });

  it("the issue's example (6-pt drop vs 2-pt budget, n = 1000, 85%, independent) keeps the z-test's power", () => {
    // Var(c − b) = 0.85·0.15 + 0.79·0.21 = 0.2934: the z-test itself has only 0.76 here, so the
    // 0.8 bar does not apply; the gate must not lose power against it.
    const s: Scenario = {
      label: 'example',
      n: 1000,
      budget: 0.02,
      metric: 'quality',
      ...independent(0.85, 0.79),
    };
    const z = zPower(s);
    expect(z).toBeCloseTo(0.755, 2);
    expect(power(s, RUNS, 42)).toBeGreaterThanOrEqual(z - 3 * simulationSe(z, RUNS));
  });
});
