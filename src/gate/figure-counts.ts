import { isEndpointError } from '../metrics/target-metrics.js';
import { lacksTokenCounts } from '../metrics/token-counts.js';
import { checkName } from '../report/format.js';
import type { CaseReport, Check, Side, SideResult } from '../types.js';
import { thousands } from '../util/thousands.js';
import { isTimed, type Recorded } from './figure-notes.js';

// What figure-notes.ts words, counted from the answers, and the run's warnings about it.

/** Whether any of an answer's timings came from the cache: the whole answer, or some repeats. */
export function timedFromCache(r: SideResult): boolean {
  return r.cached === true || (r.cached_repeats ?? 0) > 0;
}

/** Pairs of a timing check (those `include` marks) with an answer from the cache on either side. */
export function cachedPairs(
  rows: readonly { b: SideResult; c: SideResult }[],
  include: Uint8Array,
): number {
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const p = rows[i]!;
    if (include[i] && (timedFromCache(p.b) || timedFromCache(p.c))) n++;
  }
  return n;
}

/** A side answered the call and its reply carried no token counts. */
export function answeredWithoutTokens(r: SideResult): boolean {
  return !isEndpointError(r.error?.kind) && lacksTokenCounts(r);
}

/**
 * The run warning for timing checks that rest on cached answers: how many of each side's
 * answers came from the cache, and how to time both sides together.
 */
export function cacheWarning(cases: readonly CaseReport[], checks: readonly Check[]): string[] {
  const timed = checks.filter((c) => isTimed(c.metric) && (c.cached_pairs ?? 0) > 0);
  if (timed.length === 0) return [];
  const count: Record<Side, number> = { baseline: 0, candidate: 0 };
  let partly = 0;
  for (const c of cases) {
    if (!c.baseline || !c.candidate) continue;
    for (const [side, r] of [
      ['baseline', c.baseline],
      ['candidate', c.candidate],
    ] as const) {
      if (timedFromCache(r)) count[side]++;
      if (r.cached_repeats) partly++;
    }
  }
  const names = [...new Set(timed.map((c) => checkName({ metric: c.metric, slice: null })))];
  const sides = (['baseline', 'candidate'] as const).filter((s) => count[s] > 0);
  return [
    `${thousands(count.baseline)} baseline and ${thousands(count.candidate)} candidate answer(s) came from the response cache (run.cache)` +
      (partly > 0 ? ` (${thousands(partly)} of them in some of their repeats only)` : '') +
      ': ' +
      `their latency, TTFT and TPOT were measured when they were fetched, not alongside the other side's, ` +
      `so ${names.join(', ')} compare timings from different moments; ` +
      `set \`cache: false\` on target ${sides.join(' and ')} to time both sides together`,
  ];
}

/** The run warning for timing checks against a recorded baseline (`--baseline-report`). */
export function recordedWarning(
  checks: readonly Check[],
  recorded: Recorded | undefined,
): string[] {
  if (!recorded) return [];
  const timed = checks.filter((c) => isTimed(c.metric) && c.delta !== null);
  if (timed.length === 0) return [];
  const names = [...new Set(timed.map((c) => checkName({ metric: c.metric, slice: null })))];
  return [
    `the baseline's latency, TTFT and TPOT are from ${recorded.file}${recorded.at ? ` (recorded ${recorded.at})` : ''}, ` +
      `not measured alongside the candidate's, so ${names.join(', ')} compare timings from different moments; ` +
      'run both targets (without --baseline-report) to time them together',
  ];
}

/**
 * The run warning for a side that sent token counts on some answers only: its token and cost
 * totals leave the others out, and `cost` (when gated) compares the pairs both sides counted.
 */
export function partialTokensWarning(
  side: Side,
  answers: readonly (SideResult | undefined)[],
  without: number | undefined,
  costGated: boolean,
  recorded = false,
): string[] {
  if (!without) return [];
  let answered = 0;
  for (const r of answers) if (r && !isEndpointError(r.error?.kind)) answered++;
  const where = recorded
    ? `the recorded ${side} has no token counts on ${thousands(without)} of its ${thousands(answered)} answers`
    : `the ${side}'s replies carried no token counts on ${thousands(without)} of its ${thousands(answered)} answers ` +
      "(the endpoint left out `usage`, or an http target's usage path found nothing)";
  return [
    `${where}: its token and cost totals count only the others` +
      (costGated ? ', and the cost check leaves those cases out on both sides' : ''),
  ];
}
