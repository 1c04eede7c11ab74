/** A call's place among the deadlines: give it back to `Deadlines.delete` once the call is over. */
export interface Deadline {
  readonly at: number;
  readonly limit: number;
  readonly expire: () => void;
}

/**
 * Every call's time limit on one timer. A node timer per call costs an allocation and a read of
 * libuv's clock to set and an unlink to clear: about a fifth of the transport's own CPU per call
 * at thousands of calls, for timeouts that almost never fire. Calls given the same limit expire
 * in the order they were added, so each limit keeps its calls in a Set (which iterates in
 * insertion order) and the one timer waits for the earliest deadline of them all.
 */
export class Deadlines {
  private readonly byLimit = new Map<number, Set<Deadline>>();
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires (performance.now() time); Infinity when it is not set. */
  private armedAt = Number.POSITIVE_INFINITY;

  /** `expire` is called once `ms` have passed, unless the deadline is deleted first. */
  add(ms: number, expire: () => void): Deadline {
    const deadline: Deadline = { at: performance.now() + ms, limit: ms, expire };
    let calls = this.byLimit.get(ms);
    if (calls === undefined) {
      calls = new Set();
      this.byLimit.set(ms, calls);
    }
    calls.add(deadline);
    if (deadline.at < this.armedAt) this.arm(deadline.at);
    return deadline;
  }

  delete(deadline: Deadline): void {
    // The timer stays set: when it fires for a deadline deleted since, it only sets itself again.
    this.byLimit.get(deadline.limit)?.delete(deadline);
  }

  /** Stops the timer; deadlines still held never expire. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    this.byLimit.clear();
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedAt = at;
    // A timer may fire a little before performance.now() reaches `at` (libuv reads its clock once
    // per loop turn): then nothing has expired yet and it is set again for the rest.
    this.timer = setTimeout(() => this.fire(), Math.max(1, Math.ceil(at - performance.now())));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const expired: Deadline[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [limit, calls] of this.byLimit) {
      for (const d of calls) {
        if (d.at > now) {
          if (d.at < next) next = d.at;
          break;
        }
        calls.delete(d);
        expired.push(d);
      }
      if (calls.size === 0) this.byLimit.delete(limit);
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    // After the bookkeeping: an expiry may add or delete deadlines of its own.
    for (const d of expired) d.expire();
  }
}
