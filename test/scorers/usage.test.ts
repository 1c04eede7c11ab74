import { describe, expect, it } from 'vitest';
import { isEndpointError, targetMetrics } from '../../src/metrics/target-metrics.js';
import { judgeUsage, scoringWarnings } from '../../src/scorers/usage.js';
import type { CaseReport, SideResult } from '../../src/types.js';

function side(overrides: Partial<SideResult> = {}): SideResult {
  return {
    output: 'ok',
    score: 1,
    pass: true,
    scores: {},
    latency_ms: 100,
    input_tokens: 10,
    output_tokens: 2,
    cost_usd: 0.001,
    error: null,
    ...overrides,
  };
}

const judged = (calls: number, cost: number) => ({
  calls,
  input_tokens: calls * 100,
  output_tokens: calls * 10,
  cost_usd: cost,
});

describe('scoring usage in the report', () => {
  it('sums the judge per target, apart from the target’s own cost', () => {
    const m = targetMetrics([
      side({ judge: judged(1, 0.002) }),
      side(),
      side({ judge: judged(2, 0.003) }),
      undefined,
    ]);
    expect(m.judge).toEqual({ calls: 3, input_tokens: 300, output_tokens: 30, cost_usd: 0.005 });
    expect(m.cost_usd).toBeCloseTo(0.003, 12);
    expect(targetMetrics([side()]).judge).toBeUndefined();
    expect(judgeUsage([])).toBeUndefined();
  });

  it('does not count a judge failure in the target’s error rate, but the answer scores 0', () => {
    expect(isEndpointError('judge')).toBe(false);
    // Nor a scorer that failed or overran run.scorer_timeout_ms: the endpoint answered.
    expect(isEndpointError('scorer')).toBe(false);
    expect(isEndpointError('scorer_timeout')).toBe(false);
    const failed = side({ score: 0, pass: false, error: { kind: 'judge', message: 'judge down' } });
    const m = targetMetrics([failed, side()]);
    expect(m).toMatchObject({ error_rate: 0, quality: 0.5, pass_rate: 0.5 });
  });

  it('warns, per side, how many answers a scoring endpoint failed to score', () => {
    const failed = side({ score: 0, pass: false, error: { kind: 'judge', message: 'x' } });
    const cases: CaseReport[] = [
      { id: 'a', slices: [], baseline: side(), candidate: failed },
      { id: 'b', slices: [], baseline: failed, candidate: failed },
      { id: 'c', slices: [], candidate: side({ error: { kind: 'timeout', message: 't' } }) },
    ];
    expect(scoringWarnings(cases)).toEqual([
      '1 baseline answer(s) could not be scored (the judge or embeddings endpoint failed): they score 0 and fail, but do not count toward the error rate',
      '2 candidate answer(s) could not be scored (the judge or embeddings endpoint failed): they score 0 and fail, but do not count toward the error rate',
    ]);
    expect(scoringWarnings([])).toEqual([]);
  });

  it('warns too of answers a scorer failed to score, or ran out of time on', () => {
    // docs/scorers.md: the run warns how many answers were affected, for every such kind.
    const threw = side({ score: 0, pass: false, error: { kind: 'scorer', message: 'x' } });
    const slow = side({ score: 0, pass: false, error: { kind: 'scorer_timeout', message: 'y' } });
    const cases: CaseReport[] = [
      { id: 'a', slices: [], baseline: side(), candidate: threw },
      { id: 'b', slices: [], baseline: side(), candidate: slow },
    ];
    expect(scoringWarnings(cases)).toEqual([
      '2 candidate answer(s) could not be scored (a scorer failed or ran past run.scorer_timeout_ms): they score 0 and fail, but do not count toward the error rate',
    ]);
  });
});
