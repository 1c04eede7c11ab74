import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { fakePrometheus } from '../helpers/fake-prometheus.js';
import { jumpClock } from '../helpers/jump-clock.js';
import { startLoopback } from '../helpers/loopback.js';
import { afterThisTest } from '../helpers/per-test.js';
import { readReport } from '../helpers/report-schema.js';
import { signalAtLine } from '../helpers/signal-at-line.js';
import { CLI, workspace } from '../helpers/workspace.js';

// `evalgate canary` against a loopback server speaking Prometheus's range-query API: bad input
// sends nothing, server faults read clearly, progressive looks run on an injected clock, and
// SIGTERM while waiting for a look ends the process at once with the report written.

const live = (url: string, metrics: string, head = '') => `version: 1
${head}live:
  prometheus: {url: '${url}'}
  step: 15s
  metrics:
${metrics}`;

const LATENCY = `    - name: latency_p95
      query: 'p95{track="{{target}}"}'
      targets: {baseline: stable, candidate: canary}
      budget: {max_increase: 20%}
`;

async function canary(yaml: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const dir = workspace({ 'evalgate.yaml': yaml });
  const report = path.join(dir, 'report.json');
  const r = await cliInProcess(
    ['canary', '--config', path.join(dir, 'evalgate.yaml'), '--report', report, ...args],
    env,
  );
  return { ...r, report };
}

