import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent, runAction, startFakeGitHub } from '../helpers/fake-github.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';
import { expectInert } from '../report/inert.js';
import { expectCountsMatch, outcome, parseXml, suite } from '../report/xml.js';

// JUnit XML and the summary Markdown from both front doors, for test reporters and CI systems
// other than GitHub. 20 cases are fewer than gate.min_cases (30): every check is inconclusive
// ("insufficient data") and shows as a skipped test, while the regressed cases fail.
let llm: FakeServer;

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    return req.model === 'bad-model' && i % 5 === 0 ? 'wrong' : `a${i}`;
  });
});
afterAll(() => llm.close());

function project(extra = ''): string {
  return workspace({
    'golden.jsonl': goldenJsonl(20),
    'evalgate.yaml': baseConfig(llm.url, extra).replace('model: cand-model', 'model: bad-model'),
  });
}

/** The summary without what differs between two runs: latencies and the footer's duration. */
const body = (md: string) =>
  md
    .split('\n')
    .filter((l) => !l.startsWith('<sub>'))
    .join('\n')
    .replace(/\d+(\.\d+)? ms\b/g, '… ms')
    .trim();

function expectJunit(xml: string): void {
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  const cases = suite(root, 'evalgate cases');
  const checks = suite(root, 'evalgate checks');
  expectCountsMatch(cases);
  expectCountsMatch(checks);
  const byName = new Map(cases.children.map((c) => [c.attrs.name, c]));
  expect(byName.size).toBe(20);
  for (let i = 0; i < 20; i++) {
    expect(outcome(byName.get(`case-${i}`)!)).toBe(i % 5 === 0 ? 'failure' : 'pass');
  }
  const failure = byName.get('case-5')!.children[0]!;
  expect(failure.attrs.message).toContain('1.00 → 0.00');
  expect(failure.text).toContain('candidate output:\nwrong');
  expect(checks.children.length).toBeGreaterThan(0);
  for (const c of checks.children) {
    expect(outcome(c)).toBe('skipped');
    expect(c.children[0]!.attrs.message).toMatch(/insufficient data|fewer/);
  }
  expect(root.attrs.tests).toBe(String(20 + checks.children.length));
}

