import type { Side } from '../types.js';
import { budgetOf, impliedBad, type LiveMetricConfig } from './config-schema.js';
import { PrometheusError, type PrometheusOptions, queryRange, type Sample } from './prometheus.js';

/** One live metric's two series over the window, after the metric's `missing` rule. */
export interface SeriesPair {
  metric: LiveMetricConfig;
  baseline: number[];
  candidate: number[];
  /** Samples Prometheus returned for each side, before any missing step was filled. */
  returned: Record<Side, number>;
  /**
   * Samples at the infinity the metric's bad direction points to (+Inf where an increase is
   * bad): a histogram_quantile past the highest bucket. Counted, not in the series above.
   */
  infinite: Record<Side, number>;
}

export interface Window {
  startMs: number;
  endMs: number;
  stepMs: number;
}

/** The PromQL each side runs: `query` with {{target}} filled, or the side's own query. */
export function queryFor(m: LiveMetricConfig, side: Side): string {
  if (m.query !== undefined && m.targets) return m.query.replaceAll('{{target}}', m.targets[side]);
  return side === 'baseline' ? m.baseline_query! : m.candidate_query!;
}

/** A live metric that cannot be judged: unreachable server, query error, no data where required. */
export class LiveDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveDataError';
  }
}

/** The step timestamps Prometheus evaluates a range query at: start, start + step, … ≤ end. */
function grid(w: Window): number[] {
  const out: number[] = [];
  for (let t = w.startMs; t <= w.endMs; t += w.stepMs) out.push(t);
  return out;
}

/** The infinity a metric's bad direction points to: a sample there is worse than any value. */
export function worstInfinity(m: LiveMetricConfig): number {
  return impliedBad(budgetOf(m).kind) === 'increase'
    ? Number.POSITIVE_INFINITY
    : Number.NEGATIVE_INFINITY;
}

/**
 * Applies the metric's `missing` rule. NaN (0/0: an error ratio with no traffic) and ±Inf count
 * as missing, like a step with no sample (the judge counts the bad-direction infinities apart:
 * see SeriesPair.infinite). `ignore` keeps the finite samples; `zero` puts 0 at
 * every step without one (a counter of rare events that has not happened yet has no series);
 * `fail` refuses a series with a gap.
 */
export function applyMissing(
  samples: Sample[],
  w: Window,
  rule: LiveMetricConfig['missing'],
  what: string,
): number[] {
  const finite = samples.filter(([, v]) => Number.isFinite(v));
  if (rule === 'ignore') return finite.map(([, v]) => v);
  const steps = grid(w);
  // Prometheus returns its own step timestamps; match them to the grid within half a step.
  const byStep = new Map<number, number>();
  for (const [t, v] of finite) byStep.set(Math.round((t - w.startMs) / w.stepMs), v);
  if (rule === 'zero') return steps.map((_, i) => byStep.get(i) ?? 0);
  const gaps = steps.length - byStep.size;
  if (finite.length > 0 && gaps > 0) {
    throw new LiveDataError(
      `${what}: ${gaps} of ${steps.length} steps have no sample (missing: fail)`,
    );
  }
  return finite.map(([, v]) => v);
}

/** How many range queries are in flight at once: a few, the server is shared. */
const QUERY_CONCURRENCY = 4;

/** Fetches both sides of every metric over the window. Throws LiveDataError naming the metric. */
export async function fetchAll(
  metrics: readonly LiveMetricConfig[],
  w: Window,
  prometheus: PrometheusOptions,
): Promise<SeriesPair[]> {
  const jobs = metrics.flatMap((m) =>
    (['baseline', 'candidate'] as const).map((side) => ({ m, side })),
  );
  const results = new Map<string, Sample[]>();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { m, side } = jobs[next++]!;
      try {
        results.set(
          `${m.name}/${side}`,
          await queryRange(prometheus, queryFor(m, side), w.startMs, w.endMs, w.stepMs),
        );
      } catch (err) {
        if (err instanceof PrometheusError) {
          throw new LiveDataError(`live metric ${m.name} (${side}): ${err.message}`);
        }
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(QUERY_CONCURRENCY, jobs.length) }, worker));
  return metrics.map((m) => {
    const raw = (side: Side) => results.get(`${m.name}/${side}`)!;
    const returned = {
      baseline: raw('baseline').filter(([, v]) => Number.isFinite(v)).length,
      candidate: raw('candidate').filter(([, v]) => Number.isFinite(v)).length,
    };
    const worst = worstInfinity(m);
    const infinite = {
      baseline: raw('baseline').filter(([, v]) => v === worst).length,
      candidate: raw('candidate').filter(([, v]) => v === worst).length,
    };
    if (m.must_have_data) {
      // A series at the worst infinity has data: the worst there is.
      const empty = (['baseline', 'candidate'] as const).filter(
        (s) => returned[s] === 0 && infinite[s] === 0,
      );
      if (empty.length > 0) {
        throw new LiveDataError(
          `live metric ${m.name}: no data for the ${empty.join(' and ')} in the window (must_have_data); the query matched no series or only NaN`,
        );
      }
    }
    return {
      metric: m,
      baseline: applyMissing(raw('baseline'), w, m.missing, `live metric ${m.name} (baseline)`),
      candidate: applyMissing(raw('candidate'), w, m.missing, `live metric ${m.name} (candidate)`),
      returned,
      infinite,
    };
  });
}
