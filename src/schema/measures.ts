import * as z from 'zod';

// The ranges of what one answer measures, shared by the report's schema (report.ts: merge, view)
// and the recorded answers `run --baseline-report` reads (report/stored-baseline.ts). A module of
// its own: a run that reads no report should not build the report's whole schema as it starts
// (10 ms).

/** A score: every scorer's value, and their weighted mean, is clamped to 0..1 when scored. */
export const score = z.number().min(0).max(1);
/** A count: calls, tokens, cases (zod's int() is a safe integer). */
export const count = z.number().int().min(0);
/**
 * Counts that `evalgate merge` adds up across shards (meta.calls, scoring usage): at most this
 * each, so MAX_SHARDS shards' sum is still exact. Ten trillion calls or tokens: no run comes near.
 */
export const MAX_SUMMED_COUNT = 1e13;
/**
 * A measured time (ms) or cost (USD) of one answer, far past anything a call takes or costs, yet
 * small enough that sums and squares over any number of cases stay finite in the statistics.
 */
const MAX_MEASURE = 1e15;
export const ms = z.number().min(0).max(MAX_MEASURE);
export const usd = z.number().min(0).max(MAX_MEASURE);

/** What the statistics read of one answer: its scores, timings, tokens and cost. */
export const answerFigures = {
  score,
  pass: z.boolean(),
  scores: z.record(z.string(), score),
  latency_ms: ms,
  ttft_ms: ms.optional(),
  tpot_ms: ms.optional(),
  input_tokens: count,
  output_tokens: count,
  cost_usd: usd,
  repeat_scores: z.array(score).optional(),
  repeat_latency_ms: z.array(ms).optional(),
};
