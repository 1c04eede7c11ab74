import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import {
  type ActionRun,
  type FakeGitHub,
  pullRequestEvent,
  runAction,
  startFakeGitHub,
} from '../helpers/fake-github.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, runNode, workspace } from '../helpers/workspace.js';
import { expectInert } from '../report/inert.js';

// Text written to break the page, in every place untrusted text reaches: the model's outputs,
// and the dataset's ids, inputs, expected answers and tags (which become slice names, check
// names and the one-line summary). The comment, the job summary, the --summary file and the
// annotations must show it as text: nobody pinged, no HTML, no escaped <details>, no broken table.
const HOSTILE_OUTPUT = [
  '@octocat @acme/security-team see #1 </details></summary></pre>',
  '<img src=x onerror=alert(1)><script>alert(2)</script><!-- hide -->',
  '| col | col |',
  '|---|---|',
  '```js',
  'process.exit() ~~~',
  '```',
  '[click](javascript:alert(3)) ![x](https://evil.example/x.png) $x$ **b** _i_',
  '\u001b[31mred\u001b[0m \u202eevil\u202c end',
].join('\n');
const TAGS = ['@octocat', '</details><b>x</b>|y', '``` ##[error]injected'];

function hostileCase(i: number): string {
  return JSON.stringify({
    id: `evil-${String(i).padStart(2, '0')} </summary>@octocat|\`x\``,
    input: `q${i}\n@acme/team </details> | a | b |\n\`\`\`\n<script>alert(1)</script>`,
    expected: `a${i}`,
    tags: [TAGS[i % 3]],
  });
}

let llm: FakeServer;
let gh: FakeGitHub;
let repo: string;
let run: ActionRun;
let comment: string;
const N = 60;

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const i = Number(userText(req).split('\n')[0]!.replace(/^q/, ''));
    if (req.model === 'bad-model' && i % 4 === 0) return HOSTILE_OUTPUT;
    return `a${i}`;
  });
  gh = await startFakeGitHub(30);
  // The repository checkout, with the project one folder down (working-directory: evals).
  repo = workspace({});
  mkdirSync(path.join(repo, 'evals'));
  writeFileSync(
    path.join(repo, 'evals/golden.jsonl'),
    `${Array.from({ length: N }, (_, i) => hostileCase(i)).join('\n')}\n`,
  );
  writeFileSync(
    path.join(repo, 'evals/evalgate.yaml'),
    baseConfig(
      llm.url,
      'slices:\n  by: [tags]\n  min_cases: 5\n  budgets: {quality: {max_drop: 0.05}}\n',
    )
      .replace('model: cand-model', 'model: bad-model')
      // Templates pass the hostile input through unchanged: the input's first line is qN.
      .replace('  candidate:', '  candidate:\n    prompt: "{{input}}"'),
  );
  run = await runAction({
    workspace: repo,
    inputs: {
      config: 'evalgate.yaml',
      'working-directory': 'evals',
      'github-token': 'ghs_hostile',
      junit: 'junit.xml',
    },
    env: { TEST_KEY: 'k' },
    event: pullRequestEvent(3),
    github: gh,
  });
  comment = gh.comments[0]?.body ?? '';
});
afterAll(async () => {
  await llm.close();
  await gh.close();
});

describe('hostile outputs and dataset text', () => {
  it('the gate still blocks the regression', () => {
    expect(run.code).toBe(1);
    expect(run.outputs.decision).toBe('fail');
  });

  it('are inert in the PR comment', () => {
    expect(gh.comments).toHaveLength(1);
    expect(comment).toContain('<details>');
    expectInert(comment.slice(comment.indexOf('\n') + 1));
    // The hostile slice names made it into the checks table, as text.
    expect(comment).toContain('tags=&#64;&#8203;octocat');
  });

  it('are inert in the job summary', () => {
    expect(run.summary).toContain('## ❌ evalgate: fail');
    expect(run.summary).toContain('<details>');
    expectInert(run.summary);
  });

  it('raise no workflow command from a plain log line (the budget plan and the summary name slices)', () => {
    // A `::` line is a command of ours (its data cannot start another); anywhere else the
    // runner still reads the older `##[command]` form.
    const plain = run.stdout.split('\n').filter((l) => !l.startsWith('::'));
    expect(plain.filter((l) => l.includes('##['))).toEqual([]);
    expect(plain.some((l) => l.includes('#\u200b#[error]injected'))).toBe(true);
  });

  it('keep the one-line summary output on one line', () => {
    expect(run.outputs.summary).toMatch(/^blocked: /);
    expect(run.outputs.summary).not.toContain('\n');
  });

  it('are inert in the annotations, which point at the golden-set lines of the worst cases', () => {
    const notes = run.commands.filter((c) => c.properties.title?.startsWith('evalgate: '));
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.length).toBeLessThanOrEqual(9);
    const report = JSON.parse(
      readFileSync(path.join(repo, 'evals/evalgate-report.json'), 'utf8'),
    ) as Report;
    for (const n of notes) {
      expect(n.command).toBe('error');
      expect(n.properties.file).toBe('evals/golden.jsonl');
      const line = Number(n.properties.line);
      const c = report.cases[line - 1]!;
      expect(c.source).toBe(`golden.jsonl:${line}`);
      // The case at that line is the one the message names, and it did regress.
      expect(n.message).toContain(`evil-${String(line - 1).padStart(2, '0')}`);
      expect(c.candidate!.score).toBeLessThan(c.baseline!.score);
      expect(n.message).not.toMatch(/@[\w-]/);
      expect(n.message).not.toMatch(/[\n\r\u001b\u202e]/);
    }
  });

  it('are inert in the --summary file and escaped in JUnit from the CLI', async () => {
    const r = await runNode(
      CLI,
      ['run', '--config', 'evalgate.yaml', '--summary', 'summary.md', '--report', 'cli.json'],
      { cwd: path.join(repo, 'evals'), env: { TEST_KEY: 'k' } },
    );
    expect(r.code).toBe(1);
    const md = readFileSync(path.join(repo, 'evals/summary.md'), 'utf8');
    expect(md).toContain('<details>');
    expectInert(md);
    const xml = readFileSync(path.join(repo, 'evals/junit.xml'), 'utf8');
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u001b');
  });
});
