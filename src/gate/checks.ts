import type { Comparison } from '../compare/comparison.js';
import { compareErrorCeiling } from '../compare/error-ceiling.js';
import { comparePairedMeans } from '../compare/paired-mean.js';
import { compareRatio } from '../compare/ratio.js';
import type { Budgets } from '../config/schema.js';
import { isEndpointError } from '../metrics/target-metrics.js';
import { createRng } from '../stats/rng.js';
import type { CaseReport, Check, MetricName, SideResult } from '../types.js';
import { judge } from './verdict.js';

export interface CheckSettings {
  budgets: Budgets;
  slices?: { by: string[]; min_cases: number; budgets: Budgets };
  confidence: number;
  minCases: number;
  seed: number;
  resamples?: number;
}

type Pair = { b: SideResult; c: SideResult };

// Each check draws from its own seeded stream, so adding a slice or a budget does not change the
// bootstrap of any other check: a given seed always gives the same decision.
function streamSeed(seed: number, key: string): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return h >>> 0;
}

function compareMetric(
  metric: MetricName,
  pairs: Pair[],
  candidates: SideResult[],
  budget: number,
  s: CheckSettings,
  key: string,
): Comparison {
  switch (metric) {
    case 'quality':
      return comparePairedMeans(
        pairs.map((p) => p.b.score),
        pairs.map((p) => p.c.score),
        budget,
        s.confidence,
      );
    case 'pass_rate':
      return comparePairedMeans(
        pairs.map((p) => Number(p.b.pass)),
        pairs.map((p) => Number(p.c.pass)),
        budget,
        s.confidence,
      );
    case 'latency_p95':
    case 'cost': {
      const usable =
        metric === 'cost'
          ? pairs
          : pairs.filter(
              (p) => !isEndpointError(p.b.error?.kind) && !isEndpointError(p.c.error?.kind),
            );
      const field = metric === 'cost' ? 'cost_usd' : 'latency_ms';
      return compareRatio(
        Float64Array.from(usable, (p) => p.b[field]),
        Float64Array.from(usable, (p) => p.c[field]),
        {
          statistic: metric === 'cost' ? 'sum' : 'p95',
          maxIncrease: budget,
          confidence: s.confidence,
          rng: createRng(streamSeed(s.seed, key)),
          resamples: s.resamples ?? 2000,
        },
      );
    }
    case 'error_rate': {
      const baseErrors = pairs.filter((p) => isEndpointError(p.b.error?.kind)).length;
      const errors = candidates.filter((r) => isEndpointError(r.error?.kind)).length;
      return compareErrorCeiling(
        baseErrors,
        pairs.length,
        errors,
        candidates.length,
        budget,
        s.confidence,
      );
    }
  }
}

function budgetList(b: Budgets): [MetricName, number][] {
  const out: [MetricName, number][] = [];
  if (b.quality) out.push(['quality', b.quality.max_drop]);
  if (b.pass_rate) out.push(['pass_rate', b.pass_rate.max_drop]);
  if (b.latency_p95) out.push(['latency_p95', b.latency_p95.max_increase]);
  if (b.cost) out.push(['cost', b.cost.max_increase]);
  if (b.error_rate) out.push(['error_rate', b.error_rate.max]);
  return out;
}

function checksFor(
  cases: CaseReport[],
  slice: string | null,
  budgets: Budgets,
  minCases: number,
  s: CheckSettings,
): Check[] {
  const pairs: Pair[] = [];
  const candidates: SideResult[] = [];
  for (const c of cases) {
    if (c.candidate) candidates.push(c.candidate);
    if (c.baseline && c.candidate) pairs.push({ b: c.baseline, c: c.candidate });
  }
  return budgetList(budgets).map(([metric, budget]) =>
    judge({
      metric,
      slice,
      budget,
      confidence: s.confidence,
      minCases,
      comparison: compareMetric(metric, pairs, candidates, budget, s, `${metric}|${slice ?? ''}`),
    }),
  );
}

/** Every budget becomes a check on the whole set, and each slice's budgets a check per slice. */
export function buildChecks(
  cases: CaseReport[],
  s: CheckSettings,
): { checks: Check[]; warnings: string[] } {
  const checks = checksFor(cases, null, s.budgets, s.minCases, s);
  const warnings: string[] = [];
  if (s.slices) {
    const bySlice = new Map<string, CaseReport[]>();
    for (const c of cases) {
      for (const label of c.slices) {
        const members = bySlice.get(label);
        if (members) members.push(c);
        else bySlice.set(label, [c]);
      }
    }
    const small: string[] = [];
    for (const [label, members] of [...bySlice].sort(([a], [b]) => a.localeCompare(b))) {
      if (members.length < s.slices.min_cases) {
        small.push(`${label} (${members.length})`);
        continue;
      }
      checks.push(...checksFor(members, label, s.slices.budgets, s.slices.min_cases, s));
    }
    if (small.length) {
      warnings.push(
        `${small.length} slice(s) have fewer than slices.min_cases = ${s.slices.min_cases} cases and were not gated: ${small.join(', ')}`,
      );
    }
  }
  return { checks, warnings };
}
