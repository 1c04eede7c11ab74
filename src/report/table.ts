import { figureNote, type Recorded } from '../gate/figure-notes.js';
import type { Check, NoData, Report, Side, TargetMetrics, Verdict } from '../types.js';
import { thousands } from '../util/thousands.js';
import {
  checkName,
  formatBudget,
  formatConfidence,
  formatDelta,
  formatInterval,
  formatMilliseconds,
  formatUsd,
  formatValue,
  SEQUENTIAL_CI,
} from './format.js';
import { POPULATION_MARK, populationNote } from './population.js';
import type { Improvement, Regression } from './regressions.js';

// The rows and cells every renderer shows, as plain unescaped strings: the Markdown and terminal
// renderers differ in how they escape, align and decorate them, not in what they say.

const VERDICT_RANK: Record<Verdict, number> = { fail: 0, inconclusive: 1, pass: 2 };

/** Failing checks first, then inconclusive, then passing; whole-set before slices; else as given. */
export function sortChecks(checks: readonly Check[]): Check[] {
  return checks
    .map((check, index) => ({ check, index }))
    .sort(
      (a, b) =>
        VERDICT_RANK[a.check.verdict] - VERDICT_RANK[b.check.verdict] ||
        Number(a.check.slice !== null) - Number(b.check.slice !== null) ||
        a.index - b.index,
    )
    .map((x) => x.check);
}

export interface CheckCells {
  /** Contains the slice name, which comes from the dataset: escape it. */
  metric: string;
  baseline: string;
  candidate: string;
  change: string;
  budget: string;
  verdict: Verdict;
}

export const CHECK_HEADERS = ['Metric', 'Baseline', 'Candidate', 'Change', 'Budget', 'Verdict'];

/** The change with its interval, e.g. `-6.1 pts (95% CI -7.9..-4.4)`. */
export function formatChange(check: Check, confidence: number): string {
  const delta = formatDelta(check.metric, check.delta);
  if (check.delta === null || !check.ci) return delta;
  const adjusted = check.adjustment ? ', adjusted' : ''; // for multiplicity: see the reason
  // A sequential check's ends are at its look's levels, not at the gate's confidence.
  const label = check.look ? SEQUENTIAL_CI : `${formatConfidence(confidence)} CI`;
  return `${delta} (${label} ${formatInterval(check.metric, check.ci)}${adjusted})`;
}

/**
 * The cells of one check's row; `marked` when the row's baseline and candidate are over another
 * population than the targets table's (see population.ts), which a note under the table names.
 */
/** Each check's population note, by check (undefined where the tables agree). */
export function populationNotes(
  checks: readonly Check[],
  report: Pick<Report, 'targets' | 'meta'>,
): (string | undefined)[] {
  return checks.map((c) => populationNote(c, report));
}

/** `† latency p95: p95 over the 287 pairs both sides answered; …` */
export function populationLine(check: Check, note: string): string {
  return `${POPULATION_MARK} ${checkName(check)}: ${note}`;
}

/** The marker on a check's change whose figures rest on cached timings or partial token counts. */
export const FIGURE_MARK = '‡';

/** The recording a report's baseline came from, for the timing checks' notes. */
function recordedOf(report: Pick<Report, 'meta'>): Recorded | undefined {
  const file = report.meta.baseline_report;
  if (!file) return undefined;
  const at = report.meta.stored_baseline?.recorded_at;
  return { file, ...(at ? { at } : {}) };
}

/** `‡ latency p95: all 40 pairs have an answer from the response cache, …`, or undefined. */
export function figureLine(check: Check, report: Pick<Report, 'meta'>): string | undefined {
  const note = figureNote(check, recordedOf(report));
  return note ? `${FIGURE_MARK} ${checkName(check)}: ${note}` : undefined;
}

export function checkCells(
  check: Check,
  confidence: number,
  marked = false,
  report?: Pick<Report, 'meta'>,
): CheckCells {
  const mark = marked ? ` ${POPULATION_MARK}` : '';
  return {
    metric: checkName(check),
    baseline: formatValue(check.metric, check.baseline) + mark,
    candidate: formatValue(check.metric, check.candidate) + mark,
    change:
      formatChange(check, confidence) +
      (figureNote(check, report && recordedOf(report)) ? ` ${FIGURE_MARK}` : ''),
    budget: formatBudget(check.metric, check.budget),
    verdict: check.verdict,
  };
}

/** A case score, e.g. `0.40`. */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return '–';
  return score.toFixed(2);
}

/** A signed score change, e.g. `-0.60`. */
export function formatScoreDelta(delta: number): string {
  const s = Math.abs(delta).toFixed(2);
  if (s === '0.00') return '±0.00';
  return delta > 0 ? `+${s}` : `-${s}`;
}

