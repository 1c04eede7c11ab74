import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import {
  freePort,
  promQuery,
  type Service,
  startPrometheus,
  startPushgateway,
  until,
} from '../helpers/prometheus-stack.js';
import { needTools } from '../helpers/system-tools.js';
import { ACTION, baseConfig, CLI, runNode, workspace } from '../helpers/workspace.js';

// `evalgate run --metrics --pushgateway` as a deploy pipeline runs it: the bundle as a process,
// a real Pushgateway, and a real Prometheus scraping it, asked by PromQL for what was pushed.

const HOSTILE_TAG = 'he said "hi"\\ {x="y"} 1\n# EOF';

const tools = needTools('promtool', 'prometheus', 'prometheus-pushgateway');

let llm: FakeServer;
let pushgateway: Service | undefined;
let prometheus: Service | undefined;

function project(): string {
  const golden = Array.from({ length: 60 }, (_, i) =>
    JSON.stringify({
      id: `case-${i}`,
      input: `q${i}`,
      expected: `a${i}`,
      tags: [i % 2 === 0 ? 'billing' : HOSTILE_TAG],
    }),
  ).join('\n');
  return workspace({
    'golden.jsonl': golden,
    'evalgate.yaml': baseConfig(
      llm.url,
      'slices:\n  by: [tags]\n  min_cases: 10\n  budgets: {quality: {max_drop: 0.05}}\n',
    ),
  });
}

const env = { TEST_KEY: 'sk-metrics-export-1' };

beforeAll(async () => {
  // The candidate breaks the billing slice; everything else answers right on both sides.
  llm = await startFakeOpenAI((req) => {
    const n = Number(userText(req).replace(/^q/, ''));
    return req.model === 'cand-model' && n % 2 === 0 ? 'wrong' : `a${n}`;
  });
  if (tools.skip) return;
  pushgateway = await startPushgateway(tools.path['prometheus-pushgateway']);
  prometheus = await startPrometheus(tools.path.prometheus, [new URL(pushgateway.url).host], {
    job: 'pushgateway',
    honorLabels: true,
  });
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  await pushgateway?.stop();
  await llm.close();
});

