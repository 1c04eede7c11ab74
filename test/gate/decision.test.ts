import { describe, expect, it } from 'vitest';
import type { Budgets } from '../../src/config/schema.js';
import { buildChecks, type CheckSettings } from '../../src/gate/checks.js';
import { decide, summarize } from '../../src/gate/decide.js';
import { applyMultiplicity } from '../../src/gate/multiplicity.js';
import { powerEntry, powerWarnings } from '../../src/gate/power.js';
import { judge } from '../../src/gate/verdict.js';
import { createRng } from '../../src/stats/rng.js';
import type { CaseReport, Check, MetricName, SideResult } from '../../src/types.js';
import { judgedDrop } from './judged.js';

// The decision's additions for issue 5: streaming latencies, drift, clusters, multiplicity,
// power.

function side(o: Partial<SideResult> = {}): SideResult {
  return {
    output: 'ok',
    score: 1,
    pass: true,
    scores: {},
    latency_ms: 500,
    input_tokens: 10,
    output_tokens: 10,
    cost_usd: 0.001,
    error: null,
    ...o,
  };
}

function settings(budgets: Budgets, extra: Partial<CheckSettings> = {}): CheckSettings {
  return { budgets, confidence: 0.95, minCases: 30, seed: 1, resamples: 500, ...extra };
}

const find = (checks: Check[], metric: MetricName, slice: string | null = null) =>
  checks.find((c) => c.metric === metric && c.slice === slice)!;

describe('streaming latencies', () => {
  const rng = createRng(4);
  const cases: CaseReport[] = Array.from({ length: 200 }, (_, i) => {
    const ttft = 100 + 200 * rng();
    const tpot = 5 + 5 * rng();
    return {
      id: `c${i}`,
      slices: [],
      baseline: side({ ttft_ms: ttft, tpot_ms: tpot }),
      candidate: side({ ttft_ms: ttft * 1.5, tpot_ms: tpot }),
    };
  });

  it('gates TTFT and TPOT p95 as relative changes, like latency', () => {
    const { checks } = buildChecks(
      cases,
      settings({ ttft_p95: { max_increase: 0.2 }, tpot_p95: { max_increase: 0.1 } }),
    );
    expect(find(checks, 'ttft_p95')).toMatchObject({
      verdict: 'fail',
      n: 200,
      method: 'paired bootstrap',
    });
    expect(find(checks, 'ttft_p95').delta).toBeCloseTo(0.5, 12);
    expect(find(checks, 'ttft_p95').reason).toMatch(
      /^TTFT p95 \+50\.0% \(95% CI \+50\.0%\.\.\+50\.0%, adjusted for 2 checks; paired bootstrap\) exceeds the \+20% budget/,
    );
    expect(find(checks, 'tpot_p95')).toMatchObject({ verdict: 'pass', delta: 0 });
  });

  it('says "insufficient data" when the targets did not stream', () => {
    const plain = cases.map((c) => ({ ...c, baseline: side(), candidate: side() }));
    const c = find(
      buildChecks(plain, settings({ ttft_p95: { max_increase: 0.2 } })).checks,
      'ttft_p95',
    );
    expect(c.verdict).toBe('inconclusive');
    expect(c.reason).toMatch(/^TTFT p95: insufficient data: 0 usable pairs/);
  });
});

