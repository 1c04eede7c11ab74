import type { Plan } from '../engine.js';
import { isEndpointError } from '../metrics/target-metrics.js';
import { lacksTokenCounts } from '../metrics/token-counts.js';
import { estimatePromptTokens } from '../runner/rate-limit.js';
import { outputTokensGuess } from '../runner/settings.js';
import { pastBudget } from '../stats/past-budget.js';
import { costUsd } from '../targets/target.js';
import type { Side, SideResult } from '../types.js';
import { caseCalls } from './agent-steps.js';

/** A call's latency when no stored report says: a chat answer of a few hundred tokens. */
export const ASSUMED_LATENCY_MS = 2000;

/** What earlier answers measured, per side: mean output tokens and latency per answered call. */
export interface Observed {
  file: string;
  sides: Partial<Record<Side, ObservedSide>>;
}

export interface ObservedSide {
  /** Absent when no answer carried token counts: the plan then assumes, as without a report. */
  outputTokens?: number;
  /** Answers whose mean `outputTokens` is. */
  counted: number;
  latencyMs: number;
  answers: number;
}

/**
 * Means over answered calls (failed ones used no output and say nothing of latency). An agent
 * loop's answer sums its steps, so it counts as that many calls. Output tokens are over the
 * answers that carried token counts: one without them read as 0 would shrink the estimate.
 */
export function observe(file: string, sides: Partial<Record<Side, SideResult[]>>): Observed {
  const out: Observed = { file, sides: {} };
  for (const [side, results] of Object.entries(sides) as [Side, SideResult[]][]) {
    const ok = results.filter((r) => !isEndpointError(r.error?.kind));
    if (ok.length === 0) continue;
    const counted = ok.filter((r) => !lacksTokenCounts(r));
    // Per call: an agent case's figures cover its steps, and with run.repeats its tokens are the
    // sum over every repeat while its latency is already their mean (see runner/repeats.ts).
    const steps = (r: SideResult) => r.steps?.length || 1;
    const repeats = (r: SideResult) => r.repeat_scores?.length || 1;
    const mean = (
      rows: SideResult[],
      f: (r: SideResult) => number,
      calls: (r: SideResult) => number,
    ) => rows.reduce((a, r) => a + f(r), 0) / rows.reduce((a, r) => a + calls(r), 0);
    out.sides[side] = {
      ...(counted.length > 0
        ? {
            outputTokens: mean(
              counted,
              (r) => r.output_tokens,
              (r) => steps(r) * repeats(r),
            ),
          }
        : {}),
      counted: counted.length,
      latencyMs: mean(ok, (r) => r.latency_ms, steps),
      answers: ok.length,
    };
  }
  return out;
}

/** Agent loops on a side: their calls are an assumption, so the plan also gives the worst case. */
export interface AgentCalls {
  /** Cases that run as an agent loop on this target (`tool_results`, max_steps above 1). */
  cases: number;
  maxSteps: number;
  /** Calls the estimate assumes for those cases (all repeats). */
  assumedCalls: number;
  /** Calls of the whole side if every loop ran to max_steps. */
  maxCalls: number;
  /** The side's cost at maxCalls; absent without a price. */
  maxCostUsd?: number;
}

export interface SideEstimate {
  side: Side;
  calls: number;
  inputTokens: number;
  outputTokensPerCall: number;
  /** Where the output tokens per call come from: a stored report, or the assumption named. */
  outputSource: string;
  outputTokens: number;
  /** Absent when the target has no `price`. */
  costUsd?: number;
  latencyMs: number;
  latencySource: string;
  concurrency: number;
  durationMs: number;
  /** What bounds the duration: calls in flight, or a per-minute quota. */
  limitedBy: 'concurrency' | 'rpm' | 'tpm';
  agent?: AgentCalls;
}

export interface CostEstimate {
  cases: number;
  repeats: number;
  sides: SideEstimate[];
  /** Sum over sides; absent when some side has no price. */
  costUsd?: number;
  /** The sides run at once: the slower one. */
  durationMs: number;
  /** Judge calls (llm_judge, faithfulness, answer_relevance: one per answer each): not priced. */
  judgeCalls: number;
  maxCostUsd?: number;
  /** run.cache is on: some calls may be answered from disk (counted as sent all the same). */
  cached: boolean;
}

/** Scorers that call the judge endpoint once per answer. */
const JUDGED = new Set(['llm_judge', 'faithfulness', 'answer_relevance']);

type PlanInput = Pick<Plan, 'config' | 'cases' | 'targets' | 'scorers'>;

/**
 * What a run of `plan` will send and cost, from the requests rendered exactly as the run renders
 * them: input tokens are the request body's characters / 4 (the estimator the rate limiter uses;
 * within about 20% for English text, less close for code or other scripts). Nothing is sent.
 */