describe('evalgate canary: bad input sends nothing', () => {
  const cases: [string, string, RegExp][] = [
    [
      'a query without {{target}}',
      LATENCY.replace('{{target}}', 'canary'),
      /evalgate\.yaml:7 \(live\.metrics\.0\.query\): must contain \{\{target\}\}/,
    ],
    [
      'two budgets',
      LATENCY.replace('{max_increase: 20%}', '{max_increase: 20%, max: 3}'),
      /\(live\.metrics\.0\.budget\): needs exactly one of max_increase, max_drop, max; got max_increase, max/,
    ],
    [
      'a direction the budget contradicts',
      LATENCY.replace('      budget:', '      bad: decrease\n      budget:'),
      /\(live\.metrics\.0\.budget\.max_increase\): bounds an increase, but bad is decrease: use max_drop/,
    ],
    [
      'a typo',
      LATENCY.replace('budget:', 'budgt:'),
      /unknown key "budgt" \(did you mean "budget"\?\)/,
    ],
    [
      'a quote in a label value',
      LATENCY.replace('canary}', 'can"ary}'),
      /\(live\.metrics\.0\.targets\.candidate\): must not contain quotes/,
    ],
    [
      'the same name twice',
      LATENCY + LATENCY,
      /\(live\.metrics\.1\.name\): "latency_p95" is named twice/,
    ],
  ];
  for (const [what, metrics, message] of cases) {
    it(what, async () => {
      const prom = await fakePrometheus(() => 1);
      const r = await canary(live(prom.url, metrics));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('bad input; nothing was sent');
      expect(r.stderr).toMatch(message);
      expect(prom.requests).toHaveLength(0);
      expect(existsSync(r.report)).toBe(false);
    });
  }

  it.each([
    ['critical: it blocks', true, 1],
    ['not critical: inconclusive, never a pass', false, 0],
  ])('a canary p95 at +Inf at some steps cannot pass (%s)', async (_, critical, code) => {
    // histogram_quantile past the highest bucket is +Inf: those steps were dropped as missing,
    // and a canary slow past every bucket half the time passed, or read as an improvement.
    const prom = await fakePrometheus(
      () => 0.01,
      (q, i) => (q.includes('canary') && i % 2 === 0 ? '+Inf' : undefined),
    );
    const metric = LATENCY.replace('      budget:', `      critical: ${critical}\n      budget:`);
    for (const missing of ['ignore', 'zero']) {
      const r = await canary(
        live(prom.url, metric.replace('      budget:', `      missing: ${missing}\n      budget:`)),
        ['--window', '10m'],
      );
      expect(r.code, r.stderr).toBe(code);
      const check = readReport(r.report).checks[0]!;
      expect(check.verdict).toBe('inconclusive');
      expect(check.reason).toMatch(
        /^latency_p95: cannot pass: the canary's series is \+Inf at 21 of 41 steps/,
      );
      expect(check.delta).toBeNull();
    }
  });

  it('flags: --every without --for, a bad duration, too many points', async () => {
    const prom = await fakePrometheus(() => 1);
    const yaml = live(prom.url, LATENCY);
    expect((await canary(yaml, ['--every', '5m'])).stderr).toContain(
      '--for: --every and --for go together',
    );
    expect((await canary(yaml, ['--window', '30'])).stderr).toContain(
      '--window: must be a duration such as 30s, 5m or 1h, got "30"',
    );
    const many = await canary(yaml, ['--window', '30d']);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(
      /\(live\.step\): a 720h window at this step is 172800 points, more than Prometheus answers \(11000\)/,
    );
    expect(prom.requests).toHaveLength(0);
  });

  it('a config with only live: is valid for canary; run still needs a golden set, canary needs live:', async () => {
    const prom = await fakePrometheus(() => 1);
    const yaml = live(prom.url, LATENCY);
    expect((await canary(yaml)).code).toBe(0);
    const dir = workspace({
      'evalgate.yaml': yaml,
      'plain.yaml': 'version: 1\ndataset: x.jsonl\n',
    });
    const run = await cliInProcess(['validate', '--config', path.join(dir, 'evalgate.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\(dataset\): is required/);
    const none = await cliInProcess(['canary', '--config', path.join(dir, 'plain.yaml')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/\(live\): is required/);
  });
});

describe('evalgate canary against a Prometheus stand-in', () => {
  it('sends the bearer token and never shows it; an HTTP error says which metric and what status', async () => {
    const seen: string[] = [];
    const server = await startLoopback((req, res) => {
      seen.push(String(req.headers.authorization));
      res.statusCode = 503;
      res.end('overloaded, token was tok-SECRET-99');
    });
    afterThisTest(() => server.close());
    const yaml = live(server.url, LATENCY).replace(
      `{url: '${server.url}'}`,
      `{url: '${server.url}', token_env: PROM_TOKEN}`,
    );
    const r = await canary(yaml, [], { PROM_TOKEN: 'tok-SECRET-99' });
    expect(r.code).toBe(3);
    expect(seen[0]).toBe('Bearer tok-SECRET-99');
    expect(r.stderr).toMatch(
      /could not judge: live metric latency_p95 \((baseline|candidate)\): Prometheus at http:\/\/127\.0\.0\.1:\d+ answered HTTP 503/,
    );
    expect(r.stderr + readFileSync(r.report, 'utf8')).not.toContain('SECRET');
  });

  it('status: error names the error type and message; an oversized reply is refused', async () => {
    const server = await startLoopback((req, res) => {
      if (req.path.includes('huge')) {
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'matrix', result: [{ metric: {}, values: [] }] },
            pad: 'x'.repeat(9 * 1024 * 1024),
          }),
        );
        return;
      }
      res.statusCode = 422;
      res.end(
        JSON.stringify({
          status: 'error',
          errorType: 'execution',
          error: 'query timed out in expression evaluation',
        }),
      );
    });
    afterThisTest(() => server.close());
    const r = await canary(live(server.url, LATENCY));
    expect(r.stderr).toMatch(
      /rejected the query \(execution\): query timed out in expression evaluation/,
    );
    const huge = await canary(live(server.url, LATENCY.replace("'p95{", "'huge{")));
    expect(huge.code).toBe(3);
    expect(huge.stderr).toMatch(
      /Prometheus at http:\/\/127\.0\.0\.1:\d+: the reply is larger than 8388608 bytes/,
    );
  });

  /** `canary --every 5m --for 1h` (12 looks) on a clock that jumps from 2026-01-01 00:00. */
  async function progressive(prometheusUrl: string) {
    const dir = workspace({ 'evalgate.yaml': live(prometheusUrl, LATENCY) });
    const report = path.join(dir, 'r.json');
    const args = ['--every', '5m', '--for', '1h', '--report', report];
    const config = path.join(dir, 'evalgate.yaml');
    const r = await cliInProcess(['canary', '--config', config, ...args], {}, jumpClock());
    return { ...r, report: readReport(report) };
  }

  it('progressive: stops at the first look with a settled fail; the clock is injected, nothing waits', async () => {
    const prom = await fakePrometheus((q) => (q.includes('canary') ? 3 : 1));
    const { code, stderr, report } = await progressive(prom.url);
    expect(code).toBe(1);
    expect(report.meta.live!.stopped).toBe('fail');
    const looks = report.meta.live!.looks;
    expect(looks.length).toBeGreaterThanOrEqual(1);
    expect(looks.length).toBeLessThan(12);
    // The window grows from the start; each look spends more of α than the one before.
    expect(looks.every((l) => l.start === '2026-01-01T00:00:00.000Z')).toBe(true);
    for (let i = 1; i < looks.length; i++)
      expect(looks[i]!.alpha).toBeGreaterThan(looks[i - 1]!.alpha);
    expect(stderr).toContain('canary: 12 looks, every 5m for 1h; waiting for the first');
    expect(stderr).toMatch(/canary: look \d+ of 12 .*: fail/);
  });

  it('progressive: an unchanged canary passes at a look before the end', async () => {
    const prom = await fakePrometheus(() => 1);
    const { code, report } = await progressive(prom.url);
    expect(code).toBe(0);
    expect(report.decision).toBe('pass');
    expect(report.meta.live!.stopped).toBe('pass');
  });

  it("--metrics writes a canary's checks by their live metric names; --pushgateway pushes them", async () => {
    const prom = await fakePrometheus((q) => (q.includes('canary') ? 3 : 1));
    const pushed: { path: string; body: string }[] = [];
    const gateway = await startLoopback((req, res) => {
      pushed.push({ path: req.path, body: req.body });
      res.statusCode = 200;
      res.end();
    });
    afterThisTest(() => gateway.close());
    const errors = LATENCY.replaceAll('latency_p95', 'error_ratio').replace('p95{', 'errors{');
    const dir = workspace({ 'evalgate.yaml': live(prom.url, LATENCY + errors) });
    const om = path.join(dir, 'canary.om');
    const r = await cliInProcess([
      'canary',
      '--config',
      path.join(dir, 'evalgate.yaml'),
      '--report',
      path.join(dir, 'r.json'),
      '--metrics',
      om,
      '--pushgateway',
      gateway.url,
      '--metrics-label',
      'job=canary',
    ]);
    expect(r.code, r.stderr).toBe(1);
    const text = readFileSync(om, 'utf8');
    // Both checks share a budget form (max_increase): named by the config, they stay two series.
    for (const name of ['latency_p95', 'error_ratio'])
      expect(text).toContain(`evalgate_check_verdict{metric="${name}",slice="all",state="fail"} 1`);
    expect(text).toContain('evalgate_decision{state="fail"} 1');
    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.path).toBe('/metrics/job/canary');
    expect(pushed[0]!.body).toContain('metric="error_ratio"');
  });

  it('SIGTERM while waiting for a look: exits 3 within seconds, the report written and marked incomplete', async () => {
    const prom = await fakePrometheus(() => 1);
    const dir = workspace({ 'evalgate.yaml': live(prom.url, LATENCY) });
    const r = await signalAtLine(
      CLI,
      ['canary', '--config', 'evalgate.yaml', '--every', '1h', '--for', '2h', '--report', 'r.json'],
      { cwd: dir, env: {}, line: 'waiting for the first', signal: 'SIGTERM' },
    );
    expect(r.code).toBe(3);
    expect(r.exitMs).toBeLessThan(10_000); // a bound on hanging, not a timing assertion
    expect(r.stderr).toContain('could not judge: cancelled (SIGTERM) after 0 of the planned looks');
    const report = readReport(path.join(dir, 'r.json'));
    expect(report.incomplete).toBe(true);
    expect(report.meta.live!.stopped).toBe('signal');
  });
});
