import type { ScoringUsage, SideResult } from '../types.js';
import { roundMs } from '../util/round-ms.js';

/**
 * One case's k answers from one target (`run.repeats: k`) folded into the side result the rest
 * of the pipeline reads, each repeat counted as a call would be on its own:
 * - `score` is the mean of the k scores (a failed call scores 0, as always), `repeat_scores`
 *   holds them in order and `scores` each scorer's mean over the answers it scored;
 * - `pass` needs a strict majority of passing repeats (2 of 3; 1 of 2 fails): an answer that is
 *   right only half the time is not one a user can count on;
 * - tokens and cost are summed (k calls were paid for); `latency_ms`, `ttft_ms` and `tpot_ms`
 *   are means over answered calls, and `repeat_latency_ms` keeps each answered call's latency
 *   so the target's percentiles are per call;
 * - `error` is the first failed repeat's error, so the case counts in the error rate;
 * - `output` is the first answer, with its tool calls and steps; `distinct_outputs` counts
 *   different answers after trimming (an answer's text and its tool calls).
 */
export function combineRepeats(repeats: readonly SideResult[]): SideResult {
  const k = repeats.length;
  // A call that came back with text or tool calls was answered, even if a scorer then failed on it.
  const answered = repeats.filter((r) => r.output !== null || (r.tool_calls?.length ?? 0) > 0);
  const first = answered[0] ?? repeats[0]!;
  let score = 0;
  let passes = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let cost = 0;
  const sums: Record<string, [number, number]> = {};
  for (const r of repeats) {
    score += r.score;
    if (r.pass) passes++;
    inputTokens += r.input_tokens;
    outputTokens += r.output_tokens;
    cost += r.cost_usd;
    for (const [name, v] of Object.entries(r.scores)) {
      const s = sums[name];
      if (s) {
        s[0] += v;
        s[1]++;
      } else sums[name] = [v, 1];
    }
  }
  const scores: Record<string, number> = {};
  for (const [name, [sum, n]] of Object.entries(sums)) scores[name] = sum / n;

  const out: SideResult = {
    ...first,
    score: score / k,
    pass: passes * 2 > k,
    scores,
    latency_ms: roundMs(mean(answered.map((r) => r.latency_ms)) ?? first.latency_ms),
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cost_usd: cost,
    error: repeats.find((r) => r.error !== null)?.error ?? null,
    repeat_scores: repeats.map((r) => r.score),
    repeat_pass: repeats.map((r) => r.pass),
    repeat_latency_ms: answered.map((r) => r.latency_ms),
    distinct_outputs: new Set(answered.map(answerKey)).size,
  };
  const ttft = mean(answered.flatMap((r) => (r.ttft_ms === undefined ? [] : [r.ttft_ms])));
  const tpot = mean(answered.flatMap((r) => (r.tpot_ms === undefined ? [] : [r.tpot_ms])));
  if (ttft === undefined) delete out.ttft_ms;
  else out.ttft_ms = roundMs(ttft);
  if (tpot === undefined) delete out.tpot_ms;
  else out.tpot_ms = tpot; // unrounded, as scoreCall keeps it
  const judge = sumUsage(repeats.map((r) => r.judge));
  if (judge) out.judge = judge;
  const fromCache = repeats.filter((r) => r.cached).length;
  if (fromCache === k) out.cached = true;
  else {
    delete out.cached;
    if (fromCache > 0) out.cached_repeats = fromCache;
  }
  return out;
}

/** Two answers are the same when their text (trimmed) and their tool calls are. */
function answerKey(r: SideResult): string {
  const text = (r.output ?? '').trim();
  return r.tool_calls?.length ? `${text}\n${JSON.stringify(r.tool_calls)}` : text;
}

function mean(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

function sumUsage(list: (ScoringUsage | undefined)[]): ScoringUsage | undefined {
  let total: ScoringUsage | undefined;
  for (const u of list) {
    if (!u) continue;
    total ??= { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
    total.calls += u.calls;
    total.input_tokens += u.input_tokens;
    total.output_tokens += u.output_tokens;
    total.cost_usd += u.cost_usd;
  }
  return total;
}
