import type { CallError, CallResult, GoldenCase, ScoringUsage, SideResult } from '../types.js';
import { roundMs } from '../util/round-ms.js';
import { recordAnswerParts } from './answer-record.js';
import {
  type AnswerParts,
  type ScoreResult,
  type Scorer,
  ScorerError,
  ScoringCancelledError,
} from './scorer.js';

type Outcome = { scorer: Scorer; result: ScoreResult } | { scorer: Scorer; error: unknown };

function addUsage(into: ScoringUsage, u: ScoringUsage): void {
  into.calls += u.calls;
  into.input_tokens += u.input_tokens;
  into.output_tokens += u.output_tokens;
  into.cost_usd += u.cost_usd;
}

function toCallError(s: Scorer, err: unknown): CallError {
  const message = err instanceof Error ? err.message : String(err);
  return {
    kind: err instanceof ScorerError ? err.kind : 'scorer',
    message: `scorer "${s.name}" failed: ${message}`,
  };
}

/**
 * Scores one answer. A failed call scores 0 and does not pass: the user got no answer. The
 * error itself is kept, so the error-rate check and the report can tell it apart from a wrong one.
 *
 * A scorer that cannot score (the judge is down, a custom module throws or overruns
 * run.scorer_timeout_ms) makes the answer score 0 and fail too, with an error of kind `judge`,
 * `scorer` or `scorer_timeout` that is not the target's error rate; never a silent 0 that looks
 * like a wrong answer. The other scorers' values are still kept.
 */
export function scoreCall(
  call: CallResult,
  c: GoldenCase,
  scorers: Scorer[],
): SideResult | Promise<SideResult> {
  const base: SideResult = {
    output: call.output,
    score: 0,
    pass: false,
    scores: {},
    latency_ms: roundMs(call.latency_ms),
    input_tokens: call.input_tokens,
    output_tokens: call.output_tokens,
    cost_usd: call.cost_usd,
    error: call.error,
  };
  if (call.ttft_ms !== undefined) base.ttft_ms = roundMs(call.ttft_ms);
  // Not rounded: a token takes well under 0.1 ms on a fast model, and the statistics compare
  // these figures relative to each other (0.8 vs 0.88 ms is +10%; rounded, +12.5%).
  if (call.tpot_ms !== undefined) base.tpot_ms = call.tpot_ms;
  recordAnswerParts(call, base);
  // An answer that only called tools is an answer: its text is empty, its calls are scored.
  const calledTools = (call.tool_calls?.length ?? 0) > 0;
  if (call.error || (call.output === null && !calledTools)) return base;
  const output = call.output ?? '';
  // Assigned, not spread: four conditional spreads built and copied up to four objects per call.
  const answer: AnswerParts = {};
  if (call.tool_calls) answer.tool_calls = call.tool_calls;
  if (call.steps) answer.steps = call.steps;
  if (call.context) answer.context = call.context;
  if (call.sources) answer.sources = call.sources;

  // Every scorer at once: a judge call and an embedding request need not wait for each other.
  // Most scorers answer synchronously; only when one returns a promise is there anything to wait
  // for (a promise per scorer per call was a measurable share of a run's CPU).
  const started: (Outcome | Promise<Outcome>)[] = [];
  let waiting = false;
  for (const scorer of scorers) {
    let outcome: Outcome | Promise<Outcome>;
    try {
      const result = scorer.score(output, c, answer);
      if (typeof (result as Partial<PromiseLike<ScoreResult>>).then === 'function') {
        waiting = true;
        outcome = Promise.resolve(result).then(
          (r): Outcome => ({ scorer, result: r }),
          (error): Outcome => ({ scorer, error }),
        );
      } else outcome = { scorer, result: result as ScoreResult };
    } catch (error) {
      outcome = { scorer, error };
    }
    started.push(outcome);
  }
  // Synchronous when every scorer was: the runner then files the answer without a promise.
  if (waiting) return Promise.all(started).then((outcomes) => combine(base, outcomes));
  return combine(base, started as Outcome[]);
}

/** The call's scores, pass and failure from its scorers' outcomes, written into `base`. */
function combine(base: SideResult, outcomes: readonly Outcome[]): SideResult {
  let weighted = 0;
  let weights = 0;
  let pass = true;
  // Cancelled mid-scoring: the runner leaves this answer out of the partial report.
  if (outcomes.some((o) => 'error' in o && o.error instanceof ScoringCancelledError)) {
    base.error = { kind: 'aborted', message: 'scoring was cancelled' };
    return base;
  }
  let failure: CallError | null = null;
  for (const o of outcomes) {
    const s = o.scorer;
    if ('error' in o) {
      failure ??= toCallError(s, o.error);
      if (o.error instanceof ScorerError && o.error.usage) addUsage(judgeOf(base), o.error.usage);
      continue;
    }
    const r = o.result;
    const value = Number.isFinite(r.score) ? Math.min(1, Math.max(0, r.score)) : 0;
    base.scores[s.name] = value;
    if (r.reason) {
      base.reasons ??= {};
      base.reasons[s.name] = boundedReason(r.reason);
    }
    if (r.usage) addUsage(judgeOf(base), r.usage);
    if (r.label) base.label = r.label;
    weighted += value * s.weight;
    weights += s.weight;
    if (value < s.threshold || r.pass === false) pass = false;
  }
  if (failure) {
    base.error = failure;
    return base;
  }
  base.score = weights > 0 ? weighted / weights : 0;
  base.pass = pass;
  return base;
}

/** The side's judge usage, started at zero on first use. */
function judgeOf(side: SideResult): ScoringUsage {
  side.judge ??= { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
  return side.judge;
}

/** A reason is a sentence for a reader; a module that returns megabytes of it bloats the report. */
export const MAX_REASON_CHARS = 4000;

// Ends in "…" when cut, which also tells the report's redactor to mask a key the cut ended in.
function boundedReason(reason: string): string {
  if (reason.length <= MAX_REASON_CHARS) return reason;
  let end = MAX_REASON_CHARS;
  const last = reason.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // never split a surrogate pair
  return `${reason.slice(0, end)}…`;
}
