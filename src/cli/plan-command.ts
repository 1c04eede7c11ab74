import { closePlan, type EngineHooks, type EngineOptions, prepare } from '../engine.js';
import { EXIT, InputError } from '../errors.js';
import { estimatePlan, observe } from '../plan/estimate.js';
import { overBudgetProblem, storedObserved } from '../plan/refuse.js';
import { renderPlan } from '../plan/render.js';
import { readReportFile } from '../report/read-report.js';
import { SIDES, type Side, type SideResult } from '../types.js';
import { inertLines } from './stderr-text.js';

/** Output tokens and latency per answer, per side, from a stored report (`--from-report`). */
function observedFrom(file: string) {
  const report = readReportFile(file, 'stored report (--from-report)');
  const sides: Partial<Record<Side, SideResult[]>> = {};
  for (const side of SIDES) {
    const answers = report.cases.flatMap((c) => (c[side] ? [c[side]] : []));
    if (answers.length) sides[side] = answers;
  }
  return observe(file, sides);
}

/**
 * `evalgate plan` and `run --dry-run`: everything a run checks, then the estimate instead of
 * the calls. No API key is needed (nothing is sent). Exit 2 when the estimate is over
 * run.max_cost_usd, as the run itself would refuse.
 */
export async function runPlan(
  options: EngineOptions,
  fromReport: string | undefined,
  hooks: EngineHooks,
  io: { stdout: (t: string) => void; stderr: (t: string) => void },
): Promise<number> {
  const plan = await prepare({ ...options, keysOptional: true }, hooks);
  try {
    const observed = fromReport ? observedFrom(fromReport) : storedObserved(plan);
    const estimate = estimatePlan(plan, observed);
    io.stdout(`${inertLines(renderPlan(estimate))}\n`);
    const over = overBudgetProblem(plan, estimate);
    if (over) throw new InputError(over);
    return EXIT.pass;
  } finally {
    closePlan(plan);
  }
}
