import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type LlmApp, startLlmApp } from '../helpers/llm-app.js';
import {
  freePort,
  promValue,
  type Service,
  startPrometheus,
  until,
} from '../helpers/prometheus-stack.js';
import { readReport } from '../helpers/report-schema.js';
import { needTools } from '../helpers/system-tools.js';
import { workspace } from '../helpers/workspace.js';

// A real Prometheus scrapes three loopback app tracks every 250 ms: stable, an identical canary
// and a regressed one (errors and latency up). `evalgate canary` judges them from range queries.

const tools = needTools('prometheus');

const ERROR_RATIO =
  'sum(rate(app_errors_total{track="{{target}}"}[750ms])) / sum(rate(app_requests_total{track="{{target}}"}[750ms]))';
const P95 =
  'histogram_quantile(0.95, sum by (le) (rate(app_request_duration_seconds_bucket{track="{{target}}"}[750ms])))';

function config(url: string, canary: string, extra = ''): string {
  return `version: 1
live:
  prometheus: {url: ${url}}
  step: 500ms
  min_samples: 8
  metrics:
    - name: error_ratio
      query: '${ERROR_RATIO}'
      targets: {baseline: stable, candidate: ${canary}}
      budget: {max: 0.05}
      critical: true
      must_have_data: true
    - name: latency_p95
      query: '${P95}'
      targets: {baseline: stable, candidate: ${canary}}
      bad: increase
      budget: {max_increase: 25%}
${extra}`;
}

describe.skipIf(tools.skip)('evalgate canary against a real Prometheus', () => {
  let prom: Service;
  const apps: LlmApp[] = [];

  beforeAll(async () => {
    apps.push(
      await startLlmApp({ track: 'stable', errorRate: 0.01, latencyMs: 100, seed: 1 }),
      await startLlmApp({ track: 'same', errorRate: 0.01, latencyMs: 100, seed: 2 }),
      await startLlmApp({ track: 'bad', errorRate: 0.3, latencyMs: 250, seed: 3 }),
    );
    prom = await startPrometheus(
      tools.path.prometheus,
      apps.map((a) => a.target),
      { scrapeInterval: '250ms' },
    );
    // Wait for data, not for a guessed time: 8 s of rate() samples on every track.
    await until(
      'Prometheus gathering 8 s of data',
      async () => {
        const n = await promValue(
          prom.url,
          'min(count_over_time(sum by (track) (rate(app_requests_total[750ms]))[8s:500ms]))',
        );
        return n !== undefined && n >= 16 ? n : undefined;
      },
      25_000,
    );
  }, 40_000);

  afterAll(async () => {
    await prom?.stop();
    await Promise.all(apps.map((a) => a.close()));
  });

  const run = async (yaml: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const dir = workspace({ 'evalgate.yaml': yaml });
    const report = path.join(dir, 'report.json');
    const summary = path.join(dir, 'summary.md');
    const r = await cliInProcess(
      [
        'canary',
        '--config',
        path.join(dir, 'evalgate.yaml'),
        '--window',
        '10s',
        '--report',
        report,
        '--summary',
        summary,
        ...args,
      ],
      env,
    );
    return { ...r, report, summary, dir };
  };

  it('passes an identical canary (exit 0)', async () => {
    const r = await run(config(prom.url, 'same'));
    expect(r.stderr).toMatch(/pass/);
    expect(r.code).toBe(0);
    const report = readReport(r.report);
    expect(report.decision).toBe('pass');
    expect(report.checks.map((c) => [c.name, c.metric, c.verdict])).toEqual([
      ['error_ratio', 'live_max', 'pass'],
      ['latency_p95', 'live_max_increase', 'pass'],
    ]);
    expect(report.meta.live?.looks).toHaveLength(1);
    const md = readFileSync(r.summary, 'utf8');
    expect(md).toContain('error&#95;ratio');
    expect(md).not.toContain('Regressed cases');
  });

  it('blocks a canary whose error ratio and p95 latency regressed (exit 1)', async () => {
    const r = await run(config(prom.url, 'bad'));
    expect(r.code).toBe(1);
    const report = readReport(r.report);
    expect(report.decision).toBe('fail');
    expect(report.blocked).toBe(true);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName.error_ratio!.verdict).toBe('fail');
    expect(byName.error_ratio!.candidate).toBeGreaterThan(0.2);
    expect(byName.latency_p95!.verdict).toBe('fail');
    expect(byName.latency_p95!.delta).toBeGreaterThan(0.5);
    expect(report.summary).toMatch(/^blocked: /);
  });

  it('a must_have_data metric with no data cannot be judged (exit 3), never a pass', async () => {
    const r = await run(config(prom.url, 'nowhere'));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('live metric error_ratio: no data for the candidate');
    const report = readReport(r.report);
    expect(report.incomplete).toBe(true);
    expect(report.decision).not.toBe('pass');
  });

  it('without must_have_data, no data is an inconclusive check; critical makes it block', async () => {
    const yaml = config(prom.url, 'nowhere').replace('      must_have_data: true\n', '');
    const r = await run(yaml);
    expect(r.code).toBe(1);
    const report = readReport(r.report);
    expect(report.decision).toBe('inconclusive');
    expect(report.blocked_by).toBe('critical');
    expect(report.checks[0]!.reason).toContain('no data for the candidate');
  });

  it('names the metric when a query is rejected or returns several series', async () => {
    const bad = `version: 1
live:
  prometheus: {url: ${prom.url}}
  step: 500ms
  metrics:
    - name: broken
      baseline_query: 'sum(rate(app_requests_total[750ms])'
      candidate_query: 'sum(rate(app_requests_total[750ms]))'
      budget: {max_increase: 10%}
`;
    const r1 = await run(bad);
    expect(r1.code).toBe(3);
    expect(r1.stderr).toMatch(
      /live metric broken \(baseline\): Prometheus at http:\/\/127\.0\.0\.1:\d+ rejected the query \(bad_data\)/,
    );
    const several = bad
      .replace("'sum(rate(app_requests_total[750ms])'", "'rate(app_requests_total[750ms])'")
      .replace('name: broken', 'name: per_track');
    const r2 = await run(several);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toMatch(
      /live metric per_track \(baseline\): the query returned 3 series where one was expected \(\{/,
    );
  });

  it('an unreachable Prometheus is "could not judge" with the token masked', async () => {
    const port = await freePort();
    const yaml = `version: 1
live:
  prometheus: {url: 'http://127.0.0.1:${port}', token_env: PROM_TOKEN, timeout_ms: 5000}
  metrics:
    - name: error_ratio
      query: '${ERROR_RATIO}'
      targets: {baseline: stable, candidate: same}
      budget: {max: 0.05}
`;
    const r = await run(yaml, [], { PROM_TOKEN: 'tok-SECRET-1234' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /live metric error_ratio \(baseline\): Prometheus at http:\/\/127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED/,
    );
    expect(r.stderr + readFileSync(r.report, 'utf8')).not.toContain('SECRET');
  });

  it('bad input sends nothing: an unset token variable exits 2 naming the field', async () => {
    const r = await run(
      config(prom.url, 'same').replace(
        `{url: ${prom.url}}`,
        `{url: ${prom.url}, token_env: NOPE_TOKEN}`,
      ),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /evalgate\.yaml \(live\.prometheus\.token_env\): the environment variable NOPE_TOKEN is not set/,
    );
  });
});

// Keeps the helper honest: the temp config is a file the canary reads relative to itself.
export function writeConfig(dir: string, text: string): string {
  const file = path.join(dir, 'evalgate.yaml');
  writeFileSync(file, text);
  return file;
}
