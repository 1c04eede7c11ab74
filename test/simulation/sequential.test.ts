import { describe, expect, it } from 'vitest';
import { ALPHA, expectAtMostAlpha, report, simulationSe } from './helpers.js';
import { rates, runOnce, SCENARIOS, type SequentialScenario } from './sequential-model.js';

// gate.sequential's targets on the statistics layer (the same checks code a run uses at each
// look). Few replicates here, with tolerances of a few standard errors; bench/sequential.mjs
// gives the figures over many more (docs/sequential.md).

const small = (s: SequentialScenario, n: number, label: string, pc = s.pc) => ({
  ...s,
  label,
  n,
  pc,
});

describe('gate.sequential by simulation', () => {
  it('A/A at zero budget: false blocks at most α + 3 SE over all looks', () => {
    // A smaller set than the issue's 2000 keeps this fast; the looks' levels do not depend on n.
    const s = small(SCENARIOS.aa, 400, 'A/A, zero budget, n = 400');
    const runs = 800;
    const r = rates(s, runs, 10_000, { fixed: false });
    report(`${s.label}: sequential false blocks ${r.blocked} over ${runs} runs`);
    expectAtMostAlpha(Math.round(r.blocked * runs), runs, s.label);
  });

  it('a clear regression (10-pt drop vs 2-pt budget, n = 2000) blocks, saving at least half the calls', () => {
    const r = rates(SCENARIOS.regression, 40, 20_000, { fixed: false });
    report(`${SCENARIOS.regression.label}: blocked ${r.blocked}, saved ${r.saved}`);
    expect(r.blocked).toBe(1);
    expect(r.saved).toBeGreaterThanOrEqual(0.5);
  });

  it('a clear pass (no change vs an 8-pt budget, n = 2000) passes, saving at least half the calls', () => {
    const r = rates(SCENARIOS.pass, 40, 30_000, { fixed: false });
    report(`${SCENARIOS.pass.label}: passed ${r.passed}, saved ${r.saved}`);
    expect(r.passed).toBe(1);
    expect(r.saved).toBeGreaterThanOrEqual(0.5);
  });

  it('power no worse than 0.05 below the fixed-size run where that power is moderate', () => {
    // 6-pt drop vs 2-pt budget at n = 500: fixed-size power about 0.7.
    const s = small(SCENARIOS.power, 500, '6-pt drop vs 2-pt budget, n = 500', 0.74);
    const runs = 300;
    let fixed = 0;
    let seq = 0;
    for (let i = 0; i < runs; i++) {
      const o = runOnce(s, 40_000 + i);
      if (o.fixed === 'fail') fixed++;
      if (o.sequential === 'fail') seq++;
    }
    report(`${s.label}: power fixed ${fixed / runs}, sequential ${seq / runs}`);
    expect(fixed / runs).toBeGreaterThan(0.5);
    expect(fixed / runs).toBeLessThan(0.9);
    // Both on the same simulated sets: the difference is paired, so 2 SE of one rate is generous.
    expect(seq / runs).toBeGreaterThanOrEqual(fixed / runs - 0.05 - 2 * simulationSe(ALPHA, runs));
  });
});
