import { describe, expect, it } from 'vitest';
import type { Budgets } from '../../src/config/schema.js';
import { buildChecks, type CheckSettings } from '../../src/gate/checks.js';
import { decide, summarize } from '../../src/gate/decide.js';
import { partialTokensWarning } from '../../src/gate/figure-counts.js';
import { targetMetrics } from '../../src/metrics/target-metrics.js';
import { createRng } from '../../src/stats/rng.js';
import type { CaseReport, Check, MetricName, SideResult } from '../../src/types.js';
import { side as answer } from '../report/fixture.js';

// Cached timings and partial token counts on buildChecks and targetMetrics, with the real
// comparisons in between: which checks say so, what they count, and what the cost check leaves
// out.

/** The renderers' answer, streamed (a TTFT and a TPOT), with `overrides`. */
const side = (overrides: Partial<SideResult> = {}): SideResult =>
  answer({ tpot_ms: 8, ...overrides });

function settings(budgets: Budgets, extra: Partial<CheckSettings> = {}): CheckSettings {
  return { budgets, confidence: 0.95, minCases: 30, seed: 7, resamples: 400, ...extra };
}

const check = (checks: Check[], metric: MetricName, slice: string | null = null) =>
  checks.find((c) => c.metric === metric && c.slice === slice)!;

const TIMED: Budgets = {
  latency_p95: { max_increase: 0.2 },
  ttft_p95: { max_increase: 0.2 },
  tpot_p95: { max_increase: 0.2 },
  cost: { max_increase: 0.1 },
  quality: { max_drop: 0.05 },
};

describe('timing checks over cached answers', () => {
  // 80 cases; the baseline of the first 50 came from the cache; slice "a" is the even cases.
  const rng = createRng(3);
  const cases: CaseReport[] = Array.from({ length: 80 }, (_, i) => {
    const latency = 300 + Math.round(400 * rng());
    return {
      id: `c${i}`,
      slices: [i % 2 === 0 ? 'tags=a' : 'tags=b'],
      baseline: side({ latency_ms: latency, ...(i < 50 ? { cached: true } : {}) }),
      candidate: side({ latency_ms: latency + 5 }),
    };
  });
  const built = buildChecks(
    cases,
    settings(TIMED, { slices: { by: ['tags'], min_cases: 20, budgets: TIMED } }),
  );

  it('counts the pairs with a cached answer on every latency-family check, and only there', () => {
    for (const metric of ['latency_p95', 'ttft_p95', 'tpot_p95'] as const) {
      expect(check(built.checks, metric)).toMatchObject({ n: 80, cached_pairs: 50 });
      expect(check(built.checks, metric, 'tags=a')).toMatchObject({ n: 40, cached_pairs: 25 });
    }
    for (const metric of ['cost', 'quality'] as const) {
      expect(check(built.checks, metric).cached_pairs).toBeUndefined();
    }
  });

  it('says so as the last sentence of the reason, and warns once with each side’s count', () => {
    expect(check(built.checks, 'latency_p95').reason).toMatch(
      /\. 50 of the 80 pairs have an answer from the response cache, whose latency was measured when it was fetched, not alongside the other side's\.$/,
    );
    expect(check(built.checks, 'ttft_p95').reason).toMatch(
      /whose time to first token was measured/,
    );
    expect(check(built.checks, 'quality').reason).not.toMatch(/cache/);
    const warned = built.warnings.filter((w) => w.includes('response cache'));
    expect(warned).toEqual([
      "50 baseline and 0 candidate answer(s) came from the response cache (run.cache): their latency, TTFT and TPOT were measured when they were fetched, not alongside the other side's, so latency p95, TTFT p95, TPOT p95 compare timings from different moments; set `cache: false` on target baseline to time both sides together",
    ]);
  });

  it('leaves the verdicts as the same data without the flag would give', () => {
    const fresh = cases.map((c) => ({ ...c, baseline: { ...c.baseline!, cached: undefined } }));
    const plain = buildChecks(
      fresh,
      settings(TIMED, { slices: { by: ['tags'], min_cases: 20, budgets: TIMED } }),
    );
    expect(plain.checks.map((c) => [c.verdict, c.ci])).toEqual(
      built.checks.map((c) => [c.verdict, c.ci]),
    );
    expect(plain.warnings.some((w) => w.includes('response cache'))).toBe(false);
  });

  it('counts only the pairs the check compares: a failed call with a cached other side is not one', () => {
    const withFailure = cases.map((c, i) =>
      i === 0
        ? {
            ...c,
            candidate: side({ output: null, error: { kind: 'timeout' as const, message: 'slow' } }),
          }
        : c,
    );
    const { checks } = buildChecks(withFailure, settings({ latency_p95: { max_increase: 0.2 } }));
    expect(check(checks, 'latency_p95')).toMatchObject({ n: 79, cached_pairs: 49 });
  });

  it('an answer with only some repeats from the cache counts as cached, and the warning says so', () => {
    // The first 10 candidates had 2 of their 3 repeats from the cache (run.repeats: 3).
    const partly = cases.map((c, i) =>
      i < 10 ? { ...c, candidate: { ...c.candidate!, cached_repeats: 2 } } : c,
    );
    const { checks, warnings } = buildChecks(
      partly,
      settings({ latency_p95: { max_increase: 0.2 } }),
    );
    // The first 10 baselines are cached anyway: the pairs with either side from the cache are 50.
    expect(check(checks, 'latency_p95')).toMatchObject({ n: 80, cached_pairs: 50 });
    const later = cases.map((c, i) =>
      i >= 70 ? { ...c, candidate: { ...c.candidate!, cached_repeats: 1 } } : c,
    );
    const built = buildChecks(later, settings({ latency_p95: { max_increase: 0.2 } }));
    expect(check(built.checks, 'latency_p95')).toMatchObject({ n: 80, cached_pairs: 60 });
    expect(built.warnings.find((w) => w.includes('response cache'))).toMatch(
      /^50 baseline and 10 candidate answer\(s\) came from the response cache \(run\.cache\) \(10 of them in some of their repeats only\): /,
    );
    expect(warnings.find((w) => w.includes('response cache'))).toMatch(/10 of them in some/);
  });

  it('all cached: says "all"', () => {
    const all = cases.map((c) => ({ ...c, baseline: { ...c.baseline!, cached: true } }));
    const { checks } = buildChecks(all, settings({ latency_p95: { max_increase: 0.2 } }));
    expect(check(checks, 'latency_p95').reason).toMatch(
      /All 80 pairs have an answer from the response cache/,
    );
  });
});

