import type { CallResult } from '../../src/types.js';

/** A successful call that answered `output`: what a scorer test hands to scoreCall. */
export function answered(output: string, latencyMs = 1): CallResult {
  return {
    output,
    latency_ms: latencyMs,
    input_tokens: 1,
    output_tokens: 1,
    cost_usd: 0,
    error: null,
    attempts: 1,
  };
}
