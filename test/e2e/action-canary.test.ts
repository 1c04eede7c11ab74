import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  actionEnv,
  type FakeGitHub,
  parseOutputs,
  pullRequestEvent,
  runAction,
  startFakeGitHub,
  workflowCommands,
} from '../helpers/fake-github.js';
import { fakePrometheus } from '../helpers/fake-prometheus.js';
import { startLoopback } from '../helpers/loopback.js';
import { afterThisTest } from '../helpers/per-test.js';
import { readReport } from '../helpers/report-schema.js';
import { signalAtLine } from '../helpers/signal-at-line.js';
import { ACTION, workspace } from '../helpers/workspace.js';

// The Action with `command: canary`: the bundle run as the runner runs it (INPUT_* variables,
// real GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), judging a Prometheus stand-in on loopback,
// the sticky comment through Octokit to a loopback GitHub API.

const TOKEN = 'ghs_canary_token_value_321';
let gh: FakeGitHub;

beforeAll(async () => {
  gh = await startFakeGitHub();
});
afterAll(() => gh.close());
beforeEach(() => {
  gh.comments.length = 0;
  gh.calls.length = 0;
});

const LATENCY = `    - name: latency_p95
      query: 'p95{track="{{target}}"}'
      targets: {baseline: stable, candidate: canary}
      budget: {max_increase: 20%}
`;

const config = (url: string, metrics = LATENCY) => `version: 1
live:
  prometheus: {url: '${url}', token_env: PROM_TOKEN}
  step: 15s
  metrics:
${metrics}`;

/** The canary's p95 is `canary` times the stable track's. */
const tracks = (canary: number) => fakePrometheus((q) => (q.includes('canary') ? canary : 1));

const deployment = {
  name: 'deployment_status',
  payload: { deployment_status: { state: 'success' }, deployment: { environment: 'canary' } },
};

function canaryStep(yaml: string, inputs: Record<string, string> = {}) {
  return {
    workspace: workspace({ 'evalgate.yaml': yaml }),
    inputs: { command: 'canary', config: 'evalgate.yaml', 'github-token': TOKEN, ...inputs },
    env: { PROM_TOKEN: 'prom-SECRET-token-55' },
  };
}

const ours = () => gh.comments.filter((c) => c.body.includes('<!-- evalgate:comment'));

