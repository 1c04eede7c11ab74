import { RunAbortedError } from '../errors.js';
import { FailureRuns, outageWindow } from '../targets/outage.js';

/**
 * Tells when a scoring endpoint is down, by the targets' rule (targets/outage.ts): `window` calls
 * in a row, in the order they were sent, failed after retries. Then the run stops (exit 3)
 * rather than score every remaining answer 0: with both sides at 0 a broken judge would
 * otherwise let any change pass.
 */
export class OutageTracker {
  private readonly runs = new FailureRuns();
  private readonly window: number;
  private tripped = false;

  constructor(
    private readonly what: string,
    maxConsecutiveErrors: number,
    concurrency: number,
    private readonly onOutage: (err: RunAbortedError) => void,
  ) {
    this.window = outageWindow(maxConsecutiveErrors, concurrency);
  }

  /** A call is being sent: hand its ticket back with its outcome. */
  sent(): number {
    return this.runs.sent();
  }

  failed(ticket: number, message: string): void {
    const run = this.runs.failed(ticket);
    if (run < this.window || this.tripped) return;
    this.tripped = true;
    this.onOutage(
      new RunAbortedError(
        `stopped: ${run} ${this.what} calls in a row failed after retries; last error: ${message}. ` +
          'Answers cannot be scored without it.',
      ),
    );
  }

  succeeded(ticket: number): void {
    this.runs.answered(ticket);
  }
}
