import { describe, expect, it } from 'vitest';
import { buildChecks } from '../../src/gate/checks.js';
import { createRng } from '../../src/stats/rng.js';
import type { CaseReport, Check, MetricName } from '../../src/types.js';
import { ALPHA, expectAtMostAlpha, pair, settings, side, simulationSe } from './helpers.js';
import { type Measured, type MeasurementModel, type Policy, simulateRun } from './measurement.js';

function cases(m: Measured, latency: 'latency' | 'server', withTtft: boolean): CaseReport[] {
  const out: CaseReport[] = [];
  for (let i = 0; i < m.latency.baseline.length; i++) {
    const b = side(1, true, m[latency].baseline[i]!);
    const c = side(1, true, m[latency].candidate[i]!);
    if (withTtft) {
      b.ttft_ms = m.ttft.baseline[i]!;
      c.ttft_ms = m.ttft.candidate[i]!;
    }
    out.push(pair(i, b, c));
  }
  return out;
}

function gate(list: CaseReport[], budgets: Parameters<typeof settings>[0], seed: number) {
  return buildChecks(list, settings(budgets, seed)).checks;
}

const find = (checks: Check[], metric: MetricName) => checks.find((c) => c.metric === metric)!;

interface Tally {
  fail: number;
  pass: number;
  deltaSum: number;
}

const TIMINGS = ['latency_p95', 'ttft_p95'] as const;
type Timing = (typeof TIMINGS)[number];

/** Runs of equal systems, each metric gated alone (no correction for the other to hide behind). */
function aa(model: MeasurementModel, policy: Policy, runs: number, seed: number) {
  const rng = createRng(seed);
  const tally = {} as Record<Timing, Tally>;
  for (const metric of TIMINGS) tally[metric] = { fail: 0, pass: 0, deltaSum: 0 };
  for (let r = 0; r < runs; r++) {
    const list = cases(simulateRun(model, policy, rng), 'latency', true);
    for (const metric of TIMINGS) {
      const c = find(gate(list, { [metric]: { max_increase: 0 } }, r), metric);
      const t = tally[metric];
      if (c.verdict === 'fail') t.fail++;
      if (c.verdict === 'pass') t.pass++;
      t.deltaSum += c.delta!;
    }
  }
  return tally;
}

/** α + 3 simulation standard errors, as a share of runs. */
const limit = (runs: number) => ALPHA + 3 * simulationSe(ALPHA, runs);

/** Equal systems: cases differ in cost, and each call varies a little around its case's cost. */
const SERVER = {
  medianMs: 100,
  caseSpread: 0.3,
  callSpread: 0.2,
  candidateFactor: 1,
  prefill: 0.3,
};

const AA_SCENARIOS: { label: string; model: MeasurementModel }[] = [
  {
    label: "the audit's: one endpoint with room for every call, n = 100, concurrency 16",
    model: {
      n: 100,
      concurrency: 16,
      endpoints: { shared: true, slots: Number.POSITIVE_INFINITY },
      setupMs: 35,
      dispatchMs: 1,
      ...SERVER,
    },
  },
  {
    label: 'one inference box serving 16 at a time, n = 300, concurrency 32',
    model: {
      n: 300,
      concurrency: 32,
      endpoints: { shared: true, slots: 16 },
      setupMs: 35,
      dispatchMs: 1,
      ...SERVER,
    },
  },
  {
    // Each endpoint serves the run's concurrency: a queue there would make neighbouring calls'
    // times move together, which no measurement can take out (see docs/run.md).
    label: 'two endpoints, one per side, n = 300, concurrency 32',
    model: {
      n: 300,
      concurrency: 32,
      endpoints: { shared: false, slots: 32 },
      setupMs: 35,
      dispatchMs: 1,
      ...SERVER,
    },
  },
];

const RUNS = 400;
/** The runner as it was: fewer runs, enough to show the bias the model reproduces. */
const RUNS_BEFORE = 100;

describe('measurement model, A/A with zero budgets', () => {
  for (const [k, { label, model }] of AA_SCENARIOS.entries()) {
    it(label, () => {
      const report = (policy: Policy, runs: number) => {
        const t = aa(model, policy, runs, 500 + k);
        for (const metric of TIMINGS) {
          const x = t[metric];
          console.log(
            `${policy} ${label} ${metric}: ${x.fail}/${runs} blocked, ${x.pass}/${runs} passed, mean p95 change ${((x.deltaSum / runs) * 100).toFixed(2)}%`,
          );
        }
        return t;
      };
      // The model has teeth: the runner as it was shows a bias on every scenario, as false
      // blocks, as false passes (an interval wholly below zero) or as a mean change past 3%.
      const before = report('before', RUNS_BEFORE);
      const biased = TIMINGS.some((metric) => {
        const x = before[metric];
        const cap = limit(RUNS_BEFORE) * RUNS_BEFORE;
        return x.fail > cap || x.pass > cap || Math.abs(x.deltaSum / RUNS_BEFORE) > 0.03;
      });
      expect(biased).toBe(true);
      const after = report('after', RUNS);
      for (const metric of TIMINGS) {
        expectAtMostAlpha(after[metric].fail, RUNS, `${label} ${metric}`);
        expect(Math.abs(after[metric].deltaSum / RUNS), metric).toBeLessThanOrEqual(0.03);
      }
    });
  }
});

describe('measurement model, power: +28.6% server-side p95 against a 20% budget', () => {
  const POWER_RUNS = 150;
  for (const n of [400, 1000]) {
    it(`n = ${n}, one endpoint with room for every call, concurrency 16 (${POWER_RUNS} runs)`, () => {
      const model: MeasurementModel = {
        n,
        concurrency: 16,
        endpoints: { shared: true, slots: Number.POSITIVE_INFINITY },
        setupMs: 35,
        dispatchMs: 1,
        ...SERVER,
        candidateFactor: 1.286,
      };
      const budgets = { latency_p95: { max_increase: 0.2 } };
      const blocked = { server: 0, before: 0, after: 0 };
      for (const policy of ['before', 'after'] as const) {
        // The same seed for both runners: the same server times, measured two ways.
        const rng = createRng(900 + n);
        for (let r = 0; r < POWER_RUNS; r++) {
          const m = simulateRun(model, policy, rng);
          const fails = (which: 'latency' | 'server') =>
            find(gate(cases(m, which, false), budgets, r), 'latency_p95').verdict === 'fail';
          if (fails('latency')) blocked[policy]++;
          if (policy === 'after' && fails('server')) blocked.server++;
        }
      }
      const power = (k: number) => k / POWER_RUNS;
      console.log(
        `power n=${n}: server-side alone ${power(blocked.server)}, before ${power(blocked.before)}, after ${power(blocked.after)}`,
      );
      expect(Math.abs(power(blocked.after) - power(blocked.server))).toBeLessThanOrEqual(0.1);
    });
  }
});
