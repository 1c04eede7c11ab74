import { describe, expect, it } from 'vitest';
import { stability } from '../../src/metrics/stability.js';
import { targetMetrics } from '../../src/metrics/target-metrics.js';
import { combineRepeats } from '../../src/runner/repeats.js';
import type { SideResult } from '../../src/types.js';

function call(o: Partial<SideResult> = {}): SideResult {
  return {
    output: 'yes',
    score: 1,
    pass: true,
    scores: { exact: 1 },
    latency_ms: 100,
    input_tokens: 10,
    output_tokens: 2,
    cost_usd: 0.001,
    error: null,
    ...o,
  };
}
const wrong = (o: Partial<SideResult> = {}) =>
  call({ output: 'no', score: 0, pass: false, scores: { exact: 0 }, ...o });
const failed = () =>
  call({
    output: null,
    score: 0,
    pass: false,
    scores: {},
    latency_ms: 5000,
    input_tokens: 0,
    output_tokens: 0,
    cost_usd: 0,
    error: { kind: 'timeout', message: 'no complete response within 5000 ms' },
  });

describe('combineRepeats', () => {
  it('scores the mean, passes on a strict majority, sums tokens and cost', () => {
    const r = combineRepeats([
      call({ latency_ms: 100 }),
      wrong({ latency_ms: 200 }),
      call({ output: ' yes \n', latency_ms: 300 }),
    ]);
    expect(r.score).toBeCloseTo(2 / 3, 12);
    expect(r.pass).toBe(true);
    expect(r.repeat_scores).toEqual([1, 0, 1]);
    expect(r.repeat_pass).toEqual([true, false, true]);
    expect(r.scores.exact).toBeCloseTo(2 / 3, 12);
    expect(r.input_tokens).toBe(30);
    expect(r.output_tokens).toBe(6);
    expect(r.cost_usd).toBeCloseTo(0.003, 12);
    expect(r.latency_ms).toBe(200);
    expect(r.repeat_latency_ms).toEqual([100, 200, 300]);
    expect(r.output).toBe('yes');
    expect(r.distinct_outputs).toBe(2); // "yes" and "no": trimming makes " yes \n" the same
    expect(r.error).toBeNull();
  });

  it('fails a tie: right half the time is not an answer to count on', () => {
    expect(combineRepeats([call(), wrong()]).pass).toBe(false);
    expect(combineRepeats([call(), wrong(), call(), wrong()]).pass).toBe(false);
    expect(combineRepeats([wrong(), call(), call()]).pass).toBe(true);
  });

  it('counts a failed call as a zero and keeps its error; latency is over answered calls', () => {
    const r = combineRepeats([call(), failed(), call()]);
    expect(r.score).toBeCloseTo(2 / 3, 12);
    expect(r.pass).toBe(true);
    expect(r.error?.kind).toBe('timeout');
    expect(r.output).toBe('yes');
    expect(r.latency_ms).toBe(100);
    expect(r.repeat_latency_ms).toEqual([100, 100]);
    expect(r.scores.exact).toBe(1); // the scorer's mean over the answers it scored
  });

  it('keeps the first answer when the first call failed, and null when all did', () => {
    expect(combineRepeats([failed(), wrong(), call()]).output).toBe('no');
    const none = combineRepeats([failed(), failed()]);
    expect(none.output).toBeNull();
    expect(none.error?.kind).toBe('timeout');
    expect(none.distinct_outputs).toBe(0);
  });

  it('is cached only when every repeat came from the cache, and says how many did when some did', () => {
    const all = combineRepeats([call({ cached: true }), call({ cached: true })]);
    expect(all.cached).toBe(true);
    expect(all.cached_repeats).toBeUndefined();
    const some = combineRepeats([call({ cached: true }), call(), call({ cached: true })]);
    expect(some.cached).toBeUndefined();
    expect(some.cached_repeats).toBe(2);
    const none = combineRepeats([call(), call()]);
    expect(none.cached).toBeUndefined();
    expect(none.cached_repeats).toBeUndefined();
  });

  it('averages streaming timings over the calls that have them', () => {
    const r = combineRepeats([
      call({ ttft_ms: 10, tpot_ms: 2 }),
      call({ ttft_ms: 30, tpot_ms: 4 }),
    ]);
    expect(r.ttft_ms).toBe(20);
    expect(r.tpot_ms).toBe(3);
    expect(combineRepeats([call(), call()]).ttft_ms).toBeUndefined();
  });
});

describe('stability', () => {
  it('is undefined without repeats', () => {
    expect(stability([call(), wrong()])).toBeUndefined();
    expect(targetMetrics([call()]).stability).toBeUndefined();
  });

  it('reports the share of identical answers and the pairwise pass/fail agreement', () => {
    const rows = [
      combineRepeats([call(), call(), call()]), // identical, agreement 1
      combineRepeats([call(), wrong(), call()]), // 2 outputs; pairs: (1,2)✗ (1,3)✓ (2,3)✗ → 1/3
      combineRepeats([wrong(), wrong(), wrong()]), // identical, agreement 1
      combineRepeats([call(), failed(), call()]), // an outage, not instability: left out
    ];
    const s = stability(rows)!;
    expect(s.cases).toBe(3);
    expect(s.identical_outputs).toBeCloseTo(2 / 3, 12);
    expect(s.pass_agreement).toBeCloseTo((1 + 1 / 3 + 1) / 3, 12);
    expect(targetMetrics(rows).stability).toEqual(s);
  });

  it('takes latency percentiles over calls, not case means', () => {
    const rows = [
      combineRepeats([call({ latency_ms: 100 }), call({ latency_ms: 300 })]),
      combineRepeats([call({ latency_ms: 100 }), call({ latency_ms: 100 })]),
    ];
    const m = targetMetrics(rows);
    expect(m.latency_ms.mean).toBe(150);
    expect(m.latency_ms.p99).toBeGreaterThan(290); // a case mean (200) would hide the slow call
  });

  it('counts cases answered from the cache', () => {
    expect(targetMetrics([call({ cached: true }), call()]).cached).toBe(1);
    expect(targetMetrics([call()]).cached).toBeUndefined();
  });
});