describe('drift', () => {
  it('checks the score distribution, and the labels when a classification scorer gave them', () => {
    const labels = ['a', 'b', 'c'];
    const cases: CaseReport[] = Array.from({ length: 300 }, (_, i) => {
      const l = labels[i % 3]!;
      // The candidate answers "a" for most "b" cases: accuracy drops, predictions shift.
      const p = l === 'b' && i % 2 === 0 ? 'a' : l;
      return {
        id: `c${i}`,
        slices: [],
        baseline: side({ label: { expected: l, predicted: l } }),
        candidate: side({
          label: { expected: l, predicted: p },
          score: p === l ? 1 : 0,
          pass: p === l,
        }),
      };
    });
    const { checks } = buildChecks(cases, settings({ drift: { max_psi: 0.05 } }));
    expect(checks.map((c) => c.metric)).toEqual(['drift', 'label_drift']);
    expect(find(checks, 'label_drift')).toMatchObject({ verdict: 'fail', n: 300 });
    expect(find(checks, 'label_drift').reason).toMatch(
      /^label drift PSI 0\.\d{3} \(95% CI 0\.\d{3}\.\.0\.\d{3}, adjusted for 2 checks; PSI, paired bootstrap, 3 labels\) exceeds the PSI ≤ 0\.05 budget: even the optimistic bound is a larger shift than allowed \(weighted Holm, adjusted p [<=] [\d.]+\)\.$/,
    );
    // Without labels there is no label check.
    const bare = cases.map((c) => ({ ...c, baseline: side(), candidate: side() }));
    expect(
      buildChecks(bare, settings({ drift: { max_psi: 0.05 } })).checks.map((c) => c.metric),
    ).toEqual(['drift']);
  });
});

describe('clusters', () => {
  it('uses cluster-robust bounds when cases carry a cluster, and resamples clusters', () => {
    const rng = createRng(6);
    const cases: CaseReport[] = Array.from({ length: 120 }, (_, i) => ({
      id: `c${i}`,
      slices: [],
      cluster: `metadata.conversation=${Math.floor(i / 4)}`,
      baseline: side({ score: rng(), latency_ms: 100 + rng() * 900 }),
      candidate: side({ score: rng(), latency_ms: 100 + rng() * 900 }),
    }));
    const { checks } = buildChecks(
      cases,
      settings({ quality: { max_drop: 0.1 }, latency_p95: { max_increase: 0.5 } }),
    );
    expect(find(checks, 'quality')).toMatchObject({ method: 'cluster-robust t', clusters: 30 });
    expect(find(checks, 'quality').reason).toMatch(/; cluster-robust t, 30 clusters\)/);
    expect(find(checks, 'latency_p95')).toMatchObject({
      method: 'cluster bootstrap',
      clusters: 30,
    });
  });
});

const judged = (p: number, slice: string | null) => judgedDrop(p, slice);

describe('the multiplicity procedure', () => {
  it('is Holm among slices alone; a fail it rejects stands, one it does not is an explained inconclusive', () => {
    const out = applyMultiplicity(
      [judged(0.01, 'tags=a'), judged(0.04, 'tags=b'), judged(0.999, 'tags=c')],
      0.95,
    );
    // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.999], method='holm')[1]
    expect(out.map((c) => c.p_adjusted)).toEqual(
      [0.03, 0.08, 0.999].map((p) => expect.closeTo(p, 12)),
    );
    expect(out.map((c) => c.verdict)).toEqual(['fail', 'inconclusive', 'pass']);
    // Rejected first, at a third of α; the others end at half of it.
    expect(out.map((c) => c.adjustment?.level)).toEqual(
      [1 - 0.05 / 3, 0.975, 0.975].map((l) => expect.closeTo(l, 12)),
    );
    expect(out[0]!.reason).toBe(
      'quality [tags=a] -4.3 pts (95% CI -6.0..-2.2, adjusted for 3 checks; paired t) exceeds the 2 pts budget: even the optimistic bound is a larger drop than allowed (weighted Holm, adjusted p = 0.030).',
    );
    expect(out[1]!.reason).toBe(
      'quality [tags=b] -3.8 pts exceeds the 2 pts budget on its own (unadjusted 95% bound -2.1 pts, p = 0.040; paired t), but not once adjusted for 3 checks (95% CI -5.4..-1.8; weighted Holm, adjusted p = 0.080), so it does not block.',
    );
    // The shown interval straddles the budget: its upper end is above -2 pts.
    expect(out[1]!.ci![1]).toBeGreaterThan(-0.02);
    expect(decide(out)).toBe('fail');
  });

  it('gives the whole set its fixed share of α, however many slices there are', () => {
    // The whole-set check at p = 0.04 fails with ten slices beside it (0.04 ≤ 0.85·α), where
    // Holm over eleven checks would need 0.05 / 11.
    const slices = Array.from({ length: 10 }, (_, i) => judged(0.3 + i / 20, `tags=s${i}`));
    const out = applyMultiplicity([judged(0.04, null), ...slices], 0.95);
    expect(out[0]).toMatchObject({
      verdict: 'fail',
      adjustment: {
        method: 'weighted Holm',
        tests: 11,
        level: expect.closeTo(1 - 0.85 * 0.05, 12),
      },
    });
    expect(out[0]!.p_adjusted).toBeCloseTo(0.04 / 0.85, 12);
    // Once the whole set is rejected its share passes to the slices: each is tested at α / 10.
    expect(out.slice(1).map((c) => c.adjustment!.level)).toEqual(
      slices.map(() => expect.closeTo(1 - 0.05 / 10, 12)),
    );
  });

  it('leaves checks without evidence out of the family', () => {
    const tooFew = judged(0.001, 'tags=x');
    tooFew.input.minCases = 500; // n = 300: insufficient data
    tooFew.check = judge(tooFew.input);
    const out = applyMultiplicity([tooFew, judged(0.03, 'tags=y')], 0.95);
    expect(out[0]).toMatchObject({ verdict: 'inconclusive', p_adjusted: null, ci: null });
    expect(out[0]).not.toHaveProperty('adjustment');
    // Alone in the family: no adjustment, the interval at the confidence.
    expect(out[1]).toMatchObject({ verdict: 'fail', p_adjusted: 0.03 });
    expect(out[1]).not.toHaveProperty('adjustment');
    expect(out[1]!.reason).not.toMatch(/adjust|Holm/);
  });
});

