/**
 * Whether `costUsd` is past `maxUsd`, as a user reading both in dollars would say: a sum of
 * per-call costs carries float rounding (6 × 256 × $0.1/M is 0.00015360000000000002), and a
 * plan or a run that costs exactly the budget fits it.
 */
export function exceedsBudget(costUsd: number, maxUsd: number): boolean {
  return costUsd > maxUsd * (1 + 1e-9);
}

/**
 * `run.max_cost_usd`: money spent plus money committed to calls in flight, so the run stops
 * before the budget is spent rather than after. A call is admitted only if its estimated cost
 * still fits with everything already committed; when it settles, the estimate is replaced by
 * what the reply says it cost.
 */
export class CostBudget {
  private spentUsd = 0;
  private committedUsd = 0;
  private committedCalls = 0;

  constructor(readonly maxUsd: number) {}

  get spent(): number {
    return this.spentUsd;
  }

  get inFlight(): number {
    return this.committedUsd;
  }

  /** Calls admitted and not settled yet (counted, since sums of floats never quite reach 0). */
  get callsInFlight(): number {
    return this.committedCalls;
  }

  /** Commits `estimate` and returns true when it fits; false (and commits nothing) when not. */
  admit(estimate: number): boolean {
    if (exceedsBudget(this.spentUsd + this.committedUsd + estimate, this.maxUsd)) return false;
    this.committedUsd += estimate;
    this.committedCalls++;
    return true;
  }

  settle(estimate: number, actual: number): void {
    this.committedCalls--;
    this.committedUsd = this.committedCalls > 0 ? Math.max(0, this.committedUsd - estimate) : 0;
    this.spentUsd += actual;
  }
}
