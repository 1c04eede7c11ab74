import type { CaseReport, ScoringUsage, SideResult } from '../types.js';

/** The judge calls made to score one target's answers, summed; undefined when there were none. */
export function judgeUsage(rows: readonly (SideResult | undefined)[]): ScoringUsage | undefined {
  let total: ScoringUsage | undefined;
  for (const r of rows) {
    if (!r?.judge) continue;
    total ??= { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
    total.calls += r.judge.calls;
    total.input_tokens += r.judge.input_tokens;
    total.output_tokens += r.judge.output_tokens;
    total.cost_usd += r.judge.cost_usd;
  }
  return total;
}

/**
 * Says how many answers could not be scored because a scoring endpoint failed: they score 0
 * (the quality comparison cannot tell them apart from wrong answers), so a reader must know.
 */
export function scoringWarnings(cases: readonly CaseReport[]): string[] {
  const out: string[] = [];
  for (const side of ['baseline', 'candidate'] as const) {
    const n = cases.filter((c) => c[side]?.error?.kind === 'judge').length;
    if (n > 0) {
      out.push(
        `${n} ${side} answer(s) could not be scored (the judge or embeddings endpoint failed): ` +
          'they score 0 and fail, but do not count toward the error rate',
      );
    }
    const broke = cases.filter((c) => {
      const kind = c[side]?.error?.kind;
      return kind === 'scorer' || kind === 'scorer_timeout';
    }).length;
    if (broke > 0) {
      out.push(
        `${broke} ${side} answer(s) could not be scored (a scorer failed or ran past run.scorer_timeout_ms): ` +
          'they score 0 and fail, but do not count toward the error rate',
      );
    }
  }
  return out;
}
