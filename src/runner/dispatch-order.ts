/**
 * Which lane sends its next call, so that neither side of a pair is favoured by when it goes out.
 *
 * The paired comparisons assume the two calls of a case are exchangeable: sent under the same
 * conditions, in no fixed order. Lanes that each filled their window in turn broke that twice
 * over. On an endpoint both sides share (an A/A run, two models on one inference box) the side
 * sent first was served first, and the other side's first wave queued behind it: that wave made
 * up its p95 tail. And a side that finished early left the endpoint to the other, whose last
 * calls then ran faster. So:
 *
 * - the lane that is behind (the lower job number) goes first, which interleaves the lanes call
 *   by call rather than window by window;
 * - when both are at the same job, a seeded coin per job says which side goes first;
 * - no lane runs more than `lead` jobs ahead of another that still has jobs: both sides stay on
 *   the same stretch of the run, under the same load. The run's length is the slower side's
 *   either way, so holding the faster one back costs next to nothing.
 */
export interface LaneState {
  /** The lane's next job (jobs before it were sent or answered from the cache). */
  cursor: number;
  /** Whether the lane may start a call now (its concurrency allows it). */
  room: boolean;
}

export class DispatchOrder {
  /** Per job: the lane that goes first when every lane is at that job. */
  private readonly first: Uint8Array;

  /**
   * Draws one coin per job from `rng`: call it after the case order is drawn, so the order a
   * seed gives stays what it was.
   */
  constructor(
    private readonly jobs: number,
    lanes: number,
    private readonly lead: number,
    rng: () => number,
  ) {
    this.first = new Uint8Array(lanes > 1 ? jobs : 0);
    for (let j = 0; j < this.first.length; j++) this.first[j] = Math.floor(rng() * lanes);
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
    for (const other of lanes) {
      if (other.cursor < this.jobs && l.cursor >= other.cursor + this.lead) return true;
    }
    return false;
  }
}
