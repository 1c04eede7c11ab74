import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderOpenMetrics } from '../../src/export/openmetrics.js';
import { exportReport, incompleteReport, parseExposition } from '../export/fixture.js';
import { needTools } from '../helpers/system-tools.js';
import { ROOT } from '../helpers/workspace.js';

// docs/metrics.md, the alerting rules and the Grafana dashboard may name only metrics the
// exporter writes, and the page must name every one of them.

const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');
const RULES = 'docs/prometheus/evalgate-rules.yml';
const DASHBOARD = 'docs/grafana/evalgate-dashboard.json';

/** Every family the exporter can write: a report with every optional figure, and an incomplete one. */
const EMITTED = new Set(
  [exportReport(), incompleteReport()].flatMap((r) => [
    ...parseExposition(renderOpenMetrics(r)).families.keys(),
  ]),
);

const names = (text: string) =>
  new Set(text.match(/\bevalgate_[a-z0-9_]*[a-z0-9](?![a-z0-9_])/g) ?? []);

/** Every `expr` and variable query in the dashboard JSON, wherever it sits. */
function dashboardQueries(): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (typeof v === 'string' && (key === 'expr' || key === 'query' || key === 'definition'))
      out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(JSON.parse(read(DASHBOARD)));
  return out;
}

describe('docs/metrics.md', () => {
  it('names every metric the exporter writes, and no other', () => {
    const page = names(read('docs/metrics.md'));
    expect([...EMITTED].filter((n) => !page.has(n))).toEqual([]);
    expect([...page].filter((n) => !EMITTED.has(n))).toEqual([]);
  });
});

describe('the alerting rules and the Grafana dashboard', () => {
  it('refer only to evalgate_* names the exporter writes', () => {
    const rules = names(read(RULES));
    expect(rules.size).toBeGreaterThan(3);
    expect([...rules].filter((n) => !EMITTED.has(n))).toEqual([]);
    const queries = dashboardQueries().filter((q) => q.includes('evalgate_'));
    expect(queries.length).toBeGreaterThan(10);
    const used = new Set(queries.flatMap((q) => [...names(q)]));
    expect([...used].filter((n) => !EMITTED.has(n))).toEqual([]);
  });
});

const tools = needTools('promtool');

describe.skipIf(tools.skip)('promtool', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-rules-'));
  const promtool = (...args: string[]) => {
    const r = spawnSync(tools.path.promtool, args, { cwd: dir, encoding: 'utf8' });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('check rules accepts the alerting rules', () => {
    const r = promtool('check', 'rules', path.join(ROOT, RULES));
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it("accepts every dashboard query as PromQL (with Grafana's variables filled in)", () => {
    const exprs = dashboardQueries()
      .filter((q) => q.includes('evalgate_') && !q.startsWith('label_values('))
      .map((q) => q.replaceAll('$job', '.*'));
    const file = path.join(dir, 'dashboard-queries.yml');
    const rules = exprs.map(
      (e, i) => `      - record: dashboard_query_${i}\n        expr: ${JSON.stringify(e)}`,
    );
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
    const r = promtool('check', 'rules', file);
    expect(r.out).toContain(`SUCCESS: ${exprs.length} rules found`);
  });

  it('the rules fire on what a blocked run pushes, and stay quiet on a passing one', () => {
    // Series as the exporter writes them, with the job the Pushgateway scrape keeps.
    const inputSeries = (fail: boolean) =>
      Object.entries({
        'evalgate_check_change{job="evalgate",metric="quality",slice="tags=billing"}': -0.12,
        'evalgate_check_verdict{job="evalgate",metric="quality",slice="tags=billing",state="fail"}':
          fail ? 1 : 0,
        'evalgate_check_change{job="evalgate",metric="label_drift",slice="all"}': 0.4,
        'evalgate_check_verdict{job="evalgate",metric="label_drift",slice="all",state="fail"}': fail
          ? 1
          : 0,
        'evalgate_target_time_per_output_token_p95_seconds{job="evalgate",side="baseline",model="a"}': 0.01,
        'evalgate_target_time_per_output_token_p95_seconds{job="evalgate",side="candidate",model="b"}':
          fail ? 0.02 : 0.011,
      }).map(([series, v]) => ({ series, values: `${v}x5` }));
    const job = { job: 'evalgate', severity: 'ticket' };
    const fired = {
      EvalgateQualityDrop: {
        exp_labels: { ...job, metric: 'quality', slice: 'tags=billing' },
        exp_annotations: {
          summary: 'evalgate: quality dropped past its budget on tags=billing (evalgate)',
          description: 'Quality changed by -0.120 on the 0 to 1 scale (candidate minus baseline).',
        },
      },
      EvalgatePredictionDrift: {
        exp_labels: { ...job, metric: 'label_drift', slice: 'all' },
        exp_annotations: {
          summary: 'evalgate: label_drift past its budget on all (evalgate)',
          description: 'Population stability index 0.400 between baseline and candidate.',
        },
      },
      EvalgateTPOTRegression: {
        exp_labels: job,
        exp_annotations: {
          summary: 'evalgate: time per output token p95 up 2.00x (evalgate)',
          description:
            'The candidate streams tokens slower than the baseline at the 95th percentile.',
        },
      },
    };
    const tests = [true, false].map((fail) => ({
      interval: '1m',
      input_series: inputSeries(fail),
      alert_rule_test: Object.entries(fired).map(([alertname, alert]) => ({
        eval_time: '2m',
        alertname,
        exp_alerts: fail ? [alert] : [],
      })),
    }));
    // JSON is YAML: promtool reads this test file as it is.
    const file = path.join(dir, 'rules-test.yml');
    writeFileSync(file, JSON.stringify({ rule_files: [path.join(ROOT, RULES)], tests }));
    const r = promtool('test', 'rules', file);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});
