/**
 * When an endpoint counts as down: the rule shared by the targets' lanes and by the judge and
 * embeddings clients.
 *
 * The endpoint is down once `window` calls sent one after another (in the order they were sent,
 * not the order they came back) have all failed, where
 *
 *   window = max(run.max_consecutive_errors, concurrency + pace),
 *
 * `concurrency` is the endpoint's configured concurrency and `pace` the calls it may have in
 * flight now: the same, unless its 429s cut it (runner/adaptive-concurrency.ts). Uncut, the
 * window is twice the concurrency; the judge and embeddings clients are never cut.
 *
 * Why send order: a partly failing endpoint answers its errors fast and its successes slowly (a
 * 500 costs it nothing), so in the order replies arrive the failures of a 15% error rate come
 * first, dozens in a row. Whether a call fails does not depend on when it comes back, so in send
 * order a run of `window` failures at error rate p has probability p^window at each place,
 * however the replies were timed.
 *
 * Why one burst plus one round: calls in flight together share their fate (one overload, one
 * cold start, one blip fails them all at once), so `concurrency` failures can be one moment's
 * burst. One round more, at the pace the endpoint is being called at, means it also failed calls
 * sent after the first ones had failed: it is still down, not was. The round is the current pace,
 * not a second full burst: an endpoint that answers nothing but 429 is cut to one call at a
 * time, and a second burst would then be `concurrency` more cases sent one by one, each waiting
 * out its retries (at concurrency 16, a minute instead of seconds). At concurrency 1 the rule is
 * the plain "this many cases in a row".
 *
 * A call counts when it has failed after its retries, timeouts included, so a hanging endpoint
 * is found after about two rounds of timed-out calls. Calls still in flight are unknown, not
 * failed; a run of failures is judged as soon as all of it is in, so a slow call hanging
 * elsewhere does not hold up the decision.
 */
export function outageWindow(
  maxConsecutiveErrors: number,
  concurrency: number,
  pace = concurrency,
): number {
  return Math.max(maxConsecutiveErrors, concurrency + pace);
}

/**
 * Runs of failed calls, consecutive in send order, found while replies arrive in any order.
 * Only runs that can still grow are kept (those next to a call in flight or to the next call),
 * so memory stays within twice the endpoint's concurrency whatever the number of calls.
 */
export class FailureRuns {
  private next = 0;
  private readonly inFlight = new Set<number>();
  /** Each open run as first ticket → last ticket, and last → first. */
  private readonly byFirst = new Map<number, number>();
  private readonly byLast = new Map<number, number>();

  /** A call is being sent: its ticket is its place in send order. */
  sent(): number {
    const t = this.next++;
    this.inFlight.add(t);
    return t;
  }

  /** The call failed in a way that says "unreachable": the length of its run of failures. */
  failed(t: number): number {
    if (!this.inFlight.delete(t)) return 0;
    const first = this.byLast.get(t - 1) ?? t;
    const last = this.byFirst.get(t + 1) ?? t;
    this.byLast.delete(t - 1);
    this.byFirst.delete(t + 1);
    this.byFirst.set(first, last);
    this.byLast.set(last, first);
    this.forgetIfClosed(first, last);
    return last - first + 1;
  }

  /** The call was answered (or failed in a way that shows the endpoint is up, or was cancelled). */
  answered(t: number): void {
    if (!this.inFlight.delete(t)) return;
    const before = this.byLast.get(t - 1);
    if (before !== undefined) this.forgetIfClosed(before, t - 1);
    const after = this.byFirst.get(t + 1);
    if (after !== undefined) this.forgetIfClosed(t + 1, after);
  }

  /** Runs kept, for tests: stays small however many calls were made. */
  get openRuns(): number {
    return this.byFirst.size;
  }

  /** A run whose neighbours have both come back (and were not failures) can grow no more. */
  private forgetIfClosed(first: number, last: number): void {
    const left = first === 0 || !this.inFlight.has(first - 1);
    const right = last + 1 < this.next && !this.inFlight.has(last + 1);
    if (left && right) {
      this.byFirst.delete(first);
      this.byLast.delete(last);
    }
  }
}
