import { pastBudget } from '../stats/past-budget.js';

/**
 * One target's calls in flight. A call counts as its prompt's cost plus the target's `tail`: the
 * most any of its calls has cost beyond its prompt so far, at least the output guess (max_tokens
 * when set). The prompt is known when the call is sent; the rest only once replies come, so as
 * they show calls cost more, the calls still in flight are counted at that too: an estimate the
 * replies already refuted never lets another call start.
 */
export class BudgetShare {
  private calls = 0;
  private promptsUsd = 0;
  private tailUsd: number;

  constructor(guessUsd: number) {
    this.tailUsd = guessUsd;
  }

  get callsInFlight(): number {
    return this.calls;
  }

  /** What the calls in flight are expected to cost. */
  get committed(): number {
    return this.calls > 0 ? this.promptsUsd + this.calls * this.tailUsd : 0;
  }

  /** What a call whose prompt costs `promptUsd` is expected to cost. */
  estimate(promptUsd: number): number {
    return promptUsd + this.tailUsd;
  }

  commit(promptUsd: number): void {
    this.calls++;
    this.promptsUsd += promptUsd;
  }

  settle(promptUsd: number, actualUsd: number): void {
    this.calls--;
    // Counted, since sums of floats never quite reach 0.
    this.promptsUsd = this.calls > 0 ? Math.max(0, this.promptsUsd - promptUsd) : 0;
    this.tailUsd = Math.max(this.tailUsd, actualUsd - promptUsd);
  }
}

/**
 * `run.max_cost_usd`: money spent plus what the calls in flight are expected to cost (see
 * BudgetShare), so the run stops before the budget is spent whenever no call costs more than the
 * replies before it showed. A call is admitted only if its own estimate still fits with that.
 * What can pass the budget is calls already in flight when a reply first shows calls cost more.
 */
export class CostBudget {
  private spentUsd = 0;
  private readonly shares: BudgetShare[] = [];

  constructor(readonly maxUsd: number) {}

  /** A target's share, its calls' output guessed at `guessUsd` until replies say. */
  share(guessUsd: number): BudgetShare {
    const s = new BudgetShare(guessUsd);
    this.shares.push(s);
    return s;
  }

  get spent(): number {
    return this.spentUsd;
  }

  get inFlight(): number {
    let usd = 0;
    for (const s of this.shares) usd += s.committed;
    return usd;
  }

  /** Calls admitted and not settled yet. */
  get callsInFlight(): number {
    let n = 0;
    for (const s of this.shares) n += s.callsInFlight;
    return n;
  }

  /** Commits a call to `share` and returns true when it fits; false (committing nothing) if not. */
  admit(share: BudgetShare, promptUsd: number): boolean {
    const total = this.spentUsd + this.inFlight + share.estimate(promptUsd);
    if (pastBudget(total, this.maxUsd)) return false;
    share.commit(promptUsd);
    return true;
  }

  settle(share: BudgetShare, promptUsd: number, actualUsd: number): void {
    share.settle(promptUsd, actualUsd);
    this.spentUsd += actualUsd;
  }
}
