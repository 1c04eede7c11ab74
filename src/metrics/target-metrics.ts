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
 * Over the finite values only (the first `count` of `all`, which it sorts in place). Endpoints'
 * numbers are checked where they are read, but a report must never carry NaN or Infinity (JSON
 * writes them as null), whatever slipped through.
 */
function percentiles(all: Float64Array, count: number): Percentiles {
  let sorted = all.subarray(0, count);
  if (!sorted.every(Number.isFinite)) sorted = sorted.filter(Number.isFinite);
  if (sorted.length === 0) return { p50: 0, p95: 0, p99: 0, mean: 0 };
  sorted.sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  let mean = sum / sorted.length;
  // Finite values can still add up past the largest double: then average as we go.
  if (!Number.isFinite(mean)) {
    mean = 0;
    for (let i = 0; i < sorted.length; i++) mean += sorted[i]! / sorted.length;
  }
  return {
    p50: round1(quantile(sorted, 0.5)),
    p95: round1(quantile(sorted, 0.95)),
    p99: round1(quantile(sorted, 0.99)),
    mean: round1(mean),
  };
}

/**
 * Timings gathered into a typed array: a JS array of 100,000 doubles, grown a push at a time,
 * was a good part of a large run's decision.
 */
class Column {
  values: Float64Array;
  count = 0;
  constructor(capacity: number) {
    this.values = new Float64Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = v;
  }
  percentiles(): Percentiles {
    return percentiles(this.values, this.count);
  }
}

function finiteOrZero(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

function round1(x: number): number {
  // Past 1e15 there is no tenth left to round to, and x * 10 could overflow.
  return Math.abs(x) < 1e15 ? Math.round(x * 10) / 10 : x;
}

/**
 * Per-target aggregates for the report. Latency counts answered calls only: a timeout has none.
 * One pass over the answers: on a 100,000-case run each further pass was felt in the decision.
 */
export function targetMetrics(results: readonly (SideResult | undefined)[]): TargetMetrics {
  let n = 0;
  let score = 0;
  let passed = 0;
  let errors = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let cost = 0;
  const latency = new Column(results.length);
  const ttft = new Column(0);
  const tpot = new Column(0);
  let cached = 0;
  let withoutTokens = 0;
  let counted = false;
  // Whether a figure only some runs have (a judge, repeats, labels) needs its own pass.
  let judged = false;
  let repeated = false;
  let labelled = false;
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r === undefined) continue;
    n++;
    score += r.score;
    if (r.pass) passed++;
    if (r.cached) cached++;
    if (r.judge) judged = true;
    if (r.repeat_pass) repeated = true;
    if (r.label) labelled = true;
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
    latency_ms: latency.percentiles(),
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cost_usd: cost,
  };
  if (ttft.count) {
    const p = ttft.percentiles();
    m.ttft_ms = { p50: p.p50, p95: p.p95 };
  }
  if (tpot.count) {
    const p = tpot.percentiles();
    m.tpot_ms = { p50: p.p50, p95: p.p95 };
  }
  const judge = judged ? judgeUsage(results) : undefined;
  if (judge) m.judge = judge;
  const stable = repeated
    ? stability(results.filter((r): r is SideResult => r !== undefined))
    : undefined;
  if (stable) m.stability = stable;
  if (cached) m.cached = cached;
  // Without any counts the side has no token data at all, which no_data says.
  if (withoutTokens > 0 && counted) m.answers_without_tokens = withoutTokens;
  const classification = labelled ? classificationMetrics(results) : undefined;
  if (classification) m.classification = classification;
  return m;
}
