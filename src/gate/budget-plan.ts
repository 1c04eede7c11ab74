import { caseSlices } from '../compare/slices.js';
import type { Budgets, Config } from '../config/schema.js';
import type { InputProblem } from '../errors.js';
import { escapeTerminal, truncate } from '../report/escape.js';
import { checkName, formatBudget } from '../report/format.js';
import type { GoldenCase, MetricName, Side } from '../types.js';
import { thousands } from '../util/thousands.js';
import { budgetList } from './checks.js';
import { initialShare } from './multiplicity.js';
import {
  type CasesToDecide,
  casesToDecide,
  decidingSize,
  POWER,
  type Spread,
  zeroErrorBound,
  zeroErrorFloor,
} from './power.js';

// The plan made before anything is sent (validate, the start of run): for every check the run
// will judge, the cases it needs, from the same calculation as the report's power entries
// (power.ts), and the checks this set size certainly cannot decide. With
// `gate.on_inconclusive: fail` those would block an unchanged candidate: bad input.

export interface PlanRow {
  metric: MetricName;
  slice: string | null;
  budget: number;
  /** The budget's field path in the config, e.g. `slices.budgets.error_rate.max`. */
  path: string;
  /** Cases in the set (or slice). */
  n: number;
  /** The min_cases that applies (gate's or slices'). */
  minCases: number;
  need: CasesToDecide;
  /** Why this size certainly cannot decide the check, with the fix; absent when it can. */
  undecidable?: string;
}

export interface BudgetPlan {
  cases: number;
  confidence: number;
  power: number;
  minCases: number;
  rows: PlanRow[];
  /** Certain problems, each with its config field path: bad input under on_inconclusive: fail. */
  problems: { path: string; message: string }[];
  /** Things to know that block nothing (slices too small to be gated). */
  notes: string[];
}

export interface PlanInput {
  config: Config;
  cases: readonly GoldenCase[];
  /** The sides the run will call (the baseline may come from a stored report instead). */
  sides: readonly Side[];
  /** The stored baseline's error rate, when the baseline comes from a report. */
  baselineErrorRate?: number;
  /** The fail side's one-sided level per check (the multiplicity share); default 1 − confidence. */
  failAlpha?: (slice: string | null) => number;
}

const FIELD: Record<MetricName, string> = {
  quality: 'quality.max_drop',
  pass_rate: 'pass_rate.max_drop',
  latency_p95: 'latency_p95.max_increase',
  ttft_p95: 'ttft_p95.max_increase',
  tpot_p95: 'tpot_p95.max_increase',
  cost: 'cost.max_increase',
  error_rate: 'error_rate.max',
  drift: 'drift.max_psi',
  label_drift: 'drift.max_psi',
  // Live canary checks are never planned (no golden set); their budgets live under live.metrics.
  live_max_increase: 'live.metrics[].budget.max_increase',
  live_max_drop: 'live.metrics[].budget.max_drop',
  live_max: 'live.metrics[].budget.max',
};

/**
 * The check column's width at most, as the verdict table's (report/console.ts): every row is
 * padded to the longest, and a slice name is whatever a dataset's tags say.
 */
const CHECK_CHARS = 60;
/** A slice named in a note or a problem: enough to tell it apart, never a dataset's whole tag. */
const SLICE_CHARS = 200;

/** Label drift needs labels, which only answers show: not planned. */
const budgetEntries = (b: Budgets) => budgetList(b, false);

/** The smallest ceiling, in tenths of a percent, that `n` error-free calls can pass. */
function ceilingFor(n: number, confidence: number): number {
  return Math.ceil(zeroErrorBound(n, confidence) * 1000 - 1e-9) / 1000;
}

