import { holmAdjust } from '../stats/index.js';
import type { Check } from '../types.js';
import { budgetText, changeText, type VerdictInput } from './verdict.js';

export interface Judged {
  input: VerdictInput;
  check: Check;
  /**
   * Checks with the same key are one test (quality and pass rate on the same 0/1 scores with the
   * same budget: identical differences, identical p-value) and take one place in the family.
   */
  test?: string;
}

function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`;
}

/**
 * Holm's correction across every check that can fail (all metrics on the whole set and on every
 * slice that has a p-value), at α = 1 − confidence: a check keeps a `fail` only if Holm rejects
 * it, so adding slices or budgets does not add false blocks — the chance that ANY check blocks
 * an equally good candidate stays at most α. Each check gets its adjusted p-value; a failing
 * check says it, and one that Holm stopped says why it is inconclusive instead.
 *
 * Two checks that are the same test (`Judged.test`) count once: counting a hypothesis twice would
 * only spend α on it twice and make every other check harder to fail. They share the adjusted p.
 *
 * The pass side needs no correction: the gate passes only when EVERY check passes, and a pass
 * needs each check's pessimistic bound within budget. Wrongly passing means wrongly passing some
 * check whose true regression exceeds its budget, which happens with probability at most α for
 * that check alone; requiring all of them can only make it rarer (the intersection–union
 * principle, Berger 1982). Correcting there would only make real passes harder to reach.
 */
export function applyHolm(judged: Judged[], alpha: number): Check[] {
  const family = judged.filter(
    (j) => j.check.p_value !== null && j.check.ci !== null && j.check.n >= j.input.minCases,
  );
  const slots = new Map<string | Judged, Judged[]>();
  for (const j of family) {
    const key = j.test ?? j;
    const slot = slots.get(key);
    if (slot) slot.push(j);
    else slots.set(key, [j]);
  }
  const tests = [...slots.values()];
  const adjusted = holmAdjust(tests.map((t) => t[0]!.check.p_value!));
  const m = tests.length;
  const byCheck = new Map(tests.flatMap((t, i) => t.map((j) => [j.check, adjusted[i]!] as const)));
  return judged.map(({ input, check }) => {
    const pAdj = byCheck.get(check);
    if (pAdj === undefined) return { ...check, p_adjusted: null };
    if (check.verdict !== 'fail') return { ...check, p_adjusted: pAdj };
    // With a shared test the family is no longer one place per check: say how many tests.
    const unit = m === family.length ? 'check' : 'test';
    const across = `across ${m} ${unit}${m === 1 ? '' : 's'}`;
    if (pAdj <= alpha) {
      return {
        ...check,
        p_adjusted: pAdj,
        reason: `${check.reason.replace(/\.$/, '')} (Holm-adjusted p ${formatP(pAdj)} ${across}).`,
      };
    }
    return {
      ...check,
      p_adjusted: pAdj,
      verdict: 'inconclusive',
      reason:
        `${changeText(input)} exceeds ${budgetText(input)} on its own (p ${formatP(check.p_value!)}), ` +
        `but not after Holm's correction ${across} (adjusted p ${formatP(pAdj)}), so it does not block.`,
    };
  });
}
