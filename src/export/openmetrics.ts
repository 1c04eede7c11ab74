import type { Check, Report, Side, TargetMetrics } from '../types.js';
import { SIDES } from '../types.js';

// A run's figures as text in the OpenMetrics 1.0 format, for the metrics stack SRE teams watch
// (written with `--metrics`, pushed with `--pushgateway`; docs/metrics.md lists every name).
//
// Every family is a gauge: a run is one snapshot, and nothing here counts up across runs. State
// sets (the decision, each verdict) are gauges with a `state` label, one series per state, 1 for
// the current one, as kube-state-metrics does, rather than the OpenMetrics `stateset` type: the
// Prometheus text parser that the Pushgateway, node_exporter's textfile collector and promtool
// use rejects `stateset` and `info`, while everything here also reads as Prometheus text (the
// `# UNIT` and `# EOF` lines are comments to it). The text is the same for the file and the push.

/** Labels on every sample (the run's own, from `--metrics-label`): name → value. */
export type MetricLabels = Readonly<Record<string, string>>;

/** Label names the exporter sets itself: a run label may not take one of them. */
export const OWN_LABELS = ['side', 'model', 'metric', 'slice', 'state', 'kind', 'version'];

/** What `slice` is for the checks on the whole golden set (a slice is always `key=value`). */
export const WHOLE_SET = 'all';

/** The states of `evalgate_decision` and `evalgate_check_verdict`, in this order. */
const STATES = ['pass', 'fail', 'inconclusive'] as const;

/**
 * Longer label values are cut (slice names and model names come from datasets and configs): to
 * this many code points, then `…` and a hash of the whole value, so two long names that share a
 * prefix stay two series.
 */
const MAX_LABEL_CHARS = 200;
const CUT_LABEL_CHARS = 180;

interface Family {
  name: string;
  help: string;
  /** The OpenMetrics unit; the name ends with `_<unit>`. */
  unit?: string;
  samples: { labels: [string, string][]; value: number }[];
}

function fnv1a(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** A label value as written: well-formed (so valid UTF-8), no control but line feed, bounded. */
export function boundLabelValue(value: string): string {
  // A lone surrogate cannot be written as UTF-8, and a carriage return or NUL, though the format
  // allows them, splits or cuts the line in tools that read it less carefully: each becomes U+FFFD.
  const wellFormed = value.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g,
    '\ufffd',
  );
  // Replacing is lossy ("a\u0001" and "a\u0002" both read "a\ufffd"), and two slices written
  // as one series make a Pushgateway refuse the whole push: a value that lost characters, or
  // was cut, carries a hash of what it was.
  const points = Array.from(wellFormed);
  if (points.length <= MAX_LABEL_CHARS && wellFormed === value) return value;
  return `${points.slice(0, CUT_LABEL_CHARS).join('')}…${fnv1a(value)}`;
}