export function estimatePlan(plan: PlanInput, observed?: Observed): CostEstimate {
  const { config, cases } = plan;
  const repeats = config.run.repeats;
  const sides = Object.keys(plan.targets) as Side[];
  const estimates = sides.map((side): SideEstimate => {
    const target = plan.targets[side]!;
    const cfg = config.targets[side];
    // A stored report's figures for this side, else for the side it has (a recording's candidate).
    const seen = observed?.sides[side] ?? Object.values(observed?.sides ?? {})[0];
    const guess = outputTokensGuess(cfg);
    const outputTokensPerCall = seen?.outputTokens ?? guess;
    const sum = { calls: 0, input: 0, maxCalls: 0, maxInput: 0, agentCases: 0, agentCalls: 0 };
    for (const c of cases) {
      const first = estimatePromptTokens(target.dialect.buildRequest(c).body);
      const k = caseCalls(target, c, first, outputTokensPerCall);
      sum.calls += k.calls;
      sum.input += k.inputTokens;
      sum.maxCalls += k.maxCalls;
      sum.maxInput += k.maxInputTokens;
      if (k.agent) {
        sum.agentCases++;
        sum.agentCalls += k.calls;
      }
    }
    const calls = sum.calls * repeats;
    const inputTokens = sum.input * repeats;
    const assumed =
      cfg.type !== 'http' && guess !== 256
        ? `assumed: the max_tokens sent (${guess})`
        : `assumed: ${guess} per call`;
    const outputSource =
      seen?.outputTokens !== undefined
        ? seen.counted < seen.answers
          ? `mean of the ${seen.counted} of ${seen.answers} answers with token counts in ${observed!.file}`
          : `mean of ${seen.answers} answers in ${observed!.file}`
        : seen
          ? `${assumed}; no answer in ${observed!.file} carried token counts`
          : assumed;
    const outputTokens = Math.round(outputTokensPerCall * calls);
    const latencyMs = seen ? seen.latencyMs : ASSUMED_LATENCY_MS;
    const latencySource = seen
      ? `mean of ${seen.answers} answers in ${observed!.file}`
      : `assumed: ${ASSUMED_LATENCY_MS / 1000} s per call`;
    const concurrency = cfg.concurrency ?? config.run.concurrency;
    const bounds: [SideEstimate['limitedBy'], number][] = [
      ['concurrency', Math.ceil(calls / concurrency) * latencyMs],
    ];
    if (cfg.rpm) bounds.push(['rpm', (calls / cfg.rpm) * 60_000]);
    if (cfg.tpm) bounds.push(['tpm', ((inputTokens + outputTokens) / cfg.tpm) * 60_000]);
    const [limitedBy, durationMs] = bounds.reduce((a, b) => (b[1] > a[1] ? b : a));
    const agent: AgentCalls | undefined =
      sum.agentCases === 0
        ? undefined
        : {
            cases: sum.agentCases * repeats,
            maxSteps: target.maxSteps ?? 1,
            assumedCalls: sum.agentCalls * repeats,
            maxCalls: sum.maxCalls * repeats,
            ...(cfg.price
              ? {
                  maxCostUsd: costUsd(
                    cfg.price,
                    sum.maxInput * repeats,
                    Math.round(outputTokensPerCall * sum.maxCalls * repeats),
                  ),
                }
              : {}),
          };
    return {
      side,
      calls,
      inputTokens,
      outputTokensPerCall,
      outputSource,
      outputTokens,
      ...(cfg.price ? { costUsd: costUsd(cfg.price, inputTokens, outputTokens) } : {}),
      latencyMs,
      latencySource,
      concurrency,
      durationMs,
      limitedBy,
      ...(agent ? { agent } : {}),
    };
  });
  const priced = estimates.every((e) => e.costUsd !== undefined);
  let judgeCalls = 0;
  for (const list of plan.scorers) {
    judgeCalls += list.filter((s) => JUDGED.has(s.type)).length * repeats * sides.length;
  }
  return {
    cases: cases.length,
    repeats,
    sides: estimates,
    ...(priced && estimates.length > 0
      ? { costUsd: estimates.reduce((a, e) => a + (e.costUsd ?? 0), 0) }
      : {}),
    durationMs: Math.max(0, ...estimates.map((e) => e.durationMs)),
    judgeCalls,
    cached: config.run.cache !== undefined,
    ...(config.run.max_cost_usd !== undefined ? { maxCostUsd: config.run.max_cost_usd } : {}),
  };
}

/** True when the estimate already costs more than `run.max_cost_usd` allows. */
export function overBudget(e: CostEstimate): boolean {
  return (
    e.maxCostUsd !== undefined && e.costUsd !== undefined && pastBudget(e.costUsd, e.maxCostUsd)
  );
}
