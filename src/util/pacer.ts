import { RunAbortedError } from '../errors.js';

/** How long a stretch of loading may hold the event loop before it gives a cancel its turn. */
const SLICE_MS = 50;

/**
 * Lets long synchronous work (reading and checking a golden set of a million cases takes ten
 * seconds) be cancelled part way. A signal's handler runs only when the event loop polls, so
 * without a turn a cancel waited for the whole load, and the runner's kill came first. The work
 * asks `due()` per item and awaits `turn()` when it says so.
 */
export class Pacer {
  private next: number;
  private count = 0;

  constructor(
    private readonly signal: AbortSignal | undefined,
    /** What was being done, for the message: "loading the golden set". */
    private readonly doing: string,
  ) {
    this.next = performance.now() + SLICE_MS;
  }

  due(): boolean {
    // The clock is read every 64th item: per item, it cost as much as the work on some.
    if (this.signal === undefined || (++this.count & 63) !== 0) return false;
    return performance.now() >= this.next;
  }

  /** Gives the event loop a turn, then throws RunAbortedError if the signal fired meanwhile. */
  async turn(): Promise<void> {
    await pollTurn();
    this.stopIfCancelled();
    this.next = performance.now() + SLICE_MS;
  }

  stopIfCancelled(): void {
    const signal = this.signal;
    if (!signal?.aborted) return;
    const why = typeof signal.reason === 'string' ? ` (${signal.reason})` : '';
    throw new RunAbortedError(`the run was cancelled${why} while ${this.doing}; nothing was sent`);
  }
}

/**
 * Lets the event loop poll once, so that a signal that came during synchronous work has its
 * handler run. Two immediates: from inside a poll callback (a file read), one would run before
 * the loop polls again, and the signal's handler with it.
 */
export async function pollTurn(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}