/** Milliseconds as formatMilliseconds writes them (`812 ms`, `8.3 ms`, `0.021 ms`); `–` for none. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return formatMilliseconds(ms);
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return thousands(Math.round(n));
}

/** How one regressed case changed, e.g. `1.00 → 0.40 (-0.60)` or `1.00 → error (timeout)`. */
export function regressionChange(r: Regression): string {
  const from = formatScore(r.baselineScore);
  if (r.candidateError) return `${from} → error (${r.candidateError.kind})`;
  const to = formatScore(r.candidateScore);
  const delta = r.baselineScore === null ? '' : ` (${formatScoreDelta(-r.drop)})`;
  const fails = r.newlyFailing ? ', now failing' : '';
  return `${from} → ${to}${delta}${fails}`;
}

/** How one improved case changed, e.g. `0.50 → 1.00 (+0.50), now passing` or `error (timeout) → 1.00`. */
export function improvementChange(r: Improvement): string {
  const to = formatScore(r.candidateScore);
  if (r.baselineError) return `error (${r.baselineError.kind}) → ${to}`;
  const passes = r.newlyPassing ? ', now passing' : '';
  return `${formatScore(r.baselineScore)} → ${to} (${formatScoreDelta(r.gain)})${passes}`;
}

export interface TargetRow {
  label: string;
  values: Partial<Record<Side, string>>;
}

/** The sides a report has target metrics for, baseline first. */
export function reportSides(report: Pick<Report, 'targets'>): Side[] {
  return (['baseline', 'candidate'] as const).filter((s) => report.targets[s] !== undefined);
}

/** Rows of the targets table; streaming rows only when some side streamed. */
export function targetRows(report: Pick<Report, 'targets' | 'meta'>): TargetRow[] {
  const sides = reportSides(report);
  const row = (label: string, pick: (t: TargetMetrics) => string): TargetRow => {
    const values: Partial<Record<Side, string>> = {};
    for (const side of sides) values[side] = pick(report.targets[side]!);
    return { label, values };
  };
  const rows: TargetRow[] = [];
  if (sides.some((s) => report.meta.models?.[s])) {
    const values: Partial<Record<Side, string>> = {};
    for (const side of sides) values[side] = report.meta.models?.[side] ?? '–';
    rows.push({ label: 'Model', values });
  }
  // A figure a side never measured is unknown, not zero: targetNotes says why.
  const known = (figure: keyof NoData, show: (t: TargetMetrics) => string) => (t: TargetMetrics) =>
    t.no_data?.[figure] !== undefined ? 'unknown' : show(t);
  rows.push(
    row('Cases', (t) => formatCount(t.cases)),
    row('Quality', (t) => formatValue('quality', t.quality)),
    row('Pass rate', (t) => formatValue('pass_rate', t.pass_rate)),
    row('Error rate', (t) => formatValue('error_rate', t.error_rate)),
    row('Latency p50', (t) => formatMs(t.latency_ms?.p50)),
    row('Latency p95', (t) => formatMs(t.latency_ms?.p95)),
    row('Latency p99', (t) => formatMs(t.latency_ms?.p99)),
  );
  if (sides.some((s) => report.targets[s]?.ttft_ms)) {
    rows.push(
      row(
        'TTFT p95',
        known('ttft_ms', (t) => formatMs(t.ttft_ms?.p95)),
      ),
    );
  }
  if (sides.some((s) => report.targets[s]?.tpot_ms)) {
    rows.push(
      row(
        'TPOT p95',
        known('tpot_ms', (t) => formatMs(t.tpot_ms?.p95)),
      ),
    );
  }
  // Some answers without token counts: the totals below leave them out (see the run's warnings).
  if (sides.some((s) => report.targets[s]?.answers_without_tokens)) {
    rows.push(row('No token counts', (t) => formatCount(t.answers_without_tokens ?? 0)));
  }
  rows.push(
    row(
      'Input tokens',
      known('tokens', (t) => formatCount(t.input_tokens)),
    ),
    row(
      'Output tokens',
      known('tokens', (t) => formatCount(t.output_tokens)),
    ),
    row(
      'Cost',
      known('cost_usd', (t) => (Number.isFinite(t.cost_usd) ? formatUsd(t.cost_usd) : '–')),
    ),
  );
  return rows;
}

/**
 * Why the targets table says "unknown": one line per reason, baseline first, for the rows it
 * shows. A reason another one already contains (no token counts, then "…so its cost is unknown")
 * is said once.
 */
export function targetNotes(report: Pick<Report, 'targets' | 'meta'>): string[] {
  const sides = reportSides(report);
  const shown = new Set(targetRows(report).map((r) => r.label));
  const figures: [keyof NoData, string][] = [
    ['cost_usd', 'Cost'],
    ['tokens', 'Input tokens'],
    ['ttft_ms', 'TTFT p95'],
    ['tpot_ms', 'TPOT p95'],
  ];
  const notes: string[] = [];
  for (const side of sides) {
    for (const [figure, label] of figures) {
      const why = report.targets[side]?.no_data?.[figure];
      if (why && shown.has(label) && !notes.some((n) => n.includes(why))) notes.push(why);
    }
  }
  return notes;
}

/** Column heading for a side; a baseline taken from a recorded report says so. */
export function sideLabel(report: Pick<Report, 'meta'>, side: Side): string {
  if (side === 'baseline' && report.meta.baseline_report) return 'Baseline (recorded)';
  return side === 'baseline' ? 'Baseline' : 'Candidate';
}
