// `node bench/sequential.mjs`: the figures behind gate.sequential (docs/sequential.md) — false
// blocks on an A/A run at zero budget, calls saved on a clear regression and a clear pass, and
// power against the fixed-size run, over many seeded replicates of the statistics layer (the
// same checks code a run uses at each look; test/simulation/sequential-model.ts). The test
// (test/simulation/sequential.test.ts) asserts the same targets on fewer replicates.
// RUNS=2000 by default; SCENARIOS=aa,regression picks some.
import { importSource } from './from-source.mjs';

const RUNS = Number(process.env.RUNS ?? 2000);
const { rates, SCENARIOS } = await importSource({ 'test/simulation/sequential-model.ts': '*' });

const extra = {
  aaLatency: {
    label: 'A/A, zero quality budget + zero latency p95 budget, n = 2000',
    n: 2000,
    budgets: { quality: { max_drop: 0 }, latency_p95: { max_increase: 0 } },
    pb: 0.8,
    pc: 0.8,
  },
  pass5: {
    label: 'pass: no change vs 5-pt budget, n = 2000',
    n: 2000,
    budgets: { quality: { max_drop: 0.05 } },
    pb: 0.8,
    pc: 0.8,
  },
  powerHigh: {
    label: 'moderate: 5-pt drop vs 2-pt budget, n = 2000',
    n: 2000,
    budgets: { quality: { max_drop: 0.02 } },
    pb: 0.8,
    pc: 0.75,
  },
  atBudget: {
    label: 'drop exactly at the 2-pt budget (wrong passes), n = 2000',
    n: 2000,
    budgets: { quality: { max_drop: 0.02 } },
    pb: 0.8,
    pc: 0.78,
  },
};
const all = { ...SCENARIOS, ...extra };
const pick = process.env.SCENARIOS ? process.env.SCENARIOS.split(',') : Object.keys(all);
const se = (p) => Math.sqrt((p * (1 - p)) / RUNS);
for (const key of pick) {
  const s = all[key];
  const t0 = performance.now();
  const r = rates(s, RUNS, 1_000_000);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `${s.label} (${RUNS} runs, ${secs} s): blocked ${r.blocked.toFixed(4)} ± ${se(r.blocked).toFixed(4)} ` +
      `(fixed-n ${r.fixedBlocked.toFixed(4)}), passed ${r.passed.toFixed(4)} (fixed-n ${r.fixedPassed.toFixed(4)}), ` +
      `calls saved ${(100 * r.saved).toFixed(1)}%`,
  );
}