/** Why an error ceiling cannot pass at this size, with the fix; undefined when it can. */
function ceilingProblem(
  budget: number,
  n: number,
  confidence: number,
  minCases: number,
  where: string,
): string | undefined {
  const conf = `${Number((confidence * 100).toFixed(1))}%`;
  if (!(budget > 0))
    return `a zero error-rate ceiling${where} can never pass: the upper ${conf} bound on an error rate is above zero whatever the calls do; set a ceiling above 0`;
  const floor = Math.max(minCases, zeroErrorFloor(budget, confidence));
  if (n >= floor) return undefined;
  const bound = zeroErrorBound(n, confidence);
  const ceiling = ceilingFor(n, confidence);
  return (
    `the error-rate ceiling of ${formatBudget('error_rate', budget).replace('≤ ', '')}${where} cannot pass with ${n} cases: ` +
    `even with no errors at all the upper ${conf} bound on ${n} calls is ${pct(bound)}, and it reaches the ceiling only from ${thousands(floor)} calls; ` +
    `raise the ceiling to ${pct(ceiling)} or add ${thousands(floor - n)} cases`
  );
}

function pct(v: number): string {
  return `${Number((v * 100).toFixed(1))}%`;
}

function sliceSizesOf(config: Config, cases: readonly GoldenCase[]): Map<string, number> {
  const sizes = new Map<string, number>();
  const slicing = config.slices;
  if (slicing)
    for (const c of cases)
      for (const label of caseSlices(c, slicing.by)) sizes.set(label, (sizes.get(label) ?? 0) + 1);
  return sizes;
}

/**
 * Each check's least share of α under the multiplicity procedure (see multiplicity.ts), from the
 * whole-set and slice tests this config and these cases make: the one-sided level the fail side
 * of a cases-needed figure plans for, the same in the plan, the run and calibrate.
 */
export function planFailAlpha(
  config: Config,
  cases: readonly GoldenCase[],
  sizes: Map<string, number> = sliceSizesOf(config, cases),
): (slice: string | null) => number {
  const slicing = config.slices;
  const wholeTests = budgetEntries(config.budgets).length;
  const sliceTests = slicing
    ? [...sizes.values()].filter((size) => size >= slicing.min_cases).length *
      budgetEntries(slicing.budgets).length
    : 0;
  const alpha = 1 - config.gate.confidence;
  return (slice) => alpha * initialShare(slice === null, wholeTests, sliceTests);
}

/**
 * The plan for every configured check: each budget on the whole set, each slice budget on each
 * slice the dataset has (slices below `slices.min_cases` are not gated: a note). Pure: reads
 * only the config and the loaded cases.
 */
export function buildBudgetPlan(input: PlanInput): BudgetPlan {
  const { config, cases } = input;
  const confidence = config.gate.confidence;
  const rows: PlanRow[] = [];
  const problems: BudgetPlan['problems'] = [];
  const notes: string[] = [];
  const spread: Spread =
    input.baselineErrorRate !== undefined ? { errorRate: input.baselineErrorRate } : {};
  const sliceSizes = sliceSizesOf(config, cases);
  const failAlpha = input.failAlpha ?? planFailAlpha(config, cases, sliceSizes);
  const add = (
    budgets: Budgets,
    slice: string | null,
    n: number,
    minCases: number,
    prefix: string,
  ) => {
    for (const [metric, budget] of budgetEntries(budgets)) {
      const path = `${prefix}.${FIELD[metric]}`;
      const need = casesToDecide(metric, budget, spread, {
        confidence,
        minCases,
        failAlpha: failAlpha(slice),
      });
      const row: PlanRow = { metric, slice, budget, path, n, minCases, need };
      if (metric === 'error_rate') {
        const where = slice ? ` on ${truncate(slice, SLICE_CHARS)}` : '';
        const why = ceilingProblem(budget, n, confidence, minCases, where);
        if (why) {
          row.undecidable = why;
          problems.push({ path, message: why });
        }
      }
      rows.push(row);
    }
  };

  const n = cases.length;
  const minCases = config.gate.min_cases;
  add(config.budgets, null, n, minCases, 'budgets');
  if (n < minCases && rows.length > 0) {
    const message = `gate.min_cases is ${minCases} but the golden set has ${n} cases: no whole-set check can be judged ("insufficient data"); lower gate.min_cases to ${n} or add ${minCases - n} cases`;
    problems.unshift({ path: 'gate.min_cases', message });
    for (const r of rows) r.undecidable ??= `fewer cases than gate.min_cases (${minCases})`;
  }

  const slices = config.slices;
  if (slices && budgetEntries(slices.budgets).length > 0) {
    const sizes = sliceSizes;
    const small: string[] = [];
    for (const [label, size] of [...sizes].sort(([a], [b]) => a.localeCompare(b))) {
      if (size < slices.min_cases) small.push(`${truncate(label, SLICE_CHARS)} (${size})`);
      else add(slices.budgets, label, size, slices.min_cases, 'slices.budgets');
    }
    if (small.length)
      notes.push(
        `${small.length} slice(s) have fewer than slices.min_cases = ${slices.min_cases} cases and will not be gated: ${small.join(', ')}`,
      );
  }

  // Cost from an http target needs token counts, which only its `usage` paths provide.
  if (config.budgets.cost || slices?.budgets.cost) {
    for (const side of input.sides) {
      const t = config.targets[side];
      if (t.type === 'http' && !t.usage) {
        problems.push({
          path: `targets.${side}.usage`,
          message:
            'a cost budget is set, but this http target has no `usage` paths: without token counts its cost is zero and the cost check can never be judged; add usage: {input_tokens: <path>, output_tokens: <path>}',
        });
      }
    }
  }
  return { cases: n, confidence, power: POWER, minCases, rows, problems, notes };
}

