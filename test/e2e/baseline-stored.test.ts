// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { runAction } from '../helpers/fake-github.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';
import { expectInert } from '../report/inert.js';

// Record on main, compare pull requests against the recording: the baseline target is never
// called, cases pair by id, and a recording that no longer matches the dataset or the way
// answers are scored says so wherever the result is read.
let llm: FakeServer;
const KEY = 'sk-stored-baseline-secret';

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    return req.model === 'bad-model' && i % 4 === 0 ? 'nope' : `a${i}`;
  });
});
afterAll(() => llm.close());

function project(): string {
  return workspace({
    'golden.jsonl': goldenJsonl(60),
    'evalgate.yaml': baseConfig(llm.url).replace('model: cand-model', 'model: ${CANDIDATE}'),
  });
}

async function record(dir: string): Promise<Report> {
  const r = await runAction({
    workspace: dir,
    inputs: { config: 'evalgate.yaml', only: 'candidate', report: 'main.json' },
    env: { TEST_KEY: KEY, CANDIDATE: 'same-model' },
    event: { name: 'push', payload: { ref: 'refs/heads/main' } },
  });
  expect(r.code).toBe(0);
  expect(r.outputs.decision).toBe('pass');
  expect(r.summary).toContain('## 📼 evalgate: recorded baseline');
  return JSON.parse(readFileSync(path.join(dir, 'main.json'), 'utf8'));
}

function compare(dir: string, candidate = 'same-model', args: string[] = []) {
  return runNode(
    CLI,
    [
      'run',
      '--config',
      'evalgate.yaml',
      '--baseline-report',
      'main.json',
      '--summary',
      's.md',
      ...args,
    ],
    { cwd: dir, env: { TEST_KEY: KEY, CANDIDATE: candidate } },
  );
}

const edit = (dir: string, file: string, fn: (text: string) => string) =>
  writeFileSync(path.join(dir, file), fn(readFileSync(path.join(dir, file), 'utf8')));

describe('stored baselines', () => {
  it('records fingerprints of the dataset and config, and nothing secret', async () => {
    const dir = project();
    const rec = await record(dir);
    expect(rec.meta.only).toBe('candidate');
    const sha = createHash('sha256')
      .update(readFileSync(path.join(dir, 'golden.jsonl')))
      .digest('hex');
    expect(rec.meta.fingerprints).toEqual({
      datasets: { 'golden.jsonl': `sha256:${sha}` },
      config: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(rec)).not.toContain(KEY);
  });

  it('compares without calling the baseline, with no warning when nothing changed', async () => {
    const dir = project();
    await record(dir);
    const before = llm.requests.length;
    const r = await compare(dir, 'bad-model');
    expect(r.code).toBe(1);
    const sent = llm.requests.slice(before);
    expect(sent).toHaveLength(60);
    expect(sent.every((q) => q.body.model === 'bad-model')).toBe(true);
    expect(r.stderr).not.toMatch(/differs|baseline report|fingerprints/);
    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    expect(report.meta.stored_baseline).toMatchObject({
      file: 'main.json',
      paired: 60,
      not_recorded: [],
      not_in_dataset: [],
    });
    expect(report.cases.find((c) => c.id === 'case-4')!.baseline!.output).toBe('a4');
    expect(readFileSync(path.join(dir, 's.md'), 'utf8')).toContain(
      '| Baseline (recorded) | Candidate |',
    );
  });

  it('reports cases missing on either side and a changed dataset, in the log, report and summary', async () => {
    const dir = project();
    await record(dir);
    edit(dir, 'golden.jsonl', (t) => {
      const lines = t.split('\n').filter((l) => !l.includes('"case-7"'));
      lines[0] = lines[0]!.replace('"a0"', '"A0"');
      lines.push(JSON.stringify({ id: 'new-1', input: 'q1', expected: 'a1' }));
      lines.push(JSON.stringify({ id: 'new-<b>2</b>@octocat', input: 'q2', expected: 'a2' }));
      return lines.join('\n');
    });
    const r = await compare(dir);
    expect(r.stderr).toContain(
      'warning: 2 case(s) are not in the baseline report main.json and were not compared: "new-1", "new-<b>2</b>@octocat"',
    );
    expect(r.stderr).toContain(
      'warning: 1 case(s) in the baseline report main.json are no longer in the dataset: "case-7"',
    );
    expect(r.stderr).toMatch(
      /warning: the dataset differs from the one recorded in main\.json \(changed: golden\.jsonl\)/,
    );
    expect(r.stderr).not.toMatch(/the config differs/);
    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    expect(report.meta.stored_baseline).toMatchObject({
      paired: 59,
      not_recorded: ['new-1', 'new-<b>2</b>@octocat'],
      not_in_dataset: ['case-7'],
    });
    const md = readFileSync(path.join(dir, 's.md'), 'utf8');
    expect(md).toContain('#### Warnings');
    expect(md).toContain(
      '2 case(s) are not in the baseline report main.json and were not compared',
    );
    expect(md).toContain('the dataset differs from the one recorded in main.json');
    expectInert(md);

    // The Action's job summary shows the same warnings.
    const action = await runAction({
      workspace: dir,
      inputs: { config: 'evalgate.yaml', 'baseline-report': 'main.json', comment: 'false' },
      env: { TEST_KEY: KEY, CANDIDATE: 'same-model' },
    });
    expect(action.summary).toContain('no longer in the dataset: &quot;case-7&quot;');
    expect(action.summary).toContain('the dataset differs from the one recorded in main.json');
    expect(action.commands.filter((c) => c.command === 'warning').map((c) => c.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^the dataset differs/)]),
    );
  });

  it('warns when the scoring config changed, not when only the candidate or budgets did', async () => {
    const dir = project();
    await record(dir);
    edit(dir, 'evalgate.yaml', (t) => t.replace('max_drop: 0.02}', 'max_drop: 0.05}'));
    const budgetsOnly = await compare(dir, 'other-model');
    expect(budgetsOnly.stderr).not.toMatch(/differs/);
    edit(dir, 'evalgate.yaml', (t) => t.replace('  - type: exact', '  - type: icontains'));
    const scorers = await compare(dir);
    expect(scorers.stderr).toMatch(
      /warning: the config differs from the one recorded in main\.json in how answers are scored/,
    );
    expect(scorers.stderr).not.toMatch(/the dataset differs/);
  });

  it('warns when the recording predates fingerprints', async () => {
    const dir = project();
    const rec = await record(dir);
    delete rec.meta.fingerprints;
    writeFileSync(path.join(dir, 'main.json'), JSON.stringify(rec));
    const r = await compare(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('main.json carries no fingerprints');
  });

  it('rejects a missing or foreign baseline report as bad input, sending nothing', async () => {
    const dir = project();
    const before = llm.requests.length;
    const missing = await compare(dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('main.json: baseline report not found');
    writeFileSync(path.join(dir, 'main.json'), JSON.stringify({ hello: 'world' }));
    const foreign = await compare(dir);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('main.json (schema_version): not an evalgate report');
    expect(llm.requests.length).toBe(before);
  });
});