describe.skipIf(tools.skip)('run --metrics --pushgateway', () => {
  it('writes the file, pushes, and Prometheus answers PromQL with the pushed verdicts', async () => {
    const dir = project();
    const r = await runNode(
      CLI,
      [
        'run',
        '--config',
        'evalgate.yaml',
        '--metrics',
        'out/metrics.om',
        '--pushgateway',
        pushgateway!.url,
        '--metrics-label',
        'service=support-bot',
      ],
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/warning: .*push/);
    const text = readFileSync(path.join(dir, 'out/metrics.om'), 'utf8');
    expect(text.endsWith('# EOF\n')).toBe(true);
    const lint = spawnSync(tools.path.promtool, ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
    });
    expect(`${lint.stdout}${lint.stderr}`).toBe('');

    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    const billing = report.checks.find((c) => c.metric === 'quality' && c.slice === 'tags=billing');
    expect(billing?.verdict).toBe('fail');

    const failing = await until('the pushed verdict in Prometheus', async () => {
      const v = await promQuery(
        prometheus!.url,
        'evalgate_check_verdict{job="evalgate",service="support-bot",metric="quality",slice="tags=billing",state="fail"}',
      );
      return v.length ? v : undefined;
    });
    expect(failing.map((s) => s.value)).toEqual([1]);
    const decision = await promQuery(prometheus!.url, 'evalgate_decision{job="evalgate"} == 1');
    expect(decision.map((s) => s.metric.state)).toEqual(['fail']);
    const quality = await promQuery(
      prometheus!.url,
      'evalgate_target_quality{job="evalgate",side="candidate"}',
    );
    expect(quality.map((s) => s.value)).toEqual([report.targets.candidate!.quality]);
    expect(quality[0]!.metric.model).toBe('cand-model');
    // The hostile slice name arrives whole, as one label value.
    const slices = await promQuery(
      prometheus!.url,
      'count by (slice) (evalgate_check_verdict{job="evalgate",metric="quality"})',
    );
    expect(slices.map((s) => s.metric.slice).sort()).toEqual(
      ['all', 'tags=billing', `tags=${HOSTILE_TAG}`].sort(),
    );
  }, 90_000);

  it('an unreachable Pushgateway warns with the URL masked; the report and the exit code stand', async () => {
    const dir = project();
    const closed = `127.0.0.1:${await freePort()}`;
    const r = await runNode(
      CLI,
      [
        'run',
        '--config',
        'evalgate.yaml',
        '--metrics',
        'metrics.om',
        '--pushgateway',
        `http://deployer:s3cret-Pw0rd@${closed}`,
      ],
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(
      `warning: could not push the metrics to http://***@${closed}/metrics/job/evalgate`,
    );
    expect(r.stderr).toMatch(/ECONNREFUSED; the report and the verdict stand/);
    expect(`${r.stdout}${r.stderr}`).not.toContain('s3cret');
    expect(existsSync(path.join(dir, 'evalgate-report.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'metrics.om'))).toBe(true);
    expect(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8')).not.toContain('s3cret');
  }, 60_000);
});

describe('bad --pushgateway and --metrics-label input', () => {
  it.each([
    ['ftp://gateway:9091', /is not an http or https URL/],
    ['gateway:9091', /is not an http or https URL|is not a URL/],
    ['http://u:hunter22@gw:9091/metrics/job/x', /already has a \/metrics path/],
    ['http://gw:9091/?x=1', /has a query or fragment/],
  ])('%s is bad input: exit 2, nothing sent, no password printed', async (url, says) => {
    const before = llm.requests.length;
    const config = path.join(project(), 'evalgate.yaml');
    const r = await cliInProcess(['run', '--config', config, '--pushgateway', url], env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--pushgateway');
    expect(r.stderr).toMatch(says);
    expect(r.stderr).not.toContain('hunter22');
    expect(llm.requests.length).toBe(before);
  });
});

/** The Action bundle as GitHub runs it, with `with:` inputs as INPUT_* variables. */
async function runAction(inputs: Record<string, string>) {
  const dir = project();
  const runner = workspace({ 'output.txt': '', 'summary.md': '' });
  const actionEnv: NodeJS.ProcessEnv = {
    ...env,
    GITHUB_OUTPUT: path.join(runner, 'output.txt'),
    GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
    INPUT_CONFIG: 'evalgate.yaml',
    'INPUT_WORKING-DIRECTORY': dir,
    INPUT_COMMENT: 'false',
  };
  for (const [k, v] of Object.entries(inputs)) actionEnv[`INPUT_${k.toUpperCase()}`] = v;
  return { ...(await runNode(ACTION, [], { cwd: runner, env: actionEnv })), dir };
}

describe.skipIf(tools.skip)('the Action with metrics and pushgateway', () => {
  it('writes the metrics file and pushes to the group its labels name', async () => {
    const r = await runAction({
      metrics: 'out/metrics.om',
      pushgateway: pushgateway!.url,
      'metrics-labels': 'job=evalgate-action\nservice=support-bot\n',
    });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).not.toMatch(/::warning::[^\n]*(push|Pushgateway)/);
    const text = readFileSync(path.join(r.dir, 'out/metrics.om'), 'utf8');
    expect(text).toContain('evalgate_decision{service="support-bot",state="fail"} 1');
    expect(text.endsWith('# EOF\n')).toBe(true);
    // The Pushgateway's own API: the group this push made, with its grouping labels.
    const api = (await (await fetch(`${pushgateway!.url}/api/v1/metrics`)).json()) as {
      data: { labels: Record<string, string>; evalgate_decision?: unknown }[];
    };
    const group = api.data.find((g) => g.labels.job === 'evalgate-action');
    expect(group?.labels).toEqual({ job: 'evalgate-action', service: 'support-bot' });
    expect(group?.evalgate_decision).toBeDefined();
  }, 60_000);
});

describe('the Action with a bad pushgateway input', () => {
  it('is bad input naming with.pushgateway: exit 2, nothing sent, the password never shown', async () => {
    const before = llm.requests.length;
    const r = await runAction({ pushgateway: 'ftp://ci:hunter22@gw:9091' });
    expect(r.code, r.stdout).toBe(2);
    expect(r.stdout).toContain('with.pushgateway');
    expect(r.stdout).toContain('ftp://***@gw:9091');
    expect(r.stdout).not.toContain('hunter22');
    expect(llm.requests.length).toBe(before);
  });
});
