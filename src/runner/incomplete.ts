import { RunAbortedError } from '../errors.js';
import type { Report } from '../types.js';
import type { RunStats, StopReason } from './run-pairs.js';

/**
 * The run stopped early and the engine still built a report from what was answered, marked
 * `incomplete`. The front doors write it (report, job summary, `--summary`) and exit 3.
 * `cause` is the bug behind an internal error, for EVALGATE_DEBUG=1 to show its stack.
 */
export class IncompleteRunError extends RunAbortedError {
  constructor(
    message: string,
    readonly report: Report,
    cause?: unknown,
  ) {
    super(message);
    this.name = 'IncompleteRunError';
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * Why a run ended before it could be judged: the runner's own reasons, a judge or embeddings
 * endpoint that went down, or a bug caught by the engine or the front door's crash guard.
 */
export type IncompleteReason = StopReason | 'scoring' | 'internal';

const WHY: Record<IncompleteReason, string> = {
  cancelled: 'the run was cancelled',
  budget: 'the run stopped at its cost budget (run.max_cost_usd)',
  errors: 'the run stopped because an endpoint kept failing',
  scoring: 'the run stopped because the judge or embeddings endpoint kept failing',
  internal: 'the run stopped on an internal error',
};

/** The report's one-line summary for a stopped run: says it is incomplete and was not judged. */
export function incompleteSummary(
  reason: IncompleteReason,
  stats: Pick<RunStats, 'done' | 'planned'>,
): string {
  return `incomplete: ${WHY[reason]} after ${stats.done} of ${stats.planned} calls; nothing was judged`;
}
