/**
 * How many calls a target may have in flight, adapted to what the endpoint says (AIMD, as TCP
 * does): a 429 halves the limit, and every answered call adds 1/limit, so a full window of
 * answers adds one slot. It never goes above the configured concurrency or below one.
 *
 * Calls already on the wire when the limit was cut are likely to be refused too: their 429s say
 * nothing new, so only a 429 to a call sent after the latest cut cuts again (`epoch`).
 *
 * The limit is also the pace the outage rule counts its second round at (targets/outage.ts): an
 * endpoint cut to one call at a time is found down one call after its first burst failed.
 */
export class AdaptiveConcurrency {
  private window: number;
  private cuts = 0;

  constructor(readonly max: number) {
    this.window = max;
  }

  /** Calls that may be in flight now. */
  get limit(): number {
    return Math.floor(this.window);
  }

  /** Read when an attempt is sent, handed back with its 429. */
  get epoch(): number {
    return this.cuts;
  }

  /** A 429 for an attempt sent at `epoch`: true when it cut the limit. */
  rateLimited(epoch: number): boolean {
    if (epoch < this.cuts) return false;
    this.window = Math.max(1, Math.floor(this.window / 2));
    this.cuts++;
    return true;
  }

  answered(): void {
    if (this.window < this.max) this.window = Math.min(this.max, this.window + 1 / this.limit);
  }
}
