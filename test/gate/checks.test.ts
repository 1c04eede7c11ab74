import { describe, expect, it } from 'vitest';
import type { Budgets } from '../../src/config/schema.js';
import { buildChecks, type CheckSettings } from '../../src/gate/checks.js';
import { decide, summarize } from '../../src/gate/decide.js';
import { createRng } from '../../src/stats/rng.js';
import type { CaseReport, Check, MetricName, SideResult } from '../../src/types.js';

// buildChecks end to end on synthetic case reports: per-case results in, verdicts out, with the
// real comparisons and statistics in between.

function side(overrides: Partial<SideResult> = {}): SideResult {
  return {
    output: 'ok',
    score: 1,
    pass: true,
    scores: { exact: 1 },
    latency_ms: 500,
    input_tokens: 50,
    output_tokens: 10,
    cost_usd: 0.0001,
    error: null,
    ...overrides,
  };
}

const scored = (score: number, extra: Partial<SideResult> = {}) =>
  side({ score, pass: score >= 1, ...extra });

/** `n` cases whose baseline varies case to case (score, latency, cost) and a candidate made from it. */
function cases(
  n: number,
  candidate: (base: SideResult, i: number) => SideResult = (b) => ({ ...b }),
  slices: (i: number) => string[] = () => [],
  seed = 99,
): CaseReport[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const baseline = scored(i % 7 === 0 ? 0 : i % 5 === 0 ? 0.5 : 1, {
      latency_ms: Math.round(300 + 700 * rng()),
      cost_usd: 0.0001 + 0.0002 * rng(),
    });
    return { id: `case-${i}`, slices: slices(i), baseline, candidate: candidate(baseline, i) };
  });
}

/** `n` cases the baseline gets all right; the candidate loses those where `lose(i)` holds. */
function flatCases(
  n: number,
  lose: (i: number) => boolean,
  slices: (i: number) => string[] = () => [],
): CaseReport[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `case-${i}`,
    slices: slices(i),
    baseline: scored(1),
    candidate: scored(lose(i) ? 0 : 1),
  }));
}

function settings(budgets: Budgets, extra: Partial<CheckSettings> = {}): CheckSettings {
  return { budgets, confidence: 0.95, minCases: 30, seed: 1, resamples: 500, ...extra };
}

const find = (checks: Check[], metric: MetricName, slice: string | null = null) => {
  const c = checks.find((x) => x.metric === metric && x.slice === slice);
  if (!c) throw new Error(`no ${metric} check for ${slice}`);
  return c;
};

const ZERO: Budgets = {
  quality: { max_drop: 0 },
  pass_rate: { max_drop: 0 },
  latency_p95: { max_increase: 0 },
  cost: { max_increase: 0 },
};