describe('power', () => {
  it('states the detectable change per check, in the summary, and warns when the set is too small', () => {
    // 200 cases, independent 85% answers: SD of a paired difference about 0.5.
    const rng = createRng(12);
    const cases: CaseReport[] = Array.from({ length: 200 }, (_, i) => {
      const b = rng() < 0.85 ? 1 : 0;
      const c = rng() < 0.85 ? 1 : 0;
      return {
        id: `c${i}`,
        slices: [],
        baseline: side({ score: b, pass: b === 1 }),
        candidate: side({ score: c, pass: c === 1 }),
      };
    });
    const { checks, warnings, power } = buildChecks(
      cases,
      settings({ quality: { max_drop: 0.02 } }),
    );
    const q = find(checks, 'quality');
    const entry = power.checks[0]!;
    expect(power).toMatchObject({ power: 0.8, confidence: 0.95 });
    expect(entry).toMatchObject({ metric: 'quality', slice: null, n: 200, budget: 0.02 });
    expect(q.mde).toBe(entry.mde);
    expect(entry.detectable_drop).toBeCloseTo(0.02 + entry.mde!, 15);
    expect(entry.mde).toBeGreaterThan(0.06);
    expect(entry.cases_to_fail!).toBeGreaterThan(entry.cases_to_pass!);
    expect(entry.cases_needed!).toBeGreaterThan(3000);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^the golden set is too small for the 2 pts quality budget: with 200 cases \(SD of paired differences 0\.\d\d\) the smallest change detectable at 80% power is \d+\.\d pts; about [\d,]+ cases would let an unchanged candidate pass and [\d,]+ would block a 4 pts regression \(80% of the time each\)$/,
      ),
    ]);
    const summary = summarize(decide(checks), checks, 0.95);
    expect(summary).toMatch(/; 80% power to block a quality drop of \d+\.\d pts$/);
  });

  it('warns that a zero budget can only pass an unchanged candidate by luck', () => {
    const entry = powerEntry(
      'quality',
      null,
      {
        baseline: 0.8,
        candidate: 0.8,
        delta: 0,
        ci: [-0.01, 0.01],
        regression: [-0.01, 0.01],
        p_value: 0.5,
        n: 1000,
        se: 0.01,
        sd: 0.316,
        df: 999,
      },
      0,
      0.95,
    )!;
    expect(entry.cases_needed).toBeNull();
    expect(powerWarnings({ power: 0.8, confidence: 0.95, checks: [entry] })).toEqual([
      'a zero quality budget passes an unchanged candidate only about 5% of the time when answers vary (SD of paired differences 0.32): 1000 cases can resolve a budget of 2.5 pts at 80% power',
    ]);
  });
});
