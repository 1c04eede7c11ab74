import { pastBudget } from '../stats/past-budget.js';
import type { Check, MetricName, Verdict } from '../types.js';
import { judge, type VerdictInput } from './verdict.js';

/**
 * How the family is tested at one look of a sequential run (see gate/sequential.ts): each check
 * at its group-sequential level for its share of α, a check settled at an earlier look as it was.
 */
export interface LookLevels {
  /** The design's α (1 − the gate's confidence): what adjusted p-values are compared with. */
  alpha: number;
  /** The one-sided level of a check's optimistic end at a share `weight` of α at this look. */
  failLevel(weight: number): number;
  /**
   * A check settled at an earlier look: `fail` stays rejected (its share of α passes on, as in
   * Maurer & Bretz 2013), `pass` stays open and never rejects (it keeps its share).
   */
  settled?(metric: MetricName, slice: string | null): Verdict | undefined;
}

export interface Judged {
  input: VerdictInput;
  check: Check;
  /**
   * Checks with the same key are one test (quality and pass rate on the same 0/1 scores with the
   * same budget: identical differences, identical p-value) and take one place in the family.
   */
  test?: string;
}

/**
 * The share of α the whole-set checks hold together while any slice check is still open; the
 * slices share the rest. Chosen by simulation (test/simulation/slices-multiplicity.test.ts):
 * with ten slices added, the whole-set quality check's power drops by at most about 0.03 at any
 * effect size, well inside the 0.05 allowed, and the slices keep a real share of α.
 */
export const WHOLE_SET_SHARE = 0.85;

/**
 * A test's share of α before anything is rejected (the least it is ever tested at), for a family
 * of `wholeTests` whole-set tests and `sliceTests` slice tests: what power and cases-needed
 * figures, and the number of resamples, must plan for.
 */
export function initialShare(whole: boolean, wholeTests: number, sliceTests: number): number {
  if (whole) return (sliceTests > 0 ? WHOLE_SET_SHARE : 1) / Math.max(1, wholeTests);
  return (wholeTests > 0 ? 1 - WHOLE_SET_SHARE : 1) / Math.max(1, sliceTests);
}

/** One hypothesis of the family, as the procedure sees it. */
export interface FamilyTest {
  /** A whole-set check (else a slice check): the two groups that share α. */
  whole: boolean;
  /** The test's own p-value. */
  p: number;
  /** Whether the test rejects at a share `weight` of α (its bound at 1 − weight·α is past the budget). */
  rejects: (weight: number) => boolean;
}

export interface FamilyOutcome {
  rejected: boolean;
  /** The share of α the test was rejected at, or, when it was not, its share at the end. */
  weight: number;
  /** The procedure's adjusted p-value (Bretz et al. 2009): at most α exactly when rejected. */
  pAdjusted: number;
}

/**
 * Each open test's share of α: the whole-set tests split `share` equally and the slice tests
 * split 1 − share, unless one group has nothing open, when the other splits all of it. Removing a
 * test never lowers another's share, which is what makes the step-down shortcut below exact.
 */
function shares(open: readonly FamilyTest[], share: number): number[] {
  const whole = open.filter((t) => t.whole).length;
  const slices = open.length - whole;
  const wholeEach = (slices ? share : 1) / whole;
  const sliceEach = (whole ? 1 - share : 1) / slices;
  return open.map((t) => (t.whole ? wholeEach : sliceEach));
}

/**
 * Weighted Holm with two groups: the graphical procedure of Bretz, Maurer, Brannath & Posch
 * (2009) in which each whole-set test passes its weight to the other whole-set tests when it is
 * rejected, each slice test to the other slices, and a group passes its weight to the other group
 * only once all of it is rejected (the ε-edges between groups). It is the closed test of weighted
 * Bonferroni tests with the weights of {@link shares}, which never fall when a hypothesis leaves,
 * so rejecting step by step is the whole closed test and the chance of any false rejection stays
 * at most α whatever the dependence between the tests. With one group only it is Holm's
 * procedure.
 *
 * Rejections are decided by `rejects` (the bounds the checks show), in rounds at the current
 * shares until a round rejects nothing. The adjusted p-values follow the paper's algorithm on the
 * p-values; they agree with the bounds up to rounding, and where rounding at the boundary would
 * let them disagree they are moved to the side the bounds decided, so a report never says both.
 */
