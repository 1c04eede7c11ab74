import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderOpenMetrics } from '../../src/export/openmetrics.js';
import type { Report } from '../../src/types.js';
import { parseExposition } from '../export/fixture.js';
import { needTools } from '../helpers/system-tools.js';
import { ROOT } from '../helpers/workspace.js';
import { makeReport } from '../report/fixture.js';

// docs/metrics.md: the example rules alert on "a blocked run". A run is blocked (exit 1) by a
// failed check, and also by an inconclusive decision under gate.on_inconclusive: fail or a
// critical canary metric, whose decision gauge says inconclusive: EvalgateBlocked must fire on
// every one, fed with the series the exporter writes for it.

const RULES = path.join(ROOT, 'docs/prometheus/evalgate-rules.yml');

/** The run-level series the exporter writes for `report`, as promtool input with a job. */
function runSeries(report: Report): { series: string; values: string }[] {
  return parseExposition(renderOpenMetrics(report))
    .samples.filter((s) => s.name.startsWith('evalgate_run_') || s.name === 'evalgate_decision')
    .filter((s) => s.name !== 'evalgate_run_start_time_seconds') // EvalgateNoRecentRun's
    .map((s) => {
      const labels = Object.entries({ job: 'evalgate', ...s.labels })
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      return { series: `${s.name}{${labels}}`, values: `${s.value}x5` };
    });
}

const blocked = (by: Report['blocked_by'], decision: Report['decision']) =>
  makeReport({ decision, blocked: true, blocked_by: by });

const RUNS: { run: string; report: Report; fires: boolean }[] = [
  { run: 'a failed check', report: blocked('budget', 'fail'), fires: true },
  {
    run: 'an inconclusive run under on_inconclusive: fail',
    report: blocked('on_inconclusive', 'inconclusive'),
    fires: true,
  },
  {
    run: 'a critical canary metric not shown within budget',
    report: blocked('critical', 'inconclusive'),
    fires: true,
  },
  { run: 'a pass', report: makeReport({ decision: 'pass', blocked: false }), fires: false },
  {
    run: 'an inconclusive run that does not block',
    report: makeReport({ decision: 'inconclusive', blocked: false }),
    fires: false,
  },
];

const tools = needTools('promtool');

describe.skipIf(tools.skip)('EvalgateBlocked', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-blocked-'));

  it.each(RUNS)('$run: fires $fires', ({ run, report, fires }) => {
    const test = {
      interval: '1m',
      input_series: runSeries(report),
      alert_rule_test: [
        {
          eval_time: '2m',
          alertname: 'EvalgateBlocked',
          exp_alerts: fires
            ? [
                {
                  exp_labels: { job: 'evalgate', severity: 'ticket' },
                  exp_annotations: { summary: 'evalgate blocked the last run of evalgate' },
                },
              ]
            : [],
        },
      ],
    };
    const file = path.join(dir, `${run.replace(/\W+/g, '-')}.yml`);
    // JSON is YAML: promtool reads this test file as it is.
    writeFileSync(file, JSON.stringify({ rule_files: [RULES], tests: [test] }));
    const r = spawnSync(tools.path.promtool, ['test', 'rules', file], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });
});
