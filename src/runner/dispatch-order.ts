/**
 * Which lane sends its next call, so that neither side of a pair is favoured by when it goes out.
 *
 * The paired comparisons assume the two calls of a case are exchangeable: sent under the same
 * conditions, in no fixed order. Lanes that each filled their window in turn broke that on an
 * endpoint both sides share (an A/A run, two models on one inference box): the side sent first
 * was served first, and the other side's first wave queued behind it and made up its p95 tail.
 * So:
 *
 * - the lane that is behind (the lower job number) goes first, which interleaves the lanes call
 *   by call rather than window by window;
 * - when both are at the same job, a seeded coin per job says which side goes first;
 * - no lane runs more than `lead` jobs ahead of another lane still sending. On one endpoint the
 *   runner uses a lead of 1: the two calls of a case go out one right after the other, into the
 *   same queue, under the same load, and a side that is faster does not finish first and leave
 *   the other the endpoint to itself (whose last calls would then run faster). The run's length
 *   is the slower side's either way. On two endpoints the lead is wide: holding one side back
 *   there would only lighten the load on its endpoint, and on an endpoint that queues, lighter
 *   load is a shorter wait, so the held side would look faster than it is;
 * - a failing lane (its last answer was a failure that says "unreachable") may run `slack` jobs
 *   ahead, so that a side that is down can send the run of failures that shows it
 *   (targets/outage.ts) even while the other side's calls hang.
 */
export interface LaneState {
  /** The lane's next job (jobs before it were sent or answered from the cache). */
  cursor: number;
  /** Whether the lane may start a call now (its concurrency allows it). */
  room: boolean;
  /** Whether the lane's last answered call failed as an unreachable endpoint's do. */
  failing: boolean;
}

export class DispatchOrder {
  /** Per job: the lane that goes first when every lane is at that job. */
  private readonly first: Uint8Array;

  private readonly jobs: number;
  private readonly lead: number;
  private readonly slack: number;

  /**
   * Draws one coin per job from `rng`: call it after the case order is drawn, so the order a
   * seed gives stays what it was.
   */
  constructor(o: { jobs: number; lanes: number; lead: number; slack: number; rng: () => number }) {
    this.jobs = o.jobs;
    this.lead = Math.max(1, o.lead);
    this.slack = Math.max(this.lead, o.slack);
    this.first = new Uint8Array(o.lanes > 1 ? o.jobs : 0);
    for (let j = 0; j < this.first.length; j++) this.first[j] = Math.floor(o.rng() * o.lanes);
  }

  /** The lane to send next, or -1 when none may. */
  next(lanes: readonly LaneState[]): number {
    let best = -1;
    for (let i = 0; i < lanes.length; i++) {
      const l = lanes[i]!;
      if (!l.room || l.cursor >= this.jobs || this.tooFarAhead(l, lanes)) continue;
      if (best < 0 || l.cursor < lanes[best]!.cursor) best = i;
      else if (
        l.cursor === lanes[best]!.cursor &&
        this.rank(i, l.cursor, lanes.length) < this.rank(best, l.cursor, lanes.length)
      )
        best = i;
    }
    return best;
  }

  /** The lane's place in job `j`'s sending order: the coin's lane first, then the rest in turn. */
  private rank(lane: number, j: number, n: number): number {
    return (lane - (this.first[j] ?? 0) + n) % n;
  }

  private tooFarAhead(l: LaneState, lanes: readonly LaneState[]): boolean {
    const lead = l.failing ? this.slack : this.lead;
    for (const other of lanes) {
      if (other.cursor < this.jobs && l.cursor >= other.cursor + lead) return true;
    }
    return false;
  }
}
