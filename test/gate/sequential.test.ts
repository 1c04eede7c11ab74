import { describe, expect, it } from 'vitest';
import { lookCounts, SequentialGate, sequentialShardProblem } from '../../src/gate/sequential.js';
import { createRng } from '../../src/stats/rng.js';
import { SCENARIOS, simulateCases } from '../simulation/sequential-model.js';

describe('lookCounts', () => {
  it('looks at a quarter, half, three quarters and all of the cases', () => {
    expect(lookCounts(2000, 30)).toEqual([500, 1000, 1500, 2000]);
    expect(lookCounts(10, 1)).toEqual([3, 5, 8, 10]);
  });

  it('leaves out a look too small for min_cases; the last is always every case', () => {
    expect(lookCounts(100, 30)).toEqual([50, 75, 100]);
    expect(lookCounts(40, 30)).toEqual([30, 40]);
    expect(lookCounts(35, 30)).toEqual([35]);
    expect(lookCounts(3, 1)).toEqual([1, 2, 3]);
  });
});

describe('SequentialGate', () => {
  const settings = (budget: number) => ({
    budgets: { quality: { max_drop: budget } },
    confidence: 0.95,
    minCases: 30,
    seed: 1,
  });

  it('a single look is the fixed-size test: levels at the confidence itself', () => {
    const gate = new SequentialGate(35, 30, 0.95);
    const cases = simulateCases({ ...SCENARIOS.aa, n: 35 }, createRng(1));
    const { checks } = gate.judge(cases, settings(0.5));
    expect(checks[0]!.look).toMatchObject({ look: 1, looks: 1, cases: 35 });
    expect(checks[0]!.look!.level).toBeCloseTo(0.95, 10);
    expect(checks[0]!.look!.pass_level).toBeCloseTo(0.95, 10);
    expect(gate.settled()).toBe(false); // the last look is the end, not an early stop
    expect(gate.meta()).toMatchObject({ reason: 'all cases used', stopped_at_case: 35 });
  });

  it('keeps a check settled at an earlier look, with that look’s interval and reason', () => {
    const s = { ...SCENARIOS.regression, n: 2000 };
    const cases = simulateCases(s, createRng(5));
    const gate = new SequentialGate(2000, 30, 0.95);
    const at = (n: number) => cases.map((c, i) => (i < n ? c : { id: c.id, slices: c.slices }));
    const first = gate.judge(at(500), settings(0.02)).checks[0]!;
    expect(first.verdict).toBe('fail');
    expect(first.reason).toMatch(/Settled at look 1 of 4 \(500 of 2000 cases\)/);
    expect(gate.settled()).toBe(true);
    // Even on data that would not fail, a later look keeps the settled verdict.
    const unchanged = cases.map((c) => ({ ...c, candidate: c.baseline }));
    const later = gate.judge(unchanged, settings(0.02)).checks[0]!;
    expect(later).toEqual(first);
    expect(gate.meta()).toMatchObject({ reason: 'settled: every check failed' });
  });

  it('a run with no budget has nothing to settle and never stops early', () => {
    const gate = new SequentialGate(200, 30, 0.95);
    const cases = simulateCases({ ...SCENARIOS.aa, n: 200 }, createRng(1));
    gate.judge(cases.slice(0, 50), { ...settings(0), budgets: {} });
    expect(gate.settled()).toBe(false);
  });
});

describe('sequentialShardProblem', () => {
  it('refuses gate.sequential with --shard, naming the field', () => {
    expect(sequentialShardProblem(true, '1/3', 'evalgate.yaml')).toMatchObject({
      file: 'evalgate.yaml',
      path: 'gate.sequential',
      message: expect.stringMatching(/cannot be combined with --shard/),
    });
    expect(sequentialShardProblem(false, '1/3', 'evalgate.yaml')).toBeUndefined();
    expect(sequentialShardProblem(true, undefined, 'evalgate.yaml')).toBeUndefined();
  });
});
