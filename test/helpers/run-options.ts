import type { RunOptions } from '../../src/runner/run-pairs.js';
import { buildScorer } from '../../src/scorers/build.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import { createRng } from '../../src/stats/rng.js';
import type { CallResult, GoldenCase, SideResult } from '../../src/types.js';

const exact = [buildScorer({ type: 'exact' }, 'exact')];

/** Scores a call by exact match against the case's expected answer. */
export const scoreExact = async (c: GoldenCase, call: CallResult): Promise<SideResult> =>
  scoreCall(call, c, exact);

/**
 * runPairs options for runner tests: exact-match scoring, seed 1, max_consecutive_errors 5;
 * a test overrides what it is about.
 */
export function runOptions(
  o: Partial<RunOptions> & Pick<RunOptions, 'cases' | 'targets'>,
): RunOptions {
  return {
    score: async (c, _side, call) => scoreExact(c, call),
    rng: createRng(1),
    maxConsecutiveErrors: 5,
    ...o,
  };
}
