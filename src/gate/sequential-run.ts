import type { Plan } from '../engine.js';
import { buildReport } from '../report/build-report.js';
import type { RunOptions } from '../runner/run-pairs.js';
import { SequentialGate } from './sequential.js';

/**
 * `gate.sequential` for one run: the gate's state and the runner's looks. At each look the
 * checks are built as the report builds them (same settings, same cases, the unanswered ones
 * included so slices are gated as planned), and the run stops there when every check settled.
 * Undefined when the run judges nothing (`--only`) or the option is off.
 */
export function sequentialRun(
  plan: Plan,
  started: number,
): { gate: SequentialGate; looks: NonNullable<RunOptions['looks']> } | undefined {
  const { gate: g } = plan.config;
  if (!g.sequential || plan.options.only || plan.cases.length === 0) return undefined;
  const gate = new SequentialGate(plan.cases.length, g.min_cases, g.confidence);
  return {
    gate,
    looks: {
      at: gate.looks,
      look: (_cases, { stats, ...results }) => {
        buildReport(plan, started, results, stats, undefined, {
          sequential: { gate, final: false },
        });
        return gate.settled();
      },
    },
  };
}
