// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import {
  type ActionRun,
  COMMENT_BODY_MAX,
  type FakeGitHub,
  pullRequestEvent,
  runAction,
  startFakeGitHub,
} from '../helpers/fake-github.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';
import { checksTable, expectInert } from '../report/inert.js';

// A huge report: 2000 cases, every one regressed, each candidate answer 5 KB of the characters
// that escaping multiplies most. The baseline is recorded once (--only candidate) and the pull
// request compared against it, as a large project would run it.
const N = 2000;
const ANSWER = '@@<`|\n'.repeat(5000 / 6);

let llm: FakeServer;
let gh: FakeGitHub;
let dir: string;
let run: ActionRun;
let report: Report;

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    return req.model === 'bad-model' ? `${i} ${ANSWER}` : `a${i}`;
  });
  gh = await startFakeGitHub(100);
  dir = workspace({
    'golden.jsonl': goldenJsonl(N, (i) => `t${i % 40}`),
    'evalgate.yaml': baseConfig(
      llm.url,
      'slices:\n  by: [tags]\n  min_cases: 20\n  budgets: {quality: {max_drop: 0.05}}\n',
    )
      .replace('model: cand-model', 'model: ${CANDIDATE}')
      .replace('concurrency: 8', 'concurrency: 32'),
  });
  const rec = await runNode(
    CLI,
    ['run', '--config', 'evalgate.yaml', '--only', 'candidate', '--report', 'main.json'],
    { cwd: dir, env: { TEST_KEY: 'k', CANDIDATE: 'same-model' } },
  );
  expect(rec.code).toBe(0);
  run = await runAction({
    workspace: dir,
    inputs: { config: 'evalgate.yaml', 'baseline-report': 'main.json', 'github-token': 'ghs_x' },
    env: { TEST_KEY: 'k', CANDIDATE: 'bad-model' },
    event: pullRequestEvent(11),
    github: gh,
  });
  report = JSON.parse(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'));
}, 60_000);
afterAll(async () => {
  await llm.close();
  await gh.close();
});

describe('a huge report', () => {
  it('is judged: every case regressed, blocked', () => {
    expect(run.code).toBe(1);
    expect(report.cases).toHaveLength(N);
    expect(report.cases.every((c) => c.candidate!.score < c.baseline!.score)).toBe(true);
    expect(report.checks.length).toBeGreaterThan(40);
  });

  it("fits the comment under GitHub's cap by shortening the case list, never the verdict", () => {
    expect(gh.comments).toHaveLength(1);
    const body = gh.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_MAX);
    expect(body.split('\n')[1]).toBe('## ❌ evalgate: fail');
    expect(body).toContain(run.outputs.summary!.slice(0, 40));
    expect(checksTable(body)).toEqual(checksTable(run.summary));
    const shown = (body.match(/<details>/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10);
    expect(body).toContain(`${N - shown} more regressed cases omitted`);
    expect(body).toContain('(https://github.example/acme/bot/actions/runs/42)');
    expectInert(body.slice(body.indexOf('\n') + 1));
  });

  it('writes the whole job summary: all 10 worst cases, well under 1 MiB', () => {
    expect((run.summary.match(/<details>/g) ?? []).length).toBe(10);
    expect(Buffer.byteLength(run.summary)).toBeLessThan(1024 * 1024);
    expectInert(run.summary);
  });
});