/** Escapes a label value: backslash, double quote and line feed are the only escapes. */
export function escapeLabelValue(value: string): string {
  return boundLabelValue(value).replace(/[\\"\n]/g, (c) =>
    c === '\\' ? '\\\\' : c === '"' ? '\\"' : '\\n',
  );
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  // JavaScript's shortest round-trip form ("1e-7", "1.5e+21") is valid OpenMetrics.
  return String(v);
}

function renderFamily(f: Family, base: [string, string][]): string {
  const lines = [`# TYPE ${f.name} gauge`];
  if (f.unit) lines.push(`# UNIT ${f.name} ${f.unit}`);
  lines.push(`# HELP ${f.name} ${f.help}`);
  for (const s of f.samples) {
    const labels = [...base, ...s.labels];
    const set = labels.length
      ? `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`
      : '';
    lines.push(`${f.name}${set} ${formatValue(s.value)}`);
  }
  return lines.join('\n');
}

// Milliseconds to seconds without float noise (1210.4 ms is 1.2104 s, not 1.2104000000000001).
const ms = (v: number) => Number((v / 1000).toPrecision(15));

/** Families in a fixed order; a family is only written when it has samples. */
class Families {
  private readonly byName = new Map<string, Family>();

  add(name: string, help: string, unit?: string): Family {
    const f: Family = { name, help, ...(unit ? { unit } : {}), samples: [] };
    this.byName.set(name, f);
    return f;
  }

  get(name: string): Family {
    const f = this.byName.get(name);
    if (!f) throw new Error(`no metric family ${name}`);
    return f;
  }

  render(base: [string, string][]): string {
    return [...this.byName.values()]
      .filter((f) => f.samples.length > 0)
      .map((f) => renderFamily(f, base))
      .join('\n');
  }
}

function declare(): Families {
  const fs = new Families();
  fs.add('evalgate_run_info', 'The evalgate version that made the run (value 1).');
  fs.add('evalgate_run_start_time_seconds', 'When the run started, in Unix time.', 'seconds');
  fs.add('evalgate_run_duration_seconds', 'How long the run took.', 'seconds');
  fs.add('evalgate_run_cases', 'Golden cases in the run.');
  fs.add(
    'evalgate_run_incomplete',
    '1 when the run stopped early and nothing was judged (exit 3), else 0.',
  );
  fs.add(
    'evalgate_run_blocked',
    '1 when the run blocked (exit 1), else 0; absent on recordings and incomplete runs.',
  );
  fs.add('evalgate_decision', 'The decision: 1 for the current state, 0 for the others.');
  fs.add('evalgate_target_cases', 'Cases the target answered or tried.');
  fs.add('evalgate_target_quality', 'Mean case score of the target, 0 to 1.');
  fs.add('evalgate_target_pass_ratio', 'Share of cases that pass.', 'ratio');
  fs.add('evalgate_target_error_ratio', 'Share of calls that failed.', 'ratio');
  // Quantiles are one gauge each, not a `quantile` label: promtool's linter keeps that label
  // for summaries, and a summary's _count and _sum (which the Pushgateway would fill with
  // zeros) mean nothing for one run's figures.
  const quantiles = [
    ['latency', 'Latency of the answered calls, request to last byte', ['p50', 'p95', 'p99']],
    ['time_to_first_token', 'Time to first token (streaming targets)', ['p50', 'p95']],
    ['time_per_output_token', 'Time per output token after the first (streaming)', ['p50', 'p95']],
  ] as const;
  for (const [what, help, keys] of quantiles)
    for (const key of keys)
      fs.add(`evalgate_target_${what}_${key}_seconds`, `${help}: ${key}.`, 'seconds');
  fs.add('evalgate_target_latency_mean_seconds', 'Mean latency of the answered calls.', 'seconds');
  fs.add('evalgate_target_tokens', 'Tokens the target used over the run, by kind.', 'tokens');
  fs.add('evalgate_target_cost_usd', 'What the target cost over the run, in US dollars.', 'usd');
  fs.add(
    'evalgate_target_classification_accuracy_ratio',
    'Classification accuracy of the target.',
    'ratio',
  );
  fs.add('evalgate_target_classification_macro_f1', 'Classification macro-F1 of the target.');
  fs.add(
    'evalgate_check_change',
    'The change the check measured: points for quality and pass rate, a relative change for latency, TTFT, TPOT and cost, the error ratio change, the PSI for drift.',
  );
  fs.add(
    'evalgate_check_interval_lower',
    'Lower end of the interval the verdict rests on, in the units of the budget.',
  );
  fs.add(
    'evalgate_check_interval_upper',
    'Upper end of the interval the verdict rests on, in the units of the budget.',
  );
  fs.add('evalgate_check_budget', 'The budget as configured.');
  fs.add('evalgate_check_p_value', 'Evidence that the regression exceeds the budget.');
  fs.add(
    'evalgate_check_adjusted_p_value',
    'The p-value after the multiplicity correction (weighted Holm).',
  );
  fs.add('evalgate_check_sample_size', 'Pairs, cases or calls the check used.');
  fs.add('evalgate_check_verdict', 'The check verdict: 1 for the current state, 0 for the others.');
  return fs;
}

function addTarget(fs: Families, side: Side, model: string, t: TargetMetrics): void {
  const who: [string, string][] = [
    ['side', side],
    ['model', model],
  ];
  const put = (name: string, value: number, extra: [string, string][] = []) =>
    fs.get(name).samples.push({ labels: [...who, ...extra], value });
  const quantiles = (what: string, q: Partial<Record<'p50' | 'p95' | 'p99', number>>) => {
    for (const key of ['p50', 'p95', 'p99'] as const) {
      const v = q[key];
      if (v !== undefined) put(`evalgate_target_${what}_${key}_seconds`, ms(v));
    }
  };
  put('evalgate_target_cases', t.cases);
  put('evalgate_target_quality', t.quality);
  put('evalgate_target_pass_ratio', t.pass_rate);
  put('evalgate_target_error_ratio', t.error_rate);
  quantiles('latency', t.latency_ms);
  put('evalgate_target_latency_mean_seconds', ms(t.latency_ms.mean));
  // A figure the target never measured is left out: its zero in the report means "unknown".
  if (t.ttft_ms && !t.no_data?.ttft_ms) quantiles('time_to_first_token', t.ttft_ms);
  if (t.tpot_ms && !t.no_data?.tpot_ms) quantiles('time_per_output_token', t.tpot_ms);
  if (!t.no_data?.tokens) {
    put('evalgate_target_tokens', t.input_tokens, [['kind', 'input']]);
    put('evalgate_target_tokens', t.output_tokens, [['kind', 'output']]);
  }
  if (!t.no_data?.cost_usd) put('evalgate_target_cost_usd', t.cost_usd);
  if (t.classification) {
    put('evalgate_target_classification_accuracy_ratio', t.classification.accuracy);
    put('evalgate_target_classification_macro_f1', t.classification.macro_f1);
  }
}

function addCheck(fs: Families, c: Check): void {
  // A live canary check is named by its config (`live.metrics[].name`), not by its budget's form.
  const which: [string, string][] = [
    ['metric', c.name ?? c.metric],
    ['slice', c.slice ?? WHOLE_SET],
  ];
  const put = (name: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined) fs.get(name).samples.push({ labels: which, value });
  };
  put('evalgate_check_budget', c.budget);
  put('evalgate_check_sample_size', c.n);
  // Without an interval (too few cases, no data on a side, a canary that cannot pass) nothing
  // was measured, yet the report may still hold the comparison's raw change and p-value (0 and
  // 1 on three cases; an error ratio's tail on an endpoint that only answered 404): as series
  // they would read as "no change" or as evidence. docs/metrics.md: no such series.
  if (c.ci) {
    put('evalgate_check_change', c.delta);
    put('evalgate_check_interval_lower', c.ci[0]);
    put('evalgate_check_interval_upper', c.ci[1]);
    put('evalgate_check_p_value', c.p_value);
    put('evalgate_check_adjusted_p_value', c.p_adjusted);
  }
  for (const state of STATES)
    fs.get('evalgate_check_verdict').samples.push({
      labels: [...which, ['state', state]],
      value: c.verdict === state ? 1 : 0,
    });
}