describe('Action command: canary', () => {
  it('a regressed canary fails the step with one sticky comment; the same PR passing updates it', async () => {
    const bad = await tracks(3);
    const r = await runAction({
      ...canaryStep(config(bad.url)),
      event: pullRequestEvent(5),
      github: gh,
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.outputs).toMatchObject({ decision: 'fail', 'exit-code': '1' });
    expect(r.outputs.summary).toMatch(/^blocked: /);
    const report = readReport(r.outputs.report!);
    expect(report.blocked).toBe(true);
    expect(report.checks.map((c) => [c.name, c.verdict])).toEqual([['latency_p95', 'fail']]);
    // The job summary and the comment name the live metric (escaped as all Markdown is).
    expect(r.summary).toContain('latency&#95;p95');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body).toContain('latency&#95;p95');
    // One annotation per live check that did not pass, at its metric's line in the config (line
    // 6: `- name: latency_p95`); then the step's failure.
    const failed = r.commands.filter((c) => c.command === 'error');
    expect(failed).toHaveLength(2);
    expect(failed[0]!.properties).toEqual({
      title: 'evalgate: live metric latency_p95 fail',
      file: 'evalgate.yaml',
      line: '6',
    });
    expect(failed[0]!.message).toContain('exceeds the +20% budget');
    expect(failed[1]!.message).toMatch(/^blocked: /);
    expect(gh.calls.every((c) => c.authorization === `token ${TOKEN}`)).toBe(true);
    // The Prometheus token is sent, masked in the log (add-mask), and written nowhere.
    expect(bad.requests[0]!.headers.authorization).toBe('Bearer prom-SECRET-token-55');
    expect(r.stdout).toContain('::add-mask::prom-SECRET-token-55');
    const shown = r.stdout.replace(/^::add-mask::.*$/gm, '') + r.stderr + r.summary;
    expect(shown + ours()[0]!.body + readFileSync(r.outputs.report!, 'utf8')).not.toContain(
      'SECRET',
    );

    const same = await tracks(1);
    const again = await runAction({
      ...canaryStep(config(same.url)),
      event: pullRequestEvent(5),
      github: gh,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.outputs).toMatchObject({ decision: 'pass', 'exit-code': '0' });
    expect(again.commands.filter((c) => c.command === 'error' || c.command === 'warning')).toEqual(
      [],
    );
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body).toMatch(/pass/);
  });

  it('in a deploy workflow: an identical canary passes, the summary alone (no GitHub call), figures exported', async () => {
    const same = await tracks(1);
    const pushed: string[] = [];
    const gateway = await startLoopback((req, res) => {
      pushed.push(req.path);
      res.end();
    });
    afterThisTest(() => gateway.close());
    const step = canaryStep(config(same.url), {
      window: '10m',
      metrics: 'out/canary.om',
      pushgateway: gateway.url,
      'metrics-labels': 'job=canary',
    });
    const r = await runAction({ ...step, event: deployment, github: gh });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ decision: 'pass', 'exit-code': '0' });
    expect(r.summary).toContain('latency&#95;p95');
    expect(r.stdout).toContain('not a pull request event: no PR comment');
    expect(gh.calls).toEqual([]);
    const report = readReport(r.outputs.report!);
    // with.window: 10m is the analysed window (its end moves by the moment it took to start).
    const look = report.meta.live!.looks[0]!;
    const span = Date.parse(look.end) - Date.parse(look.start);
    expect(span).toBeGreaterThanOrEqual(600_000);
    expect(span).toBeLessThan(615_000);
    const om = readFileSync(path.join(step.workspace, 'out/canary.om'), 'utf8');
    expect(om).toContain('evalgate_decision{state="pass"} 1');
    expect(om).toContain('metric="latency_p95"');
    expect(pushed).toEqual(['/metrics/job/canary']);
  });

  it('must_have_data with no data: could not judge (exit 3), written and summarized, never a pass', async () => {
    const empty = await fakePrometheus((q) => (q.includes('canary') ? undefined : 1));
    const r = await runAction({
      ...canaryStep(config(empty.url, `${LATENCY}      must_have_data: true\n`)),
      event: deployment,
    });
    expect(r.code).toBe(3);
    expect(r.outputs).toMatchObject({ decision: 'inconclusive', 'exit-code': '3' });
    const failed = r.commands.find((c) => c.command === 'error')!;
    expect(failed.message).toMatch(
      /^could not judge: live metric latency_p95: no data for the candidate/,
    );
    expect(r.summary).toContain('no data for the candidate');
    const report = readReport(r.outputs.report!);
    expect(report.incomplete).toBe(true);
  });

  it('bad input exits 2 and queries nothing: a bad live config, and inputs that do not fit a canary', async () => {
    const prom = await tracks(1);
    const cases: [string, Record<string, string>, string | RegExp][] = [
      [config(prom.url, LATENCY.replace('budget:', 'budgt:')), {}, 'unknown key "budgt"'],
      [config(prom.url), { every: '5m' }, 'with.for: with.every and with.for go together'],
      [config(prom.url), { window: '30' }, 'with.window: must be a duration such as 30s'],
      [config(prom.url), { shard: '1/2' }, 'with.shard: cannot be combined with command: canary'],
      [config(prom.url), { command: 'deploy' }, 'with.command: must be "run" or "canary"'],
      [config(prom.url), { command: 'run', for: '1h' }, 'with.for: is for command: canary'],
    ];
    for (const [yaml, inputs, message] of cases) {
      const step = canaryStep(yaml, inputs);
      const r = await runAction({ ...step, event: deployment });
      expect(r.code, `${JSON.stringify(inputs)}: ${r.stdout}`).toBe(2);
      expect(r.outputs['exit-code']).toBe('2');
      const failed = r.commands.find((c) => c.command === 'error')!;
      expect(failed.message).toMatch(/^bad input; nothing was sent\./);
      expect(failed.message).toContain(message);
      expect(r.summary).toContain('evalgate: bad input, nothing was sent');
      expect(existsSync(path.join(step.workspace, 'evalgate-report.json'))).toBe(false);
    }
    expect(prom.requests).toEqual([]);
  });

  it('SIGTERM while waiting between looks: the partial report and summary, exit 3 within seconds', async () => {
    const prom = await tracks(1);
    const step = canaryStep(config(prom.url), { every: '1h', for: '2h' });
    const { env, runner } = actionEnv({ ...step, event: deployment });
    const r = await signalAtLine(ACTION, [], {
      cwd: step.workspace,
      env,
      line: 'waiting for the first',
      signal: 'SIGTERM',
    });
    expect(r.code).toBe(3);
    expect(r.exitMs).toBeLessThan(10_000); // a bound on hanging, not a timing assertion
    const failed = workflowCommands(r.stdout).find((c) => c.command === 'error')!;
    expect(failed.message).toMatch(
      /^cancelled: cancelled \(SIGTERM\) after 0 of the planned looks/,
    );
    const summary = readFileSync(path.join(runner, 'summary.md'), 'utf8');
    expect(summary.split('\n')[0]).toBe('## ⏹️ evalgate: incomplete, not judged');
    const outputs = parseOutputs(path.join(runner, 'output.txt'));
    expect(outputs).toMatchObject({ decision: 'inconclusive', 'exit-code': '3' });
    const report = readReport(outputs.report!);
    expect(report.incomplete).toBe(true);
    expect(report.meta.live!.stopped).toBe('signal');
    expect(prom.requests).toEqual([]);
  });
});
