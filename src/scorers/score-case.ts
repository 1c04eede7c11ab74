import type { CallResult, GoldenCase, SideResult } from '../types.js';
import type { Scorer } from './scorer.js';

/**
 * Scores one answer. A failed call scores 0 and does not pass: the user got no answer. The
 * error itself is kept, so the error-rate check and the report can tell it apart from a wrong one.
 */
export async function scoreCall(
  call: CallResult,
  c: GoldenCase,
  scorers: Scorer[],
): Promise<SideResult> {
  const base: SideResult = {
    output: call.output,
    score: 0,
    pass: false,
    scores: {},
    latency_ms: round(call.latency_ms),
    input_tokens: call.input_tokens,
    output_tokens: call.output_tokens,
    cost_usd: call.cost_usd,
    error: call.error,
  };
  if (call.ttft_ms !== undefined) base.ttft_ms = round(call.ttft_ms);
  if (call.tpot_ms !== undefined) base.tpot_ms = round(call.tpot_ms);
  if (call.error || call.output === null) return base;

  let weighted = 0;
  let weights = 0;
  let pass = true;
  for (const s of scorers) {
    let value: number;
    try {
      const r = await s.score(call.output, c);
      value = Number.isFinite(r.score) ? Math.min(1, Math.max(0, r.score)) : 0;
    } catch (err) {
      base.error = {
        kind: 'scorer',
        message: `scorer "${s.name}" failed: ${(err as Error).message}`,
      };
      return base;
    }
    base.scores[s.name] = value;
    weighted += value * s.weight;
    weights += s.weight;
    if (value < s.threshold) pass = false;
  }
  base.score = weights > 0 ? weighted / weights : 0;
  base.pass = pass;
  return base;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
