import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { boundLabelValue, renderOpenMetrics } from '../../src/export/openmetrics.js';
import { needTools } from '../helpers/system-tools.js';
import { makeReport } from '../report/fixture.js';
import {
  exportReport,
  HOSTILE_SLICE,
  incompleteReport,
  parseExposition,
  type Sample,
} from './fixture.js';

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );

function one(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = find(samples, name, labels);
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
}

describe('renderOpenMetrics', () => {
  const text = renderOpenMetrics(exportReport(), { service: 'support-bot' });
  const { samples, families } = parseExposition(text);

  it('is OpenMetrics: gauges with TYPE, UNIT and HELP first, units as name suffixes, # EOF last', () => {
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(
      text.split('\n').filter((l) => l.startsWith('#') && !/^# (TYPE|UNIT|HELP) /.test(l)),
    ).toEqual(['# EOF']);
    for (const [name, f] of families) {
      expect(name).toMatch(/^evalgate_[a-z0-9_]+$/);
      expect(f.type, name).toBe('gauge');
      expect(f.help, name).toBeTruthy();
      if (f.unit) expect(name.endsWith(`_${f.unit}`), name).toBe(true);
      // Prometheus conventions: _total only on counters; base units only.
      expect(name).not.toMatch(/_total$|_ms$|_milliseconds$|_percent$/);
    }
    const series = samples.map(
      (s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`,
    );
    expect(new Set(series).size).toBe(series.length);
    for (const s of samples) expect(s.labels.service).toBe('support-bot');
  });

  it('carries the per-target figures in base units', () => {
    const cand = { side: 'candidate' };
    expect(one(samples, 'evalgate_target_quality', cand)).toBe(0.849);
    expect(one(samples, 'evalgate_target_pass_ratio', cand)).toBe(0.5);
    expect(one(samples, 'evalgate_target_error_ratio', cand)).toBeCloseTo(1 / 6, 12);
    expect(one(samples, 'evalgate_target_latency_p95_seconds', { side: 'baseline' })).toBe(1.2104);
    expect(one(samples, 'evalgate_target_latency_p99_seconds', cand)).toBe(2.1);
    expect(one(samples, 'evalgate_target_time_to_first_token_p95_seconds', cand)).toBe(0.21);
    expect(one(samples, 'evalgate_target_time_per_output_token_p95_seconds', cand)).toBe(0.0125);
    expect(one(samples, 'evalgate_target_tokens', { ...cand, kind: 'output' })).toBe(3400);
    expect(one(samples, 'evalgate_target_cost_usd', cand)).toBe(0.0125);
    expect(one(samples, 'evalgate_target_classification_accuracy_ratio', cand)).toBe(0.6);
    expect(one(samples, 'evalgate_target_classification_macro_f1', cand)).toBe(0.55);
    expect(find(samples, 'evalgate_target_quality', cand)[0]!.labels.model).toBe(
      'ft:gpt-4.1-mini:org"x\\y\nz',
    );
  });

  it('carries every check, drift included, and one verdict state set per check', () => {
    const tpot = { metric: 'tpot_p95', slice: 'all' };
    expect(one(samples, 'evalgate_check_change', tpot)).toBe(0.52);
    expect(one(samples, 'evalgate_check_interval_lower', tpot)).toBe(0.31);
    expect(one(samples, 'evalgate_check_interval_upper', tpot)).toBe(0.74);
    expect(one(samples, 'evalgate_check_budget', tpot)).toBe(0.2);
    expect(one(samples, 'evalgate_check_p_value', tpot)).toBe(0.0004);
    expect(one(samples, 'evalgate_check_adjusted_p_value', tpot)).toBe(0.002);
    expect(one(samples, 'evalgate_check_change', { metric: 'label_drift' })).toBe(0.41);
    const report = exportReport();
    for (const c of report.checks) {
      const states = find(samples, 'evalgate_check_verdict', {
        metric: c.metric,
        slice: boundLabelValue(c.slice ?? 'all'),
      });
      expect(states.map((s) => s.labels.state).sort()).toEqual(['fail', 'inconclusive', 'pass']);
      expect(states.find((s) => s.value === 1)!.labels.state).toBe(c.verdict);
      expect(states.reduce((a, s) => a + s.value, 0)).toBe(1);
    }
    expect(one(samples, 'evalgate_decision', { state: 'fail' })).toBe(1);
    expect(one(samples, 'evalgate_decision', { state: 'pass' })).toBe(0);
    expect(one(samples, 'evalgate_run_blocked')).toBe(1);
    expect(one(samples, 'evalgate_run_incomplete')).toBe(0);
    expect(one(samples, 'evalgate_run_start_time_seconds')).toBe(1735689600);
    expect(one(samples, 'evalgate_run_duration_seconds')).toBe(12.345);
    expect(one(samples, 'evalgate_run_info', { version: '0.1.0' })).toBe(1);
    // A figure without data (no interval) is left out, not written as 0 or NaN.
    expect(
      find(samples, 'evalgate_check_change', { slice: boundLabelValue(HOSTILE_SLICE) }),
    ).toEqual([]);
  });

  it('keeps a hostile slice name inside its label value', () => {
    const hostile = find(samples, 'evalgate_check_verdict', {
      state: 'inconclusive',
      metric: 'quality',
    })
      .map((s) => s.labels.slice)
      .filter((v) => v !== 'all' && v?.startsWith('tags=a'));
    // Read back exactly, except the lone surrogate (not encodable as UTF-8), the carriage return
    // and the NUL, each U+FFFD, and a hash of the name as it was (the replacing lost something).
    expect(hostile).toEqual([
      `${HOSTILE_SLICE.replace(/[\ud800\r\u0000]/g, '\ufffd')}…${boundLabelValue(HOSTILE_SLICE).split('…').at(-1)}`,
    ]);
    expect(boundLabelValue(HOSTILE_SLICE)).toMatch(/…[0-9a-f]{8}$/);
    for (const line of text.split('\n'))
      expect(line === '# EOF' || !line.startsWith('# EOF')).toBe(true);
  });

  it('keeps names that differ only in characters it replaces two series', () => {
    const names = ['tags=a\u0001', 'tags=a\u0002', 'tags=a\ufffd', 'tags=a\u0085', 'tags=a\r'];
    const written = names.map(boundLabelValue);
    expect(new Set(written).size).toBe(names.length);
    expect(written[2]).toBe('tags=a\ufffd'); // nothing replaced: written as it is
    for (const w of written) expect(w).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('cuts a long label value with a hash, so two long names stay two series', () => {
    const a = `tags=${'x'.repeat(300)}a`;
    const b = `tags=${'x'.repeat(300)}b`;
    expect(Array.from(boundLabelValue(a)).length).toBeLessThanOrEqual(200);
    expect(boundLabelValue(a)).not.toBe(boundLabelValue(b));
    expect(boundLabelValue('tags=short')).toBe('tags=short');
  });

  it('writes an incomplete run: incomplete 1, no checks, figures without data left out', () => {
    const { samples: s } = parseExposition(renderOpenMetrics(incompleteReport()));
    expect(one(s, 'evalgate_run_incomplete')).toBe(1);
    expect(one(s, 'evalgate_decision', { state: 'inconclusive' })).toBe(1);
    expect(find(s, 'evalgate_run_blocked')).toEqual([]);
    expect(s.filter((x) => x.name.startsWith('evalgate_check_'))).toEqual([]);
    expect(find(s, 'evalgate_target_quality', { side: 'candidate' })).toEqual([]);
    for (const gone of ['tokens', 'cost_usd', 'time_to_first_token_p50_seconds'])
      expect(find(s, `evalgate_target_${gone}`)).toEqual([]);
  });

  it('renders the same bytes for the same report', () => {
    expect(renderOpenMetrics(makeReport())).toBe(renderOpenMetrics(makeReport()));
  });
});

const tools = needTools('promtool');

describe.skipIf(tools.skip)('promtool check metrics', () => {
  const check = (text: string) =>
    spawnSync(tools.path.promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });

  it.each([
    ['a realistic report with slices, streaming, classification and drift', exportReport()],
    ['an incomplete run', incompleteReport()],
  ])('accepts %s', (_, report) => {
    const r = check(renderOpenMetrics(report, { service: 'support-bot', env: 'prod' }));
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });
});
