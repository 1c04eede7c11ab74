import { estimatePromptTokens } from '../runner/rate-limit.js';
import { runsAgentLoop } from '../targets/agent-loop.js';
import type { Target } from '../targets/target.js';
import type { GoldenCase } from '../types.js';

// An agent case makes between one and max_steps model calls, and how many depends on answers
// not yet given. The plan states one assumption and the worst case: one call per canned tool
// result (each result answers one call, so a model that uses them all needs that many steps)
// plus the call that answers, capped at max_steps; at most max_steps. Each step sends the
// history so far: the first request, plus per earlier step the model's call turn (its output
// tokens) and the tool result fed back.

/** Calls and input tokens of one case on one target, as assumed and at worst. */
export interface CaseCalls {
  agent: boolean;
  calls: number;
  inputTokens: number;
  maxCalls: number;
  maxInputTokens: number;
}

/** Input tokens of `steps` calls whose history grows by `growth` tokens a step. */
function stepsInput(base: number, growth: number, steps: number): number {
  return steps * base + (growth * steps * (steps - 1)) / 2;
}

export function caseCalls(
  target: Target,
  c: GoldenCase,
  firstRequestTokens: number,
  outputTokensPerCall: number,
): CaseCalls {
  if (!runsAgentLoop(target, c)) {
    return {
      agent: false,
      calls: 1,
      inputTokens: firstRequestTokens,
      maxCalls: 1,
      maxInputTokens: firstRequestTokens,
    };
  }
  const results = c.tool_results ?? [];
  const maxSteps = target.maxSteps ?? 1;
  const steps = Math.min(maxSteps, results.length + 1);
  const resultTokens =
    results.length === 0
      ? 0
      : results.reduce((a, r) => a + estimatePromptTokens(JSON.stringify(r.result)), 0) /
        results.length;
  const growth = resultTokens + outputTokensPerCall;
  return {
    agent: true,
    calls: steps,
    inputTokens: Math.round(stepsInput(firstRequestTokens, growth, steps)),
    maxCalls: maxSteps,
    maxInputTokens: Math.round(stepsInput(firstRequestTokens, growth, maxSteps)),
  };
}
