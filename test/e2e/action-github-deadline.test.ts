import { spawn } from 'node:child_process';
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
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { readReport } from '../helpers/report-schema.js';
import { ACTION, baseConfig, goldenJsonl, workspace } from '../helpers/workspace.js';

// The Action's GitHub calls, through the real Octokit client to a loopback API: one that never
// answers cannot keep the step alive past a cancel, and one whose error quotes the token does
// not get it into the log.
let llm: FakeServer;
let gh: FakeGitHub;
const TOKEN = 'ghs_deadline_token_4242';

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => `a${userText(req).replace(/^q/, '')}`);
  gh = await startFakeGitHub(30);
});
afterAll(async () => {
  await llm.close();
  await gh.close();
});
beforeEach(() => {
  gh.silent = false;
  gh.failListWith = undefined;
  gh.failMessage = undefined;
});

const step = () => ({
  workspace: workspace({ 'golden.jsonl': goldenJsonl(40), 'evalgate.yaml': baseConfig(llm.url) }),
  inputs: { config: 'evalgate.yaml', 'github-token': TOKEN },
  env: { TEST_KEY: 'k' },
  event: pullRequestEvent(5),
  github: gh,
});

/** The warnings and errors the step printed, `::add-mask::` (which must quote it) left out. */
const annotations = (stdout: string) =>
  workflowCommands(stdout).filter((c) => c.command === 'warning' || c.command === 'error');

describe('the Action and a GitHub API that misbehaves', () => {
  it('SIGTERM while GitHub never answers the comment calls: exits within seconds, report and summary written', async () => {
    gh.silent = true;
    const s = step();
    const { env, runner } = actionEnv(s);
    const child = spawn(process.execPath, [ACTION], {
      cwd: s.workspace,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.resume();
    const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    // The run is over and the comment's first call is waiting on the silent API.
    await gh.nextCall();
    const killedAt = performance.now();
    child.kill('SIGTERM');
    const code = await exited;
    const seconds = (performance.now() - killedAt) / 1000;

    // Measured well under a second; before, the step sat out the API for 300 s.
    expect(seconds).toBeLessThan(20);
    // The gate decided before the cancel: its verdict stands.
    expect(code).toBe(0);
    const warning = annotations(stdout).find((c) => c.message.includes('could not comment'));
    expect(warning?.message).toMatch(/^could not comment on PR #5: the run was cancelled\./);
    // 40 identical answers: no regression, too few cases to call it a pass.
    const outputs = parseOutputs(path.join(runner, 'output.txt'));
    expect(outputs.decision).toBe('inconclusive');
    expect(existsSync(outputs.report!)).toBe(true);
    expect(readReport(outputs.report!).decision).toBe('inconclusive');
    expect(readFileSync(path.join(runner, 'summary.md'), 'utf8')).toMatch(
      /^## ⚠️ evalgate: inconclusive/,
    );
  });

  it('masks the token in the warning when GitHub answers 500 quoting it', async () => {
    gh.failListWith = 500;
    gh.failMessage = `Server Error: token ${TOKEN} is not valid here`;
    const r = await runAction(step());
    expect(r.code).toBe(0);
    const warning = annotations(r.stdout).find((c) => c.message.includes('could not comment'));
    expect(warning?.message).toMatch(
      /could not comment on PR #5 \(500\): Server Error: token \*\*\* is not valid here/,
    );
    for (const c of annotations(r.stdout)) expect(c.message).not.toContain(TOKEN);
    const withoutMask = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(withoutMask.join('\n')).not.toContain(TOKEN);
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.summary).not.toContain(TOKEN);
  });
});
