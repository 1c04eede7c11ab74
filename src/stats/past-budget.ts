/**
 * Whether `x` is past `budget`, as a reader of both would say. Figures computed in floating point
 * carry rounding: a candidate one character off on every case drops by 0.050000000000000044, and
 * +10% on every cost comes out as 0.10000000000000009. A figure that equals its budget is within
 * it ("the largest drop allowed"), so the verdict, the p-values and the multiplicity procedure all
 * compare with this tolerance rather than bare `>`.
 */
export function pastBudget(x: number, budget: number): boolean {
  return x > budgetAllowance(budget);
}

/** The largest figure still within `budget`: for tests that take a threshold (bootstrap p-values). */
export function budgetAllowance(budget: number): number {
  return budget + 1e-9 * Math.max(1, Math.abs(budget));
}
