import type { CallError, CaseReport, Report } from '../types.js';

// Which cases got worse or better, and by how much. The Markdown summary, the terminal table and
// the JUnit file all point at the same cases, so the rules live here once.

/** Score changes smaller than this are float noise, not a regression. */
const EPSILON = 1e-9;

export interface Regression {
  case: CaseReport;
  /** The baseline's score, or null when the case has no baseline side. */
  baselineScore: number | null;
  /** The candidate's score as reported (an errored call usually scores 0). */
  candidateScore: number;
  /** baseline − candidate, counting a candidate error as a score of 0; 0 without a baseline. */
  drop: number;
  candidateError: CallError | null;
  /** The baseline passed and the candidate does not. */
  newlyFailing: boolean;
}

/**
 * The regression in one case, or null when the candidate is at least as good as the baseline.
 * A candidate error always counts (even when the baseline errored too: the call still failed);
 * so does a case the baseline passed and the candidate fails, whatever the scores.
 */
export function regressionOf(c: CaseReport): Regression | null {
  const cand = c.candidate;
  if (!cand) return null;
  const base = c.baseline;
  const baselineScore = base ? base.score : null;
  const effective = cand.error ? 0 : cand.score;
  const drop = baselineScore === null ? 0 : Math.max(0, baselineScore - effective);
  const newlyFailing = Boolean(base?.pass) && !cand.pass;
  if (!cand.error && drop <= EPSILON && !newlyFailing) return null;
  return {
    case: c,
    baselineScore,
    candidateScore: cand.score,
    drop: drop <= EPSILON ? 0 : drop,
    candidateError: cand.error,
    newlyFailing,
  };
}

function byId(a: { case: CaseReport }, b: { case: CaseReport }): number {
  return a.case.id < b.case.id ? -1 : a.case.id > b.case.id ? 1 : 0;
}

function compare(a: Regression, b: Regression): number {
  if (a.drop !== b.drop) return b.drop - a.drop;
  if (Boolean(a.candidateError) !== Boolean(b.candidateError)) return a.candidateError ? -1 : 1;
  if (a.newlyFailing !== b.newlyFailing) return a.newlyFailing ? -1 : 1;
  return byId(a, b);
}

/** The cases `of` picks, in `order`, at most `limit` of them. */
function ranked<T>(
  report: Pick<Report, 'cases'>,
  of: (c: CaseReport) => T | null,
  order: (a: T, b: T) => number,
  limit: number,
): T[] {
  const out: T[] = [];
  for (const c of report.cases) {
    const r = of(c);
    if (r) out.push(r);
  }
  out.sort(order);
  return Number.isFinite(limit) ? out.slice(0, Math.max(0, Math.floor(limit))) : out;
}

/** Every regressed case, worst first: largest score drop, then errors, then new failures, then id. */
export function allRegressions(report: Pick<Report, 'cases'>): Regression[] {
  return ranked(report, regressionOf, compare, Number.POSITIVE_INFINITY);
}

/** The `limit` worst regressed cases (see `allRegressions` for the order). */
export function topRegressions(
  report: Pick<Report, 'cases'>,
  limit = Number.POSITIVE_INFINITY,
): Regression[] {
  return ranked(report, regressionOf, compare, limit);
}

export interface Improvement {
  case: CaseReport;
  /** The baseline's score as reported (an errored call usually scores 0). */
  baselineScore: number;
  candidateScore: number;
  /** candidate − baseline, counting a baseline error as a score of 0. */
  gain: number;
  baselineError: CallError | null;
  /** The baseline failed and the candidate passes. */
  newlyPassing: boolean;
}

/**
 * The improvement in one case, or null: the mirror of {@link regressionOf} — a candidate that
 * answered where the baseline's call failed, a higher score, or a case that now passes. A case
 * that regressed in any way (an error, a lower score, a new failure) is never also improved.
 */
export function improvementOf(c: CaseReport): Improvement | null {
  const cand = c.candidate;
  const base = c.baseline;
  if (!cand || !base || regressionOf(c)) return null;
  const effective = base.error ? 0 : base.score;
  const gain = Math.max(0, cand.score - effective);
  const newlyPassing = !base.pass && cand.pass;
  if (!base.error && gain <= EPSILON && !newlyPassing) return null;
  return {
    case: c,
    baselineScore: base.score,
    candidateScore: cand.score,
    gain: gain <= EPSILON ? 0 : gain,
    baselineError: base.error,
    newlyPassing,
  };
}

function compareImprovements(a: Improvement, b: Improvement): number {
  if (a.gain !== b.gain) return b.gain - a.gain;
  if (Boolean(a.baselineError) !== Boolean(b.baselineError)) return a.baselineError ? -1 : 1;
  if (a.newlyPassing !== b.newlyPassing) return a.newlyPassing ? -1 : 1;
  return byId(a, b);
}

/**
 * The `limit` most improved cases (every one by default), best first: largest score gain, then
 * fixed baseline errors, then new passes, then id. `--show improved` and `--csv` list these.
 */
export function improvedCases(
  report: Pick<Report, 'cases'>,
  limit = Number.POSITIVE_INFINITY,
): Improvement[] {
  return ranked(report, improvementOf, compareImprovements, limit);
}
