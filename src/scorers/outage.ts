import { RunAbortedError } from '../errors.js';

/**
 * Counts a scoring endpoint's failures in a row. Past the run's `max_consecutive_errors` the
 * endpoint is down, and the run stops (exit 3) rather than score every remaining answer 0: with
 * both sides at 0 a broken judge would otherwise let any change pass.
 */
export class OutageTracker {
  private consecutive = 0;
  private tripped = false;

  constructor(
    private readonly what: string,
    private readonly limit: number,
    private readonly onOutage: (err: RunAbortedError) => void,
  ) {}

  failed(message: string): void {
    this.consecutive++;
    if (this.consecutive < this.limit || this.tripped) return;
    this.tripped = true;
    this.onOutage(
      new RunAbortedError(
        `stopped: ${this.consecutive} ${this.what} calls in a row failed after retries; last error: ${message}. ` +
          'Answers cannot be scored without it.',
      ),
    );
  }

  succeeded(): void {
    this.consecutive = 0;
  }
}