describe('buildChecks', () => {
  it('passes identical sides even with zero budgets: every bound is exactly zero', () => {
    const { checks, warnings } = buildChecks(
      cases(200),
      settings({ ...ZERO, error_rate: { max: 0.05 } }),
    );
    expect(checks.map((c) => [c.metric, c.verdict])).toEqual([
      ['quality', 'pass'],
      ['pass_rate', 'pass'],
      ['latency_p95', 'pass'],
      ['cost', 'pass'],
      ['error_rate', 'pass'],
    ]);
    // Five whole-set checks each plan for a fifth of α: only the 5% ceiling wants more than 200.
    expect(warnings).toEqual([
      expect.stringMatching(
        /^the golden set is too small for the error rate ceiling of 5%: with 200 calls/,
      ),
    ]);
    for (const metric of ['quality', 'pass_rate', 'latency_p95', 'cost'] as const) {
      const c = find(checks, metric);
      expect(c.delta).toBe(0);
      expect(c.ci).toEqual([0, 0]);
      expect(c.n).toBe(200);
    }
    expect(decide(checks)).toBe('pass');
  });

  it('cannot pass a zero error ceiling: no errors in 200 calls still allows a rate of 1.5%', () => {
    const { checks } = buildChecks(cases(200), settings({ error_rate: { max: 0 } }));
    const c = find(checks, 'error_rate');
    expect(c.verdict).toBe('inconclusive');
    // Clopper–Pearson upper bound for 0 of 200 at 95%: 1 − 0.05^(1/200).
    expect(c.ci![1]).toBeCloseTo(1 - 0.05 ** (1 / 200), 6);
  });

  it('fails a clear 10-point quality drop on 200 cases against a 2-point budget', () => {
    // The candidate gets every tenth case wrong that the baseline got right.
    const all = flatCases(200, (i) => i % 10 === 0);
    const { checks } = buildChecks(
      all,
      settings({ quality: { max_drop: 0.02 }, pass_rate: { max_drop: 0.02 } }),
    );
    const q = find(checks, 'quality');
    expect(q.verdict).toBe('fail');
    expect(q.baseline).toBe(1);
    expect(q.candidate).toBeCloseTo(0.9, 12);
    expect(q.delta).toBeCloseTo(-0.1, 12);
    // Paired t bounds, as scipy gives them: mean ∓ t.ppf(0.95, 199) · sd / √200.
    expect(q.ci![0]).toBeCloseTo(-0.135144, 5);
    expect(q.ci![1]).toBeCloseTo(-0.064856, 5);
    expect(q.p_value).toBeLessThan(0.001);
    expect(find(checks, 'pass_rate').verdict).toBe('fail');
    expect(decide(checks)).toBe('fail');
  });

  it('is inconclusive, not a pass, on a small drop the data cannot size', () => {
    const all = flatCases(200, (i) => i % 29 === 1);
    const q = find(buildChecks(all, settings({ quality: { max_drop: 0.02 } })).checks, 'quality');
    // 7 of 200 lost: −3.5 pts, bounds about −5.7..−1.3 straddle the 2-pt budget.
    expect(q.delta).toBeCloseTo(-0.035, 12);
    expect(q.verdict).toBe('inconclusive');
  });

  it('catches a drop confined to one slice while the whole set passes, and skips small slices with a warning', () => {
    // 1000 cases; `billing` holds 40 of them and the candidate loses 12 of those (−30 pts there,
    // −1.2 pts overall). `rare` holds 5. (A failure must survive the weighted Holm procedure: the
    // two slices share 15% of α, 0.00375 each, and with few discordant pairs the exact McNemar
    // bound is used when it is the more cautious, so the slice loses 12 cases here: exact p =
    // (7/12)^12 = 0.0016, where 10 losses would give 0.6^10 = 0.006.)
    const slices = (i: number) => [
      i < 40 ? 'tags=billing' : 'tags=general',
      ...(i >= 40 && i < 45 ? ['tags=rare'] : []),
    ];
    const all = flatCases(1000, (i) => i < 12, slices);
    const { checks, warnings } = buildChecks(
      all,
      settings(
        { quality: { max_drop: 0.02 } },
        { slices: { by: ['tags'], min_cases: 30, budgets: { quality: { max_drop: 0.05 } } } },
      ),
    );
    expect(checks.map((c) => [c.slice, c.verdict, c.n])).toEqual([
      [null, 'pass', 1000],
      ['tags=billing', 'fail', 40],
      ['tags=general', 'pass', 960],
    ]);
    const billing = find(checks, 'quality', 'tags=billing');
    expect(billing.delta).toBeCloseTo(-0.3, 12);
    expect(billing.budget).toBe(0.05);
    expect(billing.p_adjusted).toBeLessThanOrEqual(0.05);
    // The first slice rejected, at its starting share of α: (1 − 0.85) / 2.
    expect(billing.adjustment).toEqual({
      method: 'weighted Holm',
      tests: 3,
      level: 1 - 0.0075 / 2,
    });
    expect(billing.reason).toMatch(
      /^quality \[tags=billing\] -30\.0 pts \(95% CI -\d+\.\d\.\.-\d+\.\d, adjusted for 3 checks; exact McNemar \+ t, 12 discordant pairs\) exceeds .* \(weighted Holm, adjusted p = 0\.0\d\d\)\.$/,
    );
    // The billing slice failed, so no "too small for its budget" warning is raised about it:
    // its paired differences hold the regression it detected.
    expect(warnings).toEqual([
      '1 slice(s) have fewer than slices.min_cases = 30 cases and were not gated: tags=rare (5)',
    ]);
    expect(decide(checks)).toBe('fail');
  });

  it('never passes with fewer cases than min_cases: every check is inconclusive', () => {
    const { checks } = buildChecks(cases(10), settings({ ...ZERO, error_rate: { max: 0.5 } }));
    expect(checks).toHaveLength(5);
    for (const c of checks) {
      expect(c.verdict).toBe('inconclusive');
      expect(c.reason).toMatch(
        /insufficient data: 10 usable (pairs|calls), fewer than the 30 required/,
      );
      // No interval decided it, so none is shown: the summary says what the check says.
      expect(c.ci).toBeNull();
    }
    expect(decide(checks)).toBe('inconclusive');
    expect(summarize('inconclusive', checks, 0.95)).toMatch(
      /^inconclusive: quality: insufficient data: 10 usable pairs, fewer than the 30 required \(min_cases\); about 30 cases would decide it \(and 4 more\)$/,
    );
  });

  it('leaves failed calls out of the latency comparison, but not out of quality', () => {
    // 20 candidate timeouts with a huge recorded latency must not make p95 look slower.
    const all = cases(200, (b, i) =>
      i % 10 === 3
        ? {
            ...b,
            output: null,
            score: 0,
            pass: false,
            latency_ms: 60_000,
            error: { kind: 'timeout', message: 't' },
          }
        : { ...b },
    );
    const { checks } = buildChecks(
      all,
      settings({ latency_p95: { max_increase: 0 }, quality: { max_drop: 0.5 } }),
    );
    const latency = find(checks, 'latency_p95');
    expect(latency.n).toBe(180);
    expect(latency.delta).toBe(0);
    expect(latency.verdict).toBe('pass');
    expect(find(checks, 'quality').n).toBe(200);
  });

  it('leaves cases whose baseline failed out of quality, so two outages never look like agreement', () => {
    const failed = (b: SideResult): SideResult => ({
      ...b,
      output: null,
      score: 0,
      pass: false,
      error: { kind: 'timeout', message: 't' },
    });
    // Every call on both sides failed: nothing was compared, so nothing may pass.
    const dead = cases(60, (b) => failed(b)).map((c) => ({ ...c, baseline: failed(c.baseline!) }));
    const { checks, warnings } = buildChecks(
      dead,
      settings({ quality: { max_drop: 0.02 }, pass_rate: { max_drop: 0.02 } }),
    );
    expect(find(checks, 'quality')).toMatchObject({ n: 0, verdict: 'inconclusive' });
    expect(find(checks, 'pass_rate')).toMatchObject({ n: 0, verdict: 'inconclusive' });
    expect(decide(checks)).toBe('inconclusive');
    expect(warnings).toContain(
      '60 case(s) where the baseline call failed were left out of the quality and pass-rate comparisons',
    );

    // Baseline failures alone drop out; the candidate is judged on the rest.
    const some = cases(200).map((c, i) => (i < 20 ? { ...c, baseline: failed(c.baseline!) } : c));
    const q = find(buildChecks(some, settings({ quality: { max_drop: 0.02 } })).checks, 'quality');
    expect(q).toMatchObject({ n: 180, delta: 0, verdict: 'pass' });
  });

  it('leaves out baseline answers no scorer could score: a runaway scorer on both sides is no agreement', () => {
    const unscored = (b: SideResult): SideResult => ({
      ...b,
      score: 0,
      pass: false,
      error: { kind: 'scorer_timeout', message: 'did not finish' },
    });
    const stuck = cases(60, (b) => unscored(b)).map((c) => ({
      ...c,
      baseline: unscored(c.baseline!),
    }));
    const { checks, warnings } = buildChecks(stuck, settings({ quality: { max_drop: 0.02 } }));
    expect(find(checks, 'quality')).toMatchObject({ n: 0, verdict: 'inconclusive' });
    expect(warnings).toContain(
      '60 case(s) whose baseline answer could not be scored (scorer or judge failed) were left out of the quality and pass-rate comparisons',
    );
    // The candidate's own unscorable answers stay in, at 0: its output may be what broke the scorer.
    const candOnly = cases(200).map((c, i) =>
      i < 40 ? { ...c, candidate: unscored(c.candidate!) } : c,
    );
    const q = find(
      buildChecks(candOnly, settings({ quality: { max_drop: 0.02 } })).checks,
      'quality',
    );
    expect(q.n).toBe(200);
    expect(q.verdict).toBe('fail');
  });

  it('judges the error rate on every candidate call, paired or not', () => {
    const all = cases(300, (b, i) =>
      i < 15 ? { ...b, output: null, error: { kind: 'http_5xx', message: '503' } } : { ...b },
    );
    for (const c of all.slice(200)) delete c.baseline; // 100 cases only the candidate answered
    all[0]!.candidate!.error = { kind: 'scorer', message: 'judge broke' }; // ours, not the endpoint's
    const { checks } = buildChecks(
      all,
      settings({ error_rate: { max: 0.01 }, quality: { max_drop: 1 } }),
    );
    const e = find(checks, 'error_rate');
    expect(e).toMatchObject({ n: 300, baseline: 0, verdict: 'fail' });
    expect(e.candidate).toBeCloseTo(14 / 300, 12);
    expect(find(checks, 'quality').n).toBe(200);
  });

  it('cannot judge a relative cost change from a baseline that cost nothing', () => {
    const all = cases(100, (b) => ({ ...b, cost_usd: 0.001 }));
    for (const c of all) c.baseline!.cost_usd = 0;
    const cost = find(buildChecks(all, settings({ cost: { max_increase: 0.1 } })).checks, 'cost');
    expect(cost.verdict).toBe('inconclusive');
    expect(cost.reason).toMatch(/baseline value is zero/);
  });

  it('fails a clear latency and cost increase', () => {
    const all = cases(300, (b) => ({
      ...b,
      latency_ms: b.latency_ms * 1.5,
      cost_usd: b.cost_usd * 1.3,
    }));
    const { checks } = buildChecks(
      all,
      settings({ latency_p95: { max_increase: 0.2 }, cost: { max_increase: 0.1 } }),
    );
    expect(find(checks, 'latency_p95')).toMatchObject({ verdict: 'fail' });
    expect(find(checks, 'latency_p95').delta).toBeCloseTo(0.5, 12);
    expect(find(checks, 'cost')).toMatchObject({ verdict: 'fail' });
    expect(find(checks, 'cost').delta).toBeCloseTo(0.3, 12);
  });

  describe('bootstrap determinism', () => {
    // A noisy candidate: each case's latency and cost move by up to ±30%.
    const noise = createRng(5);
    const all = cases(
      150,
      (b) => ({
        ...b,
        latency_ms: b.latency_ms * (0.7 + 0.6 * noise()),
        cost_usd: b.cost_usd * (0.7 + 0.6 * noise()),
      }),
      (i) => [i % 2 ? 'tags=odd' : 'tags=even'],
    );
    const budgets: Budgets = { latency_p95: { max_increase: 0.1 }, cost: { max_increase: 0.1 } };
    const slices = { by: ['tags'], min_cases: 30, budgets };

    it('gives the same checks for the same seed, and other bounds for another seed', () => {
      const a = buildChecks(all, settings(budgets, { seed: 7 })).checks;
      const b = buildChecks(all, settings(budgets, { seed: 7 })).checks;
      const c = buildChecks(all, settings(budgets, { seed: 8 })).checks;
      expect(b).toEqual(a);
      for (const metric of ['latency_p95', 'cost'] as const) {
        // The point estimate does not depend on the seed; the resampled bounds do.
        expect(find(c, metric).delta).toBe(find(a, metric).delta);
        expect(find(c, metric).ci).not.toEqual(find(a, metric).ci);
      }
    });

    it('does not change a check when slices are added beside it', () => {
      const alone = buildChecks(all, settings(budgets, { seed: 7 })).checks;
      const withSlices = buildChecks(all, settings(budgets, { seed: 7, slices })).checks;
      expect(withSlices).toHaveLength(6);
      // Only what the family decides depends on it (2 checks, then 6): the adjusted p-value and
      // the level of the optimistic end (with the reason that states it); the pessimistic end,
      // the p-value and the verdict stay.
      const drop = (checks: Check[]) =>
        checks.map(({ p_adjusted: _, adjustment: __, reason: ___, ci, ...rest }) => ({
          ...rest,
          pessimistic: ci![1],
        }));
      expect(drop(withSlices.slice(0, 2))).toEqual(drop(alone));
      expect(alone.map((c) => c.adjustment?.level)).toEqual([0.975, 0.975]);
      expect(withSlices.slice(0, 2).map((c) => c.adjustment?.level)).toEqual([
        1 - (0.85 / 2) * 0.05,
        1 - (0.85 / 2) * 0.05,
      ]);
      for (const [a, w] of alone.map((c, i) => [c, withSlices[i]!] as const))
        expect(w.ci![0]).toBeLessThanOrEqual(a.ci![0]);
    });
  });
});
