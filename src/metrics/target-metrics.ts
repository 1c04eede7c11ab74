import { classificationMetrics } from '../scorers/classification.js';
import { judgeUsage } from '../scorers/usage.js';
import { quantile } from '../stats/quantile.js';
import type { ErrorKind, Percentiles, SideResult, TargetMetrics } from '../types.js';
import { stability } from './stability.js';
import { lacksTokenCounts } from './token-counts.js';

/**
 * Errors the endpoint caused. A scorer that failed, or the judge/embeddings endpoint that scores
 * the answer, is our problem, not the target's error rate.
 */
export function isEndpointError(kind: ErrorKind | undefined): boolean {
  return kind !== undefined && kind !== 'scorer' && kind !== 'scorer_timeout' && kind !== 'judge';
}

/**
 * Over the finite values only. Endpoints' numbers are checked where they are read, but a report
 * must never carry NaN or Infinity (JSON writes them as null), whatever slipped through.
 */
function percentiles(all: number[]): Percentiles {
  const values = all.every(Number.isFinite) ? all : all.filter(Number.isFinite);
  if (values.length === 0) return { p50: 0, p95: 0, p99: 0, mean: 0 };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  let mean = sum / sorted.length;
  // Finite values can still add up past the largest double: then average as we go.
  if (!Number.isFinite(mean)) {
    mean = 0;
    for (const v of sorted) mean += v / sorted.length;
  }
  return {
    p50: round1(quantile(sorted, 0.5)),
    p95: round1(quantile(sorted, 0.95)),
    p99: round1(quantile(sorted, 0.99)),
    mean: round1(mean),
  };
}

function finiteOrZero(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

function round1(x: number): number {
  // Past 1e15 there is no tenth left to round to, and x * 10 could overflow.
  return Math.abs(x) < 1e15 ? Math.round(x * 10) / 10 : x;
}

/** Per-target aggregates for the report. Latency counts answered calls only: a timeout has none. */
export function targetMetrics(results: readonly (SideResult | undefined)[]): TargetMetrics {
  const rows = results.filter((r): r is SideResult => r !== undefined);
  const n = rows.length;
  let score = 0;
  let passed = 0;
  let errors = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let cost = 0;
  const latency: number[] = [];
  const ttft: number[] = [];
  const tpot: number[] = [];
  let cached = 0;
  let withoutTokens = 0;
  let counted = false;
  for (const r of rows) {
    score += r.score;
    if (r.pass) passed++;
    if (r.cached) cached++;
    // With repeats, percentiles are over calls: every answered one, even in a case that errored.
    if (r.repeat_latency_ms) for (const v of r.repeat_latency_ms) latency.push(v);
    if (isEndpointError(r.error?.kind)) errors++;
    else {
      if (!r.repeat_latency_ms) latency.push(r.latency_ms);
      if (lacksTokenCounts(r)) withoutTokens++;
      if (r.input_tokens > 0 || r.output_tokens > 0) counted = true;
      if (r.ttft_ms !== undefined) ttft.push(r.ttft_ms);
      if (r.tpot_ms !== undefined) tpot.push(r.tpot_ms);
    }
    inputTokens += finiteOrZero(r.input_tokens);
    outputTokens += finiteOrZero(r.output_tokens);
    cost += finiteOrZero(r.cost_usd);
  }
  const m: TargetMetrics = {
    cases: n,
    quality: n ? score / n : 0,
    pass_rate: n ? passed / n : 0,
    error_rate: n ? errors / n : 0,
    latency_ms: percentiles(latency),
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cost_usd: cost,
  };
  if (ttft.length) {
    const p = percentiles(ttft);
    m.ttft_ms = { p50: p.p50, p95: p.p95 };
  }
  if (tpot.length) {
    const p = percentiles(tpot);
    m.tpot_ms = { p50: p.p50, p95: p.p95 };
  }
  const judge = judgeUsage(rows);
  if (judge) m.judge = judge;
  const stable = stability(rows);
  if (stable) m.stability = stable;
  if (cached) m.cached = cached;
  // Without any counts the side has no token data at all, which no_data says.
  if (withoutTokens > 0 && counted) m.answers_without_tokens = withoutTokens;
  const classification = classificationMetrics(rows);
  if (classification) m.classification = classification;
  return m;
}
