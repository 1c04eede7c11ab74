import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { type Loopback, startLoopback } from '../helpers/loopback.js';
import { baseConfig, goldenJsonl, workspace } from '../helpers/workspace.js';
import { parseExposition } from './fixture.js';

// The CLI's export paths that the process-level test (test/e2e/metrics-export.test.ts) does not
// drive: a run that stops early still writes and pushes its figures, and bad export input sends
// nothing. A loopback server stands in for the Pushgateway and records what it was sent.

let llm: FakeServer;
let gateway: Loopback;
const env = { TEST_KEY: 'sk-cli-export-1' };

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => `a${userText(req).replace(/^q/, '')}`);
  gateway = await startLoopback((_, res) => {
    res.writeHead(200).end();
  });
});
afterAll(async () => {
  await llm.close();
  await gateway.close();
});

function project(config: (url: string) => string = (url) => baseConfig(url)): string {
  return workspace({ 'golden.jsonl': goldenJsonl(30), 'evalgate.yaml': config(llm.url) });
}

describe('run --metrics / --pushgateway', () => {
  it('a run whose endpoint is down still writes and pushes its figures, marked incomplete (exit 3)', async () => {
    // The candidate on a closed port: every call is refused and the run stops early.
    const dir = project((url) =>
      baseConfig(url).replace(
        /(candidate:\n\s+type: openai\n\s+base_url: )\S+/,
        '$1http://127.0.0.1:1/v1',
      ),
    );
    const pushes = gateway.requests.length;
    const r = await cliInProcess(
      [
        'run',
        '--config',
        path.join(dir, 'evalgate.yaml'),
        '--report',
        path.join(dir, 'report.json'),
        '--metrics',
        path.join(dir, 'metrics.om'),
        '--pushgateway',
        gateway.url,
        '--metrics-label',
        'job=nightly',
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(3);
    const file = readFileSync(path.join(dir, 'metrics.om'), 'utf8');
    const run = parseExposition(file).samples.find((s) => s.name === 'evalgate_run_incomplete');
    expect(run?.value).toBe(1);
    const sent = gateway.requests.slice(pushes);
    expect(sent.map((q) => `${q.method} ${q.path}`)).toEqual(['PUT /metrics/job/nightly']);
    expect(sent[0]!.body).toBe(file);
  });

  it.each([
    [['--metrics', '.'], /--metrics.*is a directory/],
    [['--metrics-label', 'service=x'], /--metrics-label: run labels need somewhere to go/],
    [['--pushgateway', 'http://gw:9091', '--metrics-label', 'slice=x'], /sets the label "slice"/],
  ])('%j is bad input: exit 2, nothing sent, nothing written', async (args, says) => {
    const dir = project();
    const before = llm.requests.length;
    const r = await cliInProcess(
      [
        'run',
        '--config',
        path.join(dir, 'evalgate.yaml'),
        '--report',
        path.join(dir, 'r.json'),
        ...args,
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(says);
    expect(llm.requests.length).toBe(before);
    expect(existsSync(path.join(dir, 'r.json'))).toBe(false);
  });
});
