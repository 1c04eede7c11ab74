import type { Plan } from '../engine.js';
import type { InputProblem } from '../errors.js';
import { formatUsd } from '../report/format.js';
import { type CostEstimate, estimatePlan, type Observed, observe, overBudget } from './estimate.js';

/** A recorded baseline's answers are the best guess of the candidate's output and latency. */
export function storedObserved(plan: Pick<Plan, 'storedBaseline'>): Observed | undefined {
  const stored = plan.storedBaseline;
  return stored ? observe(stored.file, { candidate: [...stored.byId.values()] }) : undefined;
}

/** The problem a plan over `run.max_cost_usd` is, for bad input (exit 2, nothing sent). */
export function overBudgetProblem(plan: Plan, e: CostEstimate): InputProblem | undefined {
  if (!overBudget(e)) return undefined;
  return {
    file: plan.loaded.file,
    path: 'run.max_cost_usd',
    message: `the plan's estimated cost ${formatUsd(e.costUsd!)} exceeds run.max_cost_usd (${formatUsd(e.maxCostUsd!)}): nothing was sent (evalgate plan shows where the figure comes from)`,
  };
}

/**
 * Before a run sends anything: refuse one whose plan already costs more than run.max_cost_usd,
 * rather than stop it part-way with the money spent and no decision. Only estimated when the
 * budget is set (rendering every request again is not free on a large set).
 */
export function costRefusal(plan: Plan): InputProblem | undefined {
  if (plan.config.run.max_cost_usd === undefined) return undefined;
  return overBudgetProblem(plan, estimatePlan(plan, storedObserved(plan)));
}