describe('the one-line summary of a timing verdict on cached answers', () => {
  it('says how many of its pairs were timed from the cache', () => {
    const rng = createRng(11);
    const slower: CaseReport[] = Array.from({ length: 60 }, (_, i) => {
      const latency = 300 + Math.round(400 * rng());
      return {
        id: `c${i}`,
        slices: [],
        baseline: side({ latency_ms: latency, cached: true }),
        candidate: side({ latency_ms: latency * 2 }),
      };
    });
    const { checks } = buildChecks(slower, settings({ latency_p95: { max_increase: 0.2 } }));
    expect(check(checks, 'latency_p95').verdict).toBe('fail');
    expect(summarize(decide(checks), checks, 0.95)).toMatch(
      /^blocked: latency p95 \+100\.0% \(95% CI .*\) vs the \+20% budget; 60 of its 60 pairs timed from the cache$/,
    );
  });
});

describe('replies without token counts', () => {
  // 60 cases; the candidate is 15% dearer per case, and every third of its replies carried no
  // usage (0 tokens, $0). Counted as $0, it would read about 23% cheaper.
  const rng = createRng(5);
  const noUsage = { input_tokens: 0, output_tokens: 0, cost_usd: 0 };
  const cases: CaseReport[] = Array.from({ length: 60 }, (_, i) => {
    const cost = 0.001 + 0.001 * rng();
    return {
      id: `c${i}`,
      slices: [],
      baseline: side({ cost_usd: cost }),
      candidate: side({ cost_usd: cost * 1.15, ...(i % 3 === 0 ? noUsage : {}) }),
    };
  });

  it('the cost check leaves those pairs out on both sides, and finds the 15% rise', () => {
    const { checks } = buildChecks(cases, settings({ cost: { max_increase: 0.1 } }));
    const cost = check(checks, 'cost');
    expect(cost).toMatchObject({ n: 40, pairs_without_tokens: 20, verdict: 'fail' });
    expect(cost.delta).toBeCloseTo(0.15, 10);
    expect(cost.reason).toMatch(
      /\. 20 pairs left out on both sides because a side's call failed or its reply carried no token counts, so its cost would read as \$0\.$/,
    );
  });

  it('the TPOT check says how many pairs had no time per output token for want of counts', () => {
    const tpotLess = cases.map((c, i) =>
      i % 3 === 0 ? { ...c, candidate: { ...c.candidate!, tpot_ms: undefined } } : c,
    );
    const { checks } = buildChecks(tpotLess, settings({ tpot_p95: { max_increase: 0.2 } }));
    expect(check(checks, 'tpot_p95')).toMatchObject({ n: 40, pairs_without_tokens: 20 });
  });

  it('a failed call costs $0 too: its pair is left out of the cost check as well', () => {
    // Counted, a candidate failing a fifth of its calls read a fifth cheaper; the error rate is
    // its own check.
    const failed = cases.map((c, i) =>
      i === 1
        ? {
            ...c,
            candidate: side({
              ...noUsage,
              output: null,
              error: { kind: 'http_5xx' as const, message: 'x' },
            }),
          }
        : c,
    );
    const { checks } = buildChecks(failed, settings({ cost: { max_increase: 0.1 } }));
    expect(check(checks, 'cost')).toMatchObject({ n: 39, pairs_without_tokens: 21 });
  });

  it('every reply with counts: nothing left out, no field, the same interval as before', () => {
    const counted = cases.map((c) => ({
      ...c,
      candidate: side({ cost_usd: c.baseline!.cost_usd * 1.15 }),
    }));
    const cost = check(
      buildChecks(counted, settings({ cost: { max_increase: 0.1 } })).checks,
      'cost',
    );
    expect(cost.n).toBe(60);
    expect(cost.pairs_without_tokens).toBeUndefined();
    expect(cost.reason).not.toMatch(/left out/);
  });

  it('targetMetrics counts the answers without counts, only when some others had them', () => {
    const t = targetMetrics(cases.map((c) => c.candidate));
    expect(t.answers_without_tokens).toBe(20);
    expect(t.input_tokens).toBe(40 * 52);
    expect(targetMetrics(cases.map((c) => c.baseline)).answers_without_tokens).toBeUndefined();
    // None at all: the side has no token data (no_data says so), not "some missing".
    const none = targetMetrics(cases.map(() => side(noUsage)));
    expect(none.answers_without_tokens).toBeUndefined();
    // A failed call has no reply to carry counts: not counted.
    const failed = targetMetrics([
      side(),
      side({ ...noUsage, output: null, error: { kind: 'timeout', message: 't' } }),
    ]);
    expect(failed.answers_without_tokens).toBeUndefined();
  });

  it('an agent loop with a step that carried no counts counts as without them', () => {
    const step = {
      output: null,
      tool_calls: [],
      latency_ms: 10,
      input_tokens: 30,
      output_tokens: 5,
    };
    const loop = side({
      steps: [step, { ...step, input_tokens: 0, output_tokens: 0 }],
    });
    expect(targetMetrics([side(), loop]).answers_without_tokens).toBe(1);
  });
});

describe('the warning for a side with some answers without token counts', () => {
  const answers = [side(), side({ input_tokens: 0, output_tokens: 0 }), undefined];
  it('names the endpoint for a side that was called, the recording for a recorded baseline', () => {
    expect(partialTokensWarning('candidate', answers, 1, true)).toEqual([
      "the candidate's replies carried no token counts on 1 of its 2 answers (the endpoint left out `usage`, or an http target's usage path found nothing): its token and cost totals count only the others, and the cost check leaves those cases out on both sides",
    ]);
    expect(partialTokensWarning('baseline', answers, 1, false, true)).toEqual([
      'the recorded baseline has no token counts on 1 of its 2 answers: its token and cost totals count only the others',
    ]);
    expect(partialTokensWarning('baseline', answers, undefined, true)).toEqual([]);
  });
});
