import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/compare/comparison.js';
import { comparePairedMeans } from '../../src/compare/paired-mean.js';
import { judge, type VerdictInput, verdictOf } from '../../src/gate/verdict.js';

function comparison(
  regression: [number, number] | null,
  n = 200,
  extra: Partial<Comparison> = {},
): Comparison {
  return {
    baseline: 0.9,
    candidate: 0.88,
    delta: regression ? -(regression[0] + regression[1]) / 2 : null,
    ci: regression ? [-regression[1], -regression[0]] : null,
    regression,
    p_value: 0.1,
    n,
    ...extra,
  };
}

function input(c: Comparison, o: Partial<VerdictInput> = {}): VerdictInput {
  return {
    metric: 'quality',
    slice: null,
    comparison: c,
    budget: 0.02,
    confidence: 0.95,
    minCases: 30,
    ...o,
  };
}

describe('judge', () => {
  // regression = [optimistic, pessimistic] bounds on how much worse the candidate is.
  it.each<[string, [number, number], 'pass' | 'fail' | 'inconclusive']>([
    ['both bounds above the budget', [0.03, 0.08], 'fail'],
    ['optimistic bound just above', [0.0201, 0.03], 'fail'],
    ['optimistic bound exactly at the budget', [0.02, 0.05], 'inconclusive'],
    ['straddling the budget', [0.01, 0.03], 'inconclusive'],
    ['pessimistic bound exactly at the budget', [-0.01, 0.02], 'pass'],
    ['both bounds within', [-0.02, 0.015], 'pass'],
    ['an improvement', [-0.1, -0.05], 'pass'],
    ['no change at all, zero budget', [0, 0], 'pass'],
  ])('%s → %s', (_label, regression, verdict) => {
    const zeroBudget = regression[0] === 0 && regression[1] === 0;
    expect(judge(input(comparison(regression), zeroBudget ? { budget: 0 } : {})).verdict).toBe(
      verdict,
    );
  });

  it('is never a pass with fewer cases than min_cases, however good the bounds', () => {
    const check = judge(input(comparison([-0.5, -0.4], 29)));
    expect(check.verdict).toBe('inconclusive');
    expect(check.reason).toBe(
      'quality: insufficient data: 29 usable pairs, fewer than the 30 required (min_cases).',
    );
    expect(judge(input(comparison([-0.5, -0.4], 30))).verdict).toBe('pass');
  });

  it('is not a fail either with too few cases, however bad the bounds', () => {
    expect(judge(input(comparison([0.5, 0.9], 10))).verdict).toBe('inconclusive');
  });

  it('speaks of calls for the error rate', () => {
    const check = judge(input(comparison([0, 0.01], 5), { metric: 'error_rate', budget: 0.05 }));
    expect(check.reason).toMatch(/5 usable calls, fewer than the 30 required/);
  });

  it('is inconclusive when there is no interval (a zero baseline for a relative change)', () => {
    const check = judge(
      input(comparison(null, 200, { baseline: 0, candidate: 0 }), { metric: 'cost', budget: 0.1 }),
    );
    expect(check.verdict).toBe('inconclusive');
    expect(check.reason).toBe(
      'cost: insufficient data: the baseline value is zero, so a relative change is undefined.',
    );
  });

  it('says one pair is too few for an interval, not that a baseline is zero', () => {
    const check = judge(
      input(comparison(null, 1, { baseline: 1, candidate: 1 }), { minCases: 1, budget: 0.02 }),
    );
    expect(check.verdict).toBe('inconclusive');
    expect(check.reason).toBe(
      'quality: insufficient data: 1 usable pair: an interval needs at least 2.',
    );
  });

  it('copies the comparison into the check and explains the verdict', () => {
    const c = comparison([0.044, 0.079], 2000, {
      baseline: 0.91,
      candidate: 0.849,
      delta: -0.061,
      p_value: 0.0001,
    });
    const check = judge(input(c, { slice: 'tags=billing' }));
    expect(check).toEqual({
      metric: 'quality',
      slice: 'tags=billing',
      baseline: 0.91,
      candidate: 0.849,
      delta: -0.061,
      ci: [-0.079, -0.044],
      budget: 0.02,
      p_value: 0.0001,
      n: 2000,
      verdict: 'fail',
      reason:
        'quality [tags=billing] -6.1 pts (95% CI -7.9..-4.4) exceeds the 2 pts budget: even the optimistic bound is a larger drop than allowed.',
    });
  });

  it.each([
    [
      [0.001, 0.01] as [number, number],
      'pass',
      /is within the \+20% budget: even the pessimistic bound is an allowed increase/,
    ],
    [
      [0.1, 0.3] as [number, number],
      'inconclusive',
      /straddles the \+20% budget: the data cannot tell whether the increase exceeds it/,
    ],
  ])('words relative metrics as increases (%j → %s)', (regression, verdict, reason) => {
    const check = judge(input(comparison(regression), { metric: 'latency_p95', budget: 0.2 }));
    expect(check.verdict).toBe(verdict);
    expect(check.reason).toMatch(reason);
  });

  it('words the error rate as a ceiling', () => {
    // For a ceiling the interval is the level itself, not a change.
    const c = comparison([0.03, 0.07], 500, { candidate: 0.05, ci: [0.03, 0.07] });
    expect(judge(input(c, { metric: 'error_rate', budget: 0.01 })).reason).toBe(
      'error rate 5.0% (95% CI 3.0%..7.0%) is above the ceiling of 1% even at its lower bound.',
    );
    const low = comparison([0, 0.0149], 200, { candidate: 0, ci: [0, 0.0149] });
    expect(judge(input(low, { metric: 'error_rate', budget: 0.05 })).reason).toBe(
      'error rate 0.0% (95% CI 0.0%..1.5%) stays under the ceiling of 5% even at its upper bound.',
    );
  });
});

describe('a figure equal to its budget, up to float rounding', () => {
  // A candidate one character off on every case of a 20-character answer scores 0.95: the drop
  // is 0.050000000000000044, and +10% on every cost is 0.10000000000000009. Both equal their
  // budgets, "the largest allowed", and pass; a hair more is past it.
  const drop = 0.95 - 1;
  const pricier = 0.00022 / 0.0002 - 1;

  it('passes a drop equal to max_drop, and fails a drop past it', () => {
    expect(drop).not.toBe(-0.05);
    expect(verdictOf('quality', [drop, drop], 0.05)).toBe('pass');
    expect(verdictOf('quality', [-0.0501, -0.0501], 0.05)).toBe('fail');
  });

  it('passes an increase equal to max_increase, and fails one past it', () => {
    expect(pricier).toBeGreaterThan(0.1);
    expect(verdictOf('cost', [pricier, pricier], 0.1)).toBe('pass');
    expect(verdictOf('cost', [0.1001, 0.2], 0.1)).toBe('fail');
  });

  it('gives the identical drop a p-value of 1 against the budget it equals', () => {
    const baseline = new Float64Array(40).fill(1);
    const candidate = new Float64Array(40).fill(0.95);
    const r = comparePairedMeans(baseline, candidate, 0.05, 0.95);
    expect(r.p_value).toBe(1);
    expect(verdictOf('quality', r.ci!, 0.05)).toBe('pass');
  });
});
