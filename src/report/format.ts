import type { Check, MetricName } from '../types.js';

// One place decides how each metric reads to a person, so the gate's reasons, the job summary,
// the PR comment and the terminal table all say the same thing in the same units.

/** What every surface says of a run blocked only because it was inconclusive. */
export const BLOCKED_INCONCLUSIVE = 'inconclusive, and gate.on_inconclusive is fail';

/** Metrics gated on a relative change (candidate / baseline − 1) rather than an absolute one. */
export const RELATIVE_METRICS: ReadonlySet<MetricName> = new Set([
  'latency_p95',
  'cost',
  'ttft_p95',
  'tpot_p95',
  'live_max_increase',
]);

/**
 * Live canary metrics (Check.name names each): their levels are in the metric's own units, which
 * evalgate does not know, so they read as plain numbers.
 */
export const LIVE_METRICS: ReadonlySet<MetricName> = new Set([
  'live_max_increase',
  'live_max_drop',
  'live_max',
]);

/** Metrics measured as a population stability index (a unitless shift, budget `max_psi`). */
export const DRIFT_METRICS: ReadonlySet<MetricName> = new Set(['drift', 'label_drift']);

export const METRIC_LABELS: Record<MetricName, string> = {
  quality: 'quality',
  pass_rate: 'pass rate',
  latency_p95: 'latency p95',
  cost: 'cost',
  error_rate: 'error rate',
  ttft_p95: 'TTFT p95',
  tpot_p95: 'TPOT p95',
  drift: 'score drift',
  label_drift: 'label drift',
  live_max_increase: 'live metric',
  live_max_drop: 'live metric',
  live_max: 'live metric',
};

function trim(n: number, digits: number): string {
  const s = n.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function signed(s: string, n: number): string {
  return n > 0 ? `+${s}` : n < 0 ? s : s.replace(/^-/, '');
}

/** A metric's level, e.g. `91.2%`, `812 ms`, `$0.0132`. */
export function formatValue(metric: MetricName, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  switch (metric) {
    case 'quality':
    case 'pass_rate':
    case 'error_rate':
      return `${(value * 100).toFixed(1)}%`;
    // As the targets table shows milliseconds.
    case 'latency_p95':
    case 'ttft_p95':
    case 'tpot_p95':
      return formatMilliseconds(value);
    case 'cost':
      return formatUsd(value);
    case 'drift':
    case 'label_drift':
      return `PSI ${value.toFixed(3)}`;
    case 'live_max_increase':
    case 'live_max_drop':
    case 'live_max':
      return plain(value);
  }
}

/**
 * Milliseconds: whole numbers from 10 ms (`812 ms`), one decimal from 1 ms (`8.3 ms`), two
 * significant digits below (`0.021 ms`, `0.8 ms`). A time per output token is often a few hundredths
 * of a millisecond: a fixed one decimal would show it, and any change in it, as `0.0 ms`.
 */
export function formatMilliseconds(ms: number): string {
  return `${millis(ms)} ms`;
}

function millis(ms: number): string {
  const a = Math.abs(ms);
  const tenths = ms.toFixed(1);
  // 9.96 rounds to 10: written as a whole number, as 10 ms is.
  if (a === 0 || a >= 1) return Math.abs(Number(tenths)) >= 10 ? String(Math.round(ms)) : tenths;
  // Two significant digits, written out: toPrecision would write 1e-7 ms as `1.0e-7`.
  const [mantissa, exponent] = a.toExponential(1).split('e') as [string, string];
  const e = Number(exponent);
  if (e >= 0) return tenths; // 0.995 and up round to 1.0
  const digits = `0.${'0'.repeat(-e - 1)}${mantissa.replace('.', '')}`.replace(/0+$/, '');
  return ms < 0 ? `-${digits}` : digits;
}

/** A number in unknown units: four significant digits, no exponent for everyday magnitudes. */
function plain(value: number): string {
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a >= 1e-4 && a < 1e6) return String(Number(value.toPrecision(4)));
  return value.toPrecision(3);
}

export function formatUsd(value: number): string {
  if (value === 0) return '$0';
  if (Math.abs(value) >= 100) return `$${value.toFixed(0)}`;
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  return `$${value.toPrecision(3)}`;
}

/** A change: points for absolute metrics (`-6.1 pts`), percent for relative ones (`+12.3%`). */
export function formatDelta(metric: MetricName, delta: number | null): string {
  if (delta === null || !Number.isFinite(delta)) return '–';
  const digits = 1;
  if (DRIFT_METRICS.has(metric)) return `PSI ${delta.toFixed(3)}`;
  if (RELATIVE_METRICS.has(metric)) return signed(`${(delta * 100).toFixed(digits)}%`, delta);
  if (LIVE_METRICS.has(metric)) return signed(plain(delta), delta);
  return signed(`${(delta * 100).toFixed(digits)} pts`, delta);
}

/** The interval in the same units as the change, e.g. `-7.9..-4.4`. */
export function formatInterval(metric: MetricName, ci: [number, number] | null): string {
  if (!ci) return '–';
  if (DRIFT_METRICS.has(metric)) return `${ci[0].toFixed(3)}..${ci[1].toFixed(3)}`;
  if (LIVE_METRICS.has(metric) && !RELATIVE_METRICS.has(metric)) {
    const end = (v: number) =>
      Number.isFinite(v)
        ? metric === 'live_max'
          ? plain(v)
          : signed(plain(v), v)
        : v > 0
          ? '+∞'
          : '-∞';
    return `${end(ci[0])}..${end(ci[1])}`;
  }
  // Changes carry their sign; the error rate's interval is a level (its budget is a ceiling).
  const level = metric === 'error_rate';
  const scale = (v: number) => {
    if (!Number.isFinite(v)) return v > 0 ? '+∞' : '-∞';
    const s = (v * 100).toFixed(1);
    return level ? s : signed(s, v);
  };
  const unit = RELATIVE_METRICS.has(metric) || level ? '%' : '';
  return `${scale(ci[0])}${unit}..${scale(ci[1])}${unit}`;
}

/** The budget as the user wrote it: `2 pts`, `+20%`, `≤ 1%`. */
export function formatBudget(metric: MetricName, budget: number): string {
  if (metric === 'error_rate') return `≤ ${trim(budget * 100, 2)}%`;
  if (metric === 'live_max') return `≤ ${plain(budget)}`;
  if (metric === 'live_max_drop') return `-${plain(budget)}`;
  if (DRIFT_METRICS.has(metric)) return `PSI ≤ ${trim(budget, 3)}`;
  if (RELATIVE_METRICS.has(metric)) return `+${trim(budget * 100, 2)}%`;
  return `${trim(budget * 100, 2)} pts`;
}

/** What a sequential check's interval is called: its ends are at its look's levels, not 95%. */
export const SEQUENTIAL_CI = 'group-sequential CI';

export function formatConfidence(confidence: number): string {
  return `${trim(confidence * 100, 1)}%`;
}

/** `quality [tags=billing]` or `quality`; a live check by its own name. */
export function checkName(check: Pick<Check, 'metric' | 'slice'> & { name?: string }): string {
  if (check.name !== undefined) return check.name;
  return check.slice
    ? `${METRIC_LABELS[check.metric]} [${check.slice}]`
    : METRIC_LABELS[check.metric];
}
