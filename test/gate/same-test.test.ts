import { describe, expect, it } from 'vitest';
import type { Budgets } from '../../src/config/schema.js';
import { buildChecks, type CheckSettings } from '../../src/gate/checks.js';
import { applyMultiplicity, type Judged } from '../../src/gate/multiplicity.js';
import { holmAdjust } from '../../src/stats/holm.js';
import type { CaseReport, MetricName, SideResult } from '../../src/types.js';
import { side as answer } from '../report/fixture.js';
import { judgedDrop } from './judged.js';

// On 0/1 scores quality and pass rate are one test: it takes one place in the family.

const judged = (metric: MetricName, p: number, slice: string, test?: string): Judged =>
  judgedDrop(p, slice, { metric, ...(test ? { test } : {}) });

/** The family size the procedure used, read from a check's reason. */
const familySize = (reason: string) =>
  Number(/adjusted for (\d+) (?:check|test)s?\b/.exec(reason)?.[1]);

describe('the same test counts once in the family', () => {
  // Two slices, each with quality and pass rate on the same 0/1 data, and one latency check.
  const family = (shared: number): Judged[] => [
    judged('quality', 0.012, 'tags=a', shared >= 1 ? 'a' : undefined),
    judged('pass_rate', 0.012, 'tags=a', shared >= 1 ? 'a' : undefined),
    judged('quality', 0.02, 'tags=b', shared >= 2 ? 'b' : undefined),
    judged('pass_rate', 0.02, 'tags=b', shared >= 2 ? 'b' : undefined),
    judged('latency_p95', 0.03, 'tags=a'), // worded as a drop, which does not matter here
  ];

  it('drops m by one per duplicated pair', () => {
    const at = (shared: number) => applyMultiplicity(family(shared), 0.5);
    expect(at(0).map((c) => familySize(c.reason))).toEqual([5, 5, 5, 5, 5]);
    expect(at(0).map((c) => c.adjustment?.tests)).toEqual([5, 5, 5, 5, 5]);
    expect(familySize(at(1)[0]!.reason)).toBe(4);
    expect(familySize(at(2)[0]!.reason)).toBe(3);
    expect(at(2)[0]!.reason).toMatch(/, adjusted for 3 tests;/);
  });

  it("gives each pair the adjusted p Holm gives the de-duplicated family, and the pair's verdicts follow", () => {
    // Slices only: one group, so the procedure is Holm's.
    const close = (ps: number[]) => ps.map((p) => expect.closeTo(p, 12));
    const out = applyMultiplicity(family(2), 0.95);
    const [a, b, lat] = holmAdjust([0.012, 0.02, 0.03]); // [0.036, 0.04, 0.04]
    expect(out.map((c) => c.p_adjusted)).toEqual(close([a!, a!, b!, b!, lat!]));
    expect(out.every((c) => c.verdict === 'fail')).toBe(true);
    // Counted twice, the same data would have been held back: Holm over five gives 0.06 each.
    const twice = applyMultiplicity(family(0), 0.95);
    expect(twice.map((c) => c.p_adjusted)).toEqual(
      close(holmAdjust([0.012, 0.012, 0.02, 0.02, 0.03])),
    );
    expect(twice.every((c) => c.verdict === 'inconclusive')).toBe(true);
  });
});

describe('buildChecks marks quality and pass rate as one test only when they are', () => {
  const side = (score: number, pass = score >= 1): SideResult => answer({ score, pass });
  // 200 cases: the candidate loses 20 of the baseline's right answers, in slice s1 only.
  const cases = (score: (i: number, right: boolean) => SideResult): CaseReport[] =>
    Array.from({ length: 200 }, (_, i) => ({
      id: `c${i}`,
      slices: [`tags=s${i % 2}`],
      baseline: score(i, true),
      candidate: score(i, !(i % 2 === 1 && i % 10 === 1) && i % 7 !== 3),
    }));
  const settings = (budgets: Budgets): CheckSettings => ({
    budgets,
    confidence: 0.95,
    minCases: 30,
    seed: 1,
    resamples: 500,
    slices: { by: ['tags'], min_cases: 20, budgets },
  });
  const same: Budgets = { quality: { max_drop: 0.02 }, pass_rate: { max_drop: 0.02 } };
  const binary = (_: number, right: boolean) => side(right ? 1 : 0);

  it('on 0/1 scores with equal budgets: identical checks, one adjusted p, said in the reason', () => {
    const { checks } = buildChecks(cases(binary), settings(same));
    for (const slice of [null, 'tags=s0', 'tags=s1']) {
      const q = checks.find((c) => c.metric === 'quality' && c.slice === slice)!;
      const p = checks.find((c) => c.metric === 'pass_rate' && c.slice === slice)!;
      expect(q.reason).toMatch(/the same test as pass rate\)/);
      expect(p.reason).toMatch(/the same test as quality\)/);
      expect(p.method).toBe(q.method);
      expect(q.method).not.toMatch(/same test/);
      expect(p.p_value).toBe(q.p_value);
      expect(p.ci).toEqual(q.ci);
      expect(p.p_adjusted).toBe(q.p_adjusted);
      expect(p.verdict).toBe(q.verdict);
    }
    const failing = checks.find((c) => c.verdict === 'fail')!;
    expect(failing.reason).toMatch(/, adjusted for 3 tests;/);
    expect(failing.reason).toMatch(/; paired t, the same test as (quality|pass rate)\)/);
  });

  it('keeps two tests where a score is fractional, a pass is not a score of 1, or the budgets differ', () => {
    // Case 0 sits in slice s0, case 3 in s1: the other slice stays 0/1 and keeps one test.
    const fractional = (i: number, right: boolean) => side(right ? (i === 0 ? 0.5 : 1) : 0);
    const lenient = (i: number, right: boolean) => side(right ? 1 : 0, right || i === 3);
    for (const [data, budgets, binarySlice, m] of [
      [cases(fractional), same, 'tags=s1', 5],
      [cases(lenient), same, 'tags=s0', 5],
      [cases(binary), { ...same, pass_rate: { max_drop: 0.03 } }, null, 6],
    ] as const) {
      const { checks } = buildChecks(data, settings(budgets));
      const marked = checks.filter((c) => c.reason.includes('same test')).map((c) => c.slice);
      expect(marked).toEqual(binarySlice ? [binarySlice, binarySlice] : []);
      const failing = checks.find((c) => c.metric === 'quality' && c.slice === 'tags=s1')!;
      expect(failing.verdict).toBe('fail');
      expect(familySize(failing.reason)).toBe(m);
    }
  });

  it('gives pass rate alone on 0/1 scores the comparison it has beside quality', () => {
    const small = cases(binary).slice(0, 24); // under 30 pairs: the seeded bootstrap
    const s = { ...settings(same), minCases: 10, slices: undefined };
    const both = buildChecks(small, s).checks.find((c) => c.metric === 'pass_rate')!;
    const alone = buildChecks(small, { ...s, budgets: { pass_rate: same.pass_rate } }).checks[0]!;
    expect(alone.ci).toEqual(both.ci);
    expect(alone.p_value).toBe(both.p_value);
  });
});