/**
 * The problems as bad input (file and field path) when `on_inconclusive: fail` would turn them
 * into blocks of an unchanged candidate.
 */
export function planProblems(plan: BudgetPlan, file: string): InputProblem[] {
  return plan.problems.map((p) => ({
    file,
    path: p.path,
    message: `${p.message} (gate.on_inconclusive is fail, so this check would block even an unchanged candidate)`,
  }));
}

function figure(n: number, atLeast: boolean): string {
  if (!Number.isFinite(n)) return 'never';
  return `${atLeast ? '≥ ' : ''}${thousands(n)}`;
}

/** One row as cells: check, budget, cases, to pass, to block 2×, and a remark. */
function cells(r: PlanRow): string[] {
  const { pass, fail, atLeast } = r.need;
  let passText = '–';
  let failText = '–';
  let remark = '';
  if (r.metric === 'drift' || r.metric === 'label_drift') {
    remark = 'no power calculation for drift';
  } else if (pass === null && fail === null) {
    passText = 'depends on the spread';
    remark = 'run `evalgate calibrate` to measure it';
  } else {
    // Unknown noise: an unchanged candidate needs at least min_cases, more if its answers vary.
    passText = pass === null ? `≥ ${thousands(r.minCases)}` : figure(pass, atLeast);
    if (fail !== null) failText = figure(fail, atLeast && r.metric !== 'error_rate');
    const size = decidingSize(r.need);
    if (atLeast && r.metric !== 'error_rate') remark = 'assumes no noise: more if answers vary';
    else if (size !== null && r.n >= size) remark = 'enough';
  }
  if (r.undecidable) remark = 'cannot pass at this size';
  return [
    escapeTerminal(checkName(r), CHECK_CHARS),
    formatBudget(r.metric, r.budget),
    thousands(r.n),
    passText,
    failText,
    remark,
  ];
}

/**
 * The plan as the text validate prints and run logs as it starts. `problems: false` leaves out
 * the checks that cannot be decided, for a caller that gives them as warnings.
 */
export function renderBudgetPlan(
  plan: BudgetPlan,
  o: { problems: boolean } = { problems: true },
): string {
  if (plan.rows.length === 0) return `plan: ${plan.cases} cases; no budgets, so no checks`;
  const head = ['check', 'budget', 'cases', 'to pass', 'to block 2×', ''];
  const rows = plan.rows.map(cells);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const power = `${Math.round(plan.power * 100)}%`;
  return [
    `plan: cases each check needs so that an unchanged candidate passes (to pass) and a regression of twice the budget is blocked (to block 2×), ${power} of the time each:`,
    `  ${line(head)}`,
    ...rows.map((r) => `  ${line(r)}`),
    ...plan.notes.map((n) => `  note: ${n}`),
    ...(o.problems
      ? plan.problems.map((p) => `  cannot be decided (${p.path}): ${p.message}`)
      : []),
  ].join('\n');
}