export function weightedHolm(
  tests: readonly FamilyTest[],
  alpha: number,
  share = WHOLE_SET_SHARE,
): FamilyOutcome[] {
  const out = tests.map(() => ({ rejected: false, weight: 1, pAdjusted: 1 }));
  let open = tests.map((_, i) => i);
  for (;;) {
    const w = shares(
      open.map((i) => tests[i]!),
      share,
    );
    open.forEach((i, k) => {
      out[i]!.weight = w[k]!;
    });
    const now = open.filter((i, k) => tests[i]!.rejects(w[k]!));
    if (now.length === 0) break;
    for (const i of now) out[i]!.rejected = true;
    open = open.filter((i) => !out[i]!.rejected);
  }

  let left = tests.map((_, i) => i);
  let running = 0;
  while (left.length > 0) {
    const w = shares(
      left.map((i) => tests[i]!),
      share,
    );
    let best = 0;
    for (let k = 1; k < left.length; k++)
      if (tests[left[k]!]!.p / w[k]! < tests[left[best]!]!.p / w[best]!) best = k;
    const i = left[best]!;
    running = Math.max(running, Math.min(1, tests[i]!.p / w[best]!));
    const o = out[i]!;
    o.pAdjusted = o.rejected ? Math.min(running, alpha) : running > alpha ? running : next(alpha);
    left = left.filter((_, k) => k !== best);
  }
  return out;
}

/** The smallest double above `x` (> 0): a p-value just past α. */
function next(x: number): number {
  return x + x * Number.EPSILON;
}

/**
 * The multiplicity step: every check that can fail (each metric on the whole set and on every
 * slice, with an interval and at least min_cases pairs) is one hypothesis of a weighted Holm
 * family at α = 1 − confidence (see {@link weightedHolm}), so adding slices or budgets does not
 * add false blocks and does not dilute the whole-set checks beyond their fixed share. Each check
 * is then judged again on the interval it was tested with: its optimistic end at one-sided level
 * 1 − weight·α, so the interval shown is the one the verdict is based on; it gets the adjusted
 * p-value and, when the family has more than one test, says it was adjusted.
 *
 * Two checks that are the same test (`Judged.test`) count once: counting a hypothesis twice would
 * only spend α on it twice and make every other check harder to fail. They share the outcome.
 *
 * The pass side needs no correction: the gate passes only when EVERY check passes, and a pass
 * needs each check's pessimistic bound within budget. Wrongly passing means wrongly passing some
 * check whose true regression exceeds its budget, which happens with probability at most α for
 * that check alone; requiring all of them can only make it rarer (the intersection–union
 * principle, Berger 1982). Correcting there would only make real passes harder to reach.
 */
export function applyMultiplicity(
  judged: Judged[],
  confidence: number,
  look?: LookLevels,
): Check[] {
  const alpha = look ? look.alpha : 1 - confidence;
  const testable = ({ input: { comparison: c, minCases }, check }: Judged) =>
    c.regression !== null && c.p_value !== null && c.n >= minCases && check.ci !== null;
  // A check already judged without an interval (no data for it) stays out, as it is. At a look
  // it stays in, never rejecting: the family is the one the whole run plans for, so a check
  // still short of data does not hand its share of α to the others at an early look.
  const family = look ? judged : judged.filter(testable);
  const slots = new Map<string | Judged, Judged[]>();
  for (const j of family) {
    const key = j.test ?? j;
    const slot = slots.get(key);
    if (slot) slot.push(j);
    else slots.set(key, [j]);
  }
  const members = [...slots.values()];
  // Weight 1 is the unadjusted test: its level is the confidence itself, not 1 − (1 − confidence).
  const levelOf = look
    ? look.failLevel
    : (weight: number) => (weight >= 1 ? confidence : 1 - weight * alpha);
  const outcomes = weightedHolm(
    members.map((t) => {
      const { comparison: c, budget, slice, metric } = t[0]!.input;
      const settled = look?.settled?.(metric, slice);
      if (settled || !testable(t[0]!))
        return {
          whole: slice === null,
          p: settled === 'fail' ? 0 : 1,
          rejects: () => settled === 'fail',
        };
      return {
        whole: slice === null,
        p: c.p_value!,
        rejects: (weight) => {
          const level = levelOf(weight);
          const bound = level === confidence ? c.regression![0] : c.optimisticAt!(level);
          return pastBudget(bound, budget);
        },
      };
    }),
    alpha,
  );
  const m = members.length;
  const unit = m === family.length ? 'check' : 'test';
  const tested = new Map(
    members.flatMap((t, i) => {
      const o = outcomes[i]!;
      return t.map((j) => [j, { level: levelOf(o.weight), pAdjusted: o.pAdjusted }] as const);
    }),
  );
  return judged.map((j) => {
    const t = tested.get(j);
    if (!t || !testable(j)) return { ...j.check, p_adjusted: null };
    const { adjustment, ...rejudged } = judge(j.input, { ...t, tests: m, unit });
    return {
      ...j.check,
      ...rejudged,
      p_adjusted: t.pAdjusted,
      ...(adjustment ? { adjustment } : {}),
    };
  });
}
