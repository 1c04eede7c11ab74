import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FailureRuns, outageWindow } from '../../src/targets/outage.js';

/** The longest run of `true` (failed) in send order. */
function longestRun(failed: boolean[]): number {
  let best = 0;
  let run = 0;
  for (const f of failed) {
    run = f ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

/**
 * Sends `failed.length` calls with at most `concurrency` in flight, each settling when `pick`
 * chooses it among those in flight: any completion order a real endpoint could produce.
 * Returns the longest run FailureRuns reported, and checks what it keeps stays small.
 */
function replay(failed: boolean[], concurrency: number, pick: number[]): number {
  const runs = new FailureRuns();
  const inFlight: number[] = [];
  let sent = 0;
  let best = 0;
  for (let step = 0; sent < failed.length || inFlight.length > 0; step++) {
    while (sent < failed.length && inFlight.length < concurrency) {
      expect(runs.sent()).toBe(sent);
      inFlight.push(sent++);
    }
    const [t] = inFlight.splice(pick[step % pick.length]! % inFlight.length, 1);
    if (failed[t!]) best = Math.max(best, runs.failed(t!));
    else runs.answered(t!);
    // An open run touches a call in flight (one on each side of it at most) or the next call.
    expect(runs.openRuns).toBeLessThanOrEqual(2 * inFlight.length + 1);
  }
  return best;
}

describe('outageWindow', () => {
  it('is max_consecutive_errors, or twice the concurrency when that is more', () => {
    expect(outageWindow(5, 1)).toBe(5);
    expect(outageWindow(5, 2)).toBe(5);
    expect(outageWindow(5, 3)).toBe(6);
    expect(outageWindow(5, 32)).toBe(64);
    expect(outageWindow(100, 32)).toBe(100);
    expect(outageWindow(1, 1)).toBe(2);
  });
});

describe('FailureRuns', () => {
  it('finds a run of failures in send order whatever order the replies come back in', () => {
    const runs = new FailureRuns();
    const t = [0, 1, 2, 3, 4].map(() => runs.sent());
    expect(runs.failed(t[3]!)).toBe(1);
    expect(runs.failed(t[1]!)).toBe(1);
    runs.answered(t[0]!);
    expect(runs.failed(t[4]!)).toBe(2); // 3 and 4
    expect(runs.failed(t[2]!)).toBe(4); // 1 to 4, joined by the call in the middle
  });

  it('is not fooled by failures that come back first: only send order counts', () => {
    // Every third call succeeds, and all the failures come back before any success.
    const runs = new FailureRuns();
    const tickets = Array.from({ length: 30 }, () => runs.sent());
    let best = 0;
    for (const t of tickets) if (t % 3 !== 2) best = Math.max(best, runs.failed(t));
    for (const t of tickets) if (t % 3 === 2) runs.answered(t);
    expect(best).toBe(2);
  });

  it('ignores a ticket it does not know or already settled', () => {
    const runs = new FailureRuns();
    const t = runs.sent();
    expect(runs.failed(t)).toBe(1);
    expect(runs.failed(t)).toBe(0);
    expect(runs.failed(99)).toBe(0);
    runs.answered(99);
    expect(runs.failed(runs.sent())).toBe(2);
  });

  it('reports the longest run of failures in send order for any completion order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
        (failed, concurrency, pick) => {
          expect(replay(failed, concurrency, pick)).toBe(longestRun(failed));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps only runs that can still grow, however many calls were made', () => {
    const failed = Array.from({ length: 20_000 }, (_, i) => i % 7 !== 0);
    expect(replay(failed, 32, [5, 0, 17, 3, 31, 8])).toBe(6);
  });
});
