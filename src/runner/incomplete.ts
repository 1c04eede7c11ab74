import { RunAbortedError } from '../errors.js';
import type { Report } from '../types.js';
import type { RunStoppedError } from './run-pairs.js';

/**
 * The run stopped early and the engine still built a report from what was answered, marked
 * `incomplete`. The front doors write it (report, job summary, `--summary`) and exit 3.
 */
export class IncompleteRunError extends RunAbortedError {
  constructor(
    message: string,
    readonly report: Report,
  ) {
    super(message);
    this.name = 'IncompleteRunError';
  }
}

const WHY = {
  cancelled: 'the run was cancelled',
  budget: 'the run stopped at its cost budget (run.max_cost_usd)',
  errors: 'the run stopped because an endpoint kept failing',
} as const;

/** The report's one-line summary for a stopped run: says it is incomplete and was not judged. */
export function incompleteSummary(err: RunStoppedError): string {
  const { done, planned } = err.stats;
  return `incomplete: ${WHY[err.reason]} after ${done} of ${planned} calls; nothing was judged`;
}
