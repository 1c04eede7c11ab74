import type { Budgets } from '../../src/config/schema.js';
import { buildChecks, type CheckSettings } from '../../src/gate/checks.js';
import { decide } from '../../src/gate/decide.js';
import { SequentialGate } from '../../src/gate/sequential.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import type { CaseReport, Decision } from '../../src/types.js';

// The sequential gate on simulated paired scores: the same checks code at each look as a run
// (SequentialGate.judge → buildChecks → weighted Holm), fed the first n cases of a seeded order.
// Shared by test/simulation/sequential.test.ts and bench/sequential.mjs (more replicates).

export interface SequentialScenario {
  label: string;
  n: number;
  budgets: Budgets;
  /** Baseline accuracy and candidate accuracy (0/1 scores). */
  pb: number;
  pc: number;
  /** Share of cases on which the candidate answers exactly as the baseline did. */
  same?: number;
  /** Candidate latency ÷ baseline latency (log-normal latencies around 500 ms). */
  slower?: number;
}

function latency(rng: Rng, scale: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return 500 * scale * Math.exp(0.4 * z);
}

/** One simulated golden set, already in the seeded order the runner would send it in. */
export function simulateCases(s: SequentialScenario, rng: Rng): CaseReport[] {
  const same = s.same ?? 0.5;
  // Marginal accuracy pc with a share `same` of copied answers: the rest drawn at q.
  const q = Math.min(1, Math.max(0, (s.pc - same * s.pb) / (1 - same)));
  const out: CaseReport[] = [];
  for (let i = 0; i < s.n; i++) {
    const b = rng() < s.pb ? 1 : 0;
    const c = rng() < same ? b : rng() < q ? 1 : 0;
    const side = (score: number, ms: number) => ({
      output: '',
      score,
      pass: score === 1,
      scores: {},
      latency_ms: ms,
      input_tokens: 10,
      output_tokens: 10,
      cost_usd: 0.001,
      error: null,
    });
    out.push({
      id: `c${i}`,
      slices: [],
      baseline: side(b, latency(rng, 1)),
      candidate: side(c, latency(rng, s.slower ?? 1)),
    });
  }
  return out;
}

export interface SequentialOutcome {
  sequential: Decision;
  fixed: Decision;
  /** Cases the sequential run evaluated before it stopped. */
  used: number;
}

/** One replicate: the sequential run's decision and cases used, and the fixed-size decision. */
export function runOnce(
  s: SequentialScenario,
  seed: number,
  o: { fixed?: boolean; resamples?: number } = {},
): SequentialOutcome {
  const cases = simulateCases(s, createRng(seed));
  const settings: CheckSettings = {
    budgets: s.budgets,
    confidence: 0.95,
    minCases: 30,
    seed,
    resamples: o.resamples ?? 999,
  };
  const gate = new SequentialGate(s.n, settings.minCases, settings.confidence);
  let checks = buildChecks([], settings).checks;
  let used = s.n;
  for (const n of gate.looks) {
    // Cases past the look are there unanswered, as in a run (slices are planned on every case).
    const reports = cases.map((c, i) => (i < n ? c : { id: c.id, slices: c.slices }));
    checks = gate.judge(reports, settings).checks;
    used = n;
    if (gate.settled()) break;
  }
  const fixed = o.fixed === false ? 'pass' : decide(buildChecks(cases, settings).checks);
  return { sequential: decide(checks), fixed, used };
}

export interface SequentialRates {
  runs: number;
  /** Share of runs the sequential gate blocked (decision fail). */
  blocked: number;
  fixedBlocked: number;
  passed: number;
  fixedPassed: number;
  /** Mean share of the cases (and so of the calls) not sent. */
  saved: number;
}

export function rates(
  s: SequentialScenario,
  runs: number,
  seed0: number,
  o: { fixed?: boolean; resamples?: number } = {},
): SequentialRates {
  let blocked = 0;
  let fixedBlocked = 0;
  let passed = 0;
  let fixedPassed = 0;
  let saved = 0;
  for (let r = 0; r < runs; r++) {
    const out = runOnce(s, seed0 + r, o);
    if (out.sequential === 'fail') blocked++;
    if (out.sequential === 'pass') passed++;
    if (out.fixed === 'fail') fixedBlocked++;
    if (out.fixed === 'pass') fixedPassed++;
    saved += 1 - out.used / s.n;
  }
  return {
    runs,
    blocked: blocked / runs,
    fixedBlocked: fixedBlocked / runs,
    passed: passed / runs,
    fixedPassed: fixedPassed / runs,
    saved: saved / runs,
  };
}

/** The scenarios. */
export const SCENARIOS = {
  aa: {
    label: 'A/A, zero budget, n = 2000',
    n: 2000,
    budgets: { quality: { max_drop: 0 } },
    pb: 0.8,
    pc: 0.8,
  },
  regression: {
    label: 'clear regression: 10-pt drop vs 2-pt budget, n = 2000',
    n: 2000,
    budgets: { quality: { max_drop: 0.02 } },
    pb: 0.8,
    pc: 0.7,
  },
  pass: {
    label: 'clear pass: no change vs 8-pt budget, n = 2000',
    n: 2000,
    budgets: { quality: { max_drop: 0.08 } },
    pb: 0.8,
    pc: 0.8,
  },
  power: {
    label: 'moderate: 4-pt drop vs 2-pt budget, n = 2000',
    n: 2000,
    budgets: { quality: { max_drop: 0.02 } },
    pb: 0.8,
    pc: 0.76,
  },
} satisfies Record<string, SequentialScenario>;
