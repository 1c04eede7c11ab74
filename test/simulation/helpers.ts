import { expect } from 'vitest';
import type { Budgets } from '../../src/config/schema.js';
import { buildChecks, type CheckSettings } from '../../src/gate/checks.js';
import { decide } from '../../src/gate/decide.js';
import type { Rng } from '../../src/stats/rng.js';
import type { CaseReport, Decision, SideResult } from '../../src/types.js';

// Seeded simulations of the gate's error rates. They drive the real decision (buildChecks →
// weighted Holm → decide) on synthetic case reports; no HTTP, so thousands of runs take seconds.

export const ALPHA = 0.05;

export function side(score: number, pass = score >= 1, latency = 500, cost = 0.001): SideResult {
  return {
    output: '',
    score,
    pass,
    scores: {},
    latency_ms: latency,
    input_tokens: 10,
    output_tokens: 10,
    cost_usd: cost,
    error: null,
  };
}

export function pair(
  i: number,
  baseline: SideResult,
  candidate: SideResult,
  slices: string[] = [],
  cluster?: string,
): CaseReport {
  return { id: `c${i}`, slices, baseline, candidate, ...(cluster ? { cluster } : {}) };
}

/** A standard normal draw (Box–Muller). */
export function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

export function settings(
  budgets: Budgets,
  seed: number,
  extra: Partial<CheckSettings> = {},
): CheckSettings {
  return { budgets, confidence: 1 - ALPHA, minCases: 30, seed, resamples: 999, ...extra };
}

export function decision(cases: CaseReport[], s: CheckSettings): Decision {
  return decide(buildChecks(cases, s).checks);
}

/** Standard error of a rate estimated from `runs` independent runs, at the rate `p`. */
export function simulationSe(p: number, runs: number): number {
  return Math.sqrt((p * (1 - p)) / runs);
}

/** The bar for false blocks: at most α plus three standard errors of the simulation. */
export function expectAtMostAlpha(blocks: number, runs: number, label: string): void {
  const limit = ALPHA + 3 * simulationSe(ALPHA, runs);
  expect(
    blocks / runs,
    `${label}: ${blocks} false blocks in ${runs} runs (limit ${limit.toFixed(4)})`,
  ).toBeLessThanOrEqual(limit);
}

/** Prints a simulation's figures when EVALGATE_SIM_REPORT is set (for the notes). */
export function report(line: string): void {
  if (process.env.EVALGATE_SIM_REPORT) console.log(line);
}