/**
 * The report's figures as OpenMetrics text, ending with `# EOF`. `labels` go on every sample
 * (their names are checked by the caller: see src/export/labels.ts).
 */
export function renderOpenMetrics(report: Report, labels: MetricLabels = {}): string {
  const fs = declare();
  fs.get('evalgate_run_info').samples.push({
    labels: [['version', report.meta.version]],
    value: 1,
  });
  const started = Date.parse(report.meta.started_at);
  if (Number.isFinite(started))
    fs.get('evalgate_run_start_time_seconds').samples.push({ labels: [], value: started / 1000 });
  fs.get('evalgate_run_duration_seconds').samples.push({
    labels: [],
    value: ms(report.meta.duration_ms),
  });
  fs.get('evalgate_run_cases').samples.push({ labels: [], value: report.cases.length });
  fs.get('evalgate_run_incomplete').samples.push({
    labels: [],
    value: report.incomplete ? 1 : 0,
  });
  if (report.blocked !== undefined)
    fs.get('evalgate_run_blocked').samples.push({ labels: [], value: report.blocked ? 1 : 0 });
  for (const state of STATES)
    fs.get('evalgate_decision').samples.push({
      labels: [['state', state]],
      value: report.decision === state ? 1 : 0,
    });
  for (const side of SIDES) {
    const t = report.targets[side];
    if (t) addTarget(fs, side, report.meta.models[side] ?? '', t);
  }
  // Two checks on one metric and slice cannot happen in a report; keep the first if one did, so
  // the text never holds a duplicate series (which Prometheus refuses whole).
  const seen = new Set<string>();
  for (const c of report.checks) {
    // Keyed as written, which is what Prometheus compares.
    const key = JSON.stringify([
      c.name ?? c.metric,
      c.slice === null ? null : boundLabelValue(c.slice),
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    addCheck(fs, c);
  }
  const base = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${fs.render(base)}\n# EOF\n`;
}
