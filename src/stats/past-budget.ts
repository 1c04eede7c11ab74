/**
 * Whether `x` is past `budget`, as a reader of both would say. Figures computed in floating point
 * carry rounding: a candidate one character off on every case drops by 0.050000000000000044,
 * +10% on every cost comes out as 0.10000000000000009, and 6 × 256 × $0.1/M is
 * 0.00015360000000000002 dollars. A figure that equals its budget is within it ("the largest drop
 * allowed", a plan that costs exactly run.max_cost_usd), so the verdict, the p-values, the
 * multiplicity procedure and the cost cap all compare with this rather than bare `>`: a
 * billionth of the budget (of a thousandth, for a budget of zero or near it).
 */
export function pastBudget(x: number, budget: number): boolean {
  return x > budgetAllowance(budget);
}

/** The largest figure still within `budget`: for tests that take a threshold (bootstrap p-values). */
export function budgetAllowance(budget: number): number {
  return budget + 1e-9 * Math.max(1e-3, Math.abs(budget));
}