describe('JUnit and summary files', () => {
  it('are written by the CLI and the Action alike, with inconclusive checks as skipped tests', async () => {
    const dir = project();
    const cli = await runNode(
      CLI,
      ['run', '--config', 'evalgate.yaml', '--junit', 'out/cli.xml', '--summary', 'out/cli.md'],
      { cwd: dir, env: { TEST_KEY: 'k' } },
    );
    expect(cli.code).toBe(0);
    const action = await runAction({
      workspace: dir,
      inputs: { config: 'evalgate.yaml', junit: 'out/action.xml', comment: 'false' },
      env: { TEST_KEY: 'k' },
    });
    expect(action.code).toBe(0);
    expect(action.outputs.decision).toBe('inconclusive');

    const cliXml = readFileSync(path.join(dir, 'out/cli.xml'), 'utf8');
    const actionXml = readFileSync(path.join(dir, 'out/action.xml'), 'utf8');
    expectJunit(cliXml);
    expectJunit(actionXml);

    const md = readFileSync(path.join(dir, 'out/cli.md'), 'utf8');
    expect(md.split('\n')[0]).toBe('## ⚠️ evalgate: inconclusive');
    expect(md).toContain('| Metric | Baseline | Candidate | Change | Budget | Verdict |');
    expect(md).toContain('⚠️ inconclusive |');
    expect(md).toContain('### Regressed cases (4)');
    expectInert(md);
    // The job summary is the same Markdown as the --summary file.
    expect(body(action.summary)).toBe(body(md));
  });

  it('block with exit 1 on both front doors when inconclusive is set to fail, and say so on every surface', async () => {
    const dir = project();
    const cfg = path.join(dir, 'evalgate.yaml');
    writeFileSync(
      cfg,
      // A set this size must be able to decide every check (min_cases within it, a ceiling that
      // 20 error-free calls can pass): else on_inconclusive: fail makes it bad input up front.
      readFileSync(cfg, 'utf8')
        .replace('gate:\n  min_cases: 30', 'gate:\n  min_cases: 20\n  on_inconclusive: fail')
        .replace('error_rate: {max: 0.05}', 'error_rate: {max: 0.15}'),
    );
    const cli = await runNode(
      CLI,
      ['run', '--config', 'evalgate.yaml', '--junit', 'j.xml', '--summary', 's.md'],
      { cwd: dir, env: { TEST_KEY: 'k' } },
    );
    expect(cli.code).toBe(1);
    const lead = 'blocked: inconclusive, and gate.on_inconclusive is fail: ';
    // The terminal header and the one-line summary.
    expect(cli.stdout.split('\n')[0]).toMatch(
      /^evalgate: BLOCKED \(INCONCLUSIVE\) {2}blocked: inconclusive, and gate\.on_inconclusive is fail: /,
    );
    expect(cli.stderr).toContain(`\nevalgate: ${lead}`);
    const report = JSON.parse(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'));
    expect(report).toMatchObject({ decision: 'inconclusive', blocked: true });
    expect(report.blocked_by).toBe('on_inconclusive');
    expect(report.summary.startsWith(lead)).toBe(true);
    const heading = '## ❌ evalgate: blocked (inconclusive, and gate.on_inconclusive is fail)';
    expect(readFileSync(path.join(dir, 's.md'), 'utf8').split('\n')[0]).toBe(heading);
    // JUnit: the inconclusive checks are the failures that block, no longer skipped.
    const checks = suite(
      parseXml(readFileSync(path.join(dir, 'j.xml'), 'utf8')),
      'evalgate checks',
    );
    expect(checks.children.length).toBeGreaterThan(0);
    // A check that passed stays a pass; every one that is inconclusive is a failure now.
    const blocking = checks.children.filter((c) => outcome(c) !== 'pass');
    expect(blocking.length).toBeGreaterThan(0);
    for (const c of blocking) {
      expect(outcome(c)).toBe('failure');
      expect(c.children[0]!.attrs.type).toBe('inconclusive_blocks');
      expect(c.children[0]!.attrs.message).toMatch(
        /^inconclusive, and gate\.on_inconclusive is fail: .*(insufficient data|straddles)/,
      );
    }

    const gh = await startFakeGitHub();
    try {
      const action = await runAction({
        workspace: dir,
        inputs: { config: 'evalgate.yaml', 'github-token': 'ghs_x' },
        env: { TEST_KEY: 'k' },
        event: pullRequestEvent(7),
        github: gh,
      });
      expect(action.code).toBe(1);
      expect(action.outputs.decision).toBe('inconclusive');
      expect(action.outputs.summary?.startsWith(lead)).toBe(true);
      expect(action.summary.split('\n')[0]).toBe(heading);
      expect(gh.comments).toHaveLength(1);
      expect(gh.comments[0]!.body).toContain(heading);
      expect(action.commands.some((c) => c.command === 'error' && c.message.startsWith(lead))).toBe(
        true,
      );
    } finally {
      await gh.close();
    }
  });

  it('link the --summary file to the workflow run when the CLI runs in GitHub Actions', async () => {
    const dir = project();
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml', '--summary', 's.md'], {
      cwd: dir,
      env: {
        TEST_KEY: 'k',
        GITHUB_SERVER_URL: 'https://ghe.example',
        GITHUB_REPOSITORY: 'acme/bot',
        GITHUB_RUN_ID: '77',
        GITHUB_RUN_ATTEMPT: '2',
      },
    });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 's.md'), 'utf8')).toContain(
      '[workflow run](https://ghe.example/acme/bot/actions/runs/77/attempts/2)',
    );
  });
});
