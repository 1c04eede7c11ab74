import { holmAdjust } from '../stats/index.js';
import type { Check } from '../types.js';
import { budgetText, changeText, type VerdictInput } from './verdict.js';

export interface Judged {
  input: VerdictInput;
  check: Check;
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
  const adjusted = holmAdjust(family.map((j) => j.check.p_value!));
  const m = family.length;
  const byCheck = new Map(family.map((j, i) => [j.check, adjusted[i]!]));
  return judged.map(({ input, check }) => {
    const pAdj = byCheck.get(check);
    if (pAdj === undefined) return { ...check, p_adjusted: null };
    if (check.verdict !== 'fail') return { ...check, p_adjusted: pAdj };
    const across = `across ${m} ${m === 1 ? 'check' : 'checks'}`;
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
