import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { ACTION, baseConfig, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// The Action bundle driven as GitHub drives it: INPUT_* variables, and real GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files that we read back.
let server: FakeServer;
const KEY = 'sk-action-secret-456';

beforeAll(async () => {
  server = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    if (req.model === 'bad-model' && i % 4 === 0) return 'nope';
    return `a${i}`;
  });
});
afterAll(() => server.close());

function parseOutputs(file: string): Record<string, string> {
  // GitHub's file format: `name<<DELIMITER\nvalue\nDELIMITER`.
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of readFileSync(file, 'utf8').matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

async function runAction(model: string, inputs: Record<string, string> = {}) {
  const project = workspace({
    'golden.jsonl': goldenJsonl(60),
    'evalgate.yaml': baseConfig(server.url).replace('model: cand-model', `model: ${model}`),
  });
  const runner = workspace({ 'output.txt': '', 'summary.md': '' });
  const env: NodeJS.ProcessEnv = {
    TEST_KEY: KEY,
    GITHUB_OUTPUT: path.join(runner, 'output.txt'),
    GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
    INPUT_CONFIG: 'evalgate.yaml',
    INPUT_REPORT: 'out/report.json',
    'INPUT_WORKING-DIRECTORY': project,
    INPUT_COMMENT: 'false',
    INPUT_JUNIT: 'out/junit.xml',
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = await runNode(ACTION, [], { cwd: runner, env });
  return {
    ...r,
    project,
    outputs: parseOutputs(path.join(runner, 'output.txt')),
    summary: readFileSync(path.join(runner, 'summary.md'), 'utf8'),
  };
}

describe('the Action bundle', () => {
  it('passes an identical candidate: decision output, job summary, step succeeds', async () => {
    const r = await runAction('same-model');
    expect(r.code).toBe(0);
    expect(r.outputs.decision).toBe('pass');
    expect(r.outputs.report).toBe(path.join(r.project, 'out/report.json'));
    expect(r.outputs.summary).toMatch(/^pass/);
    expect(JSON.parse(readFileSync(r.outputs.report!, 'utf8')).decision).toBe('pass');
    expect(readFileSync(path.join(r.project, 'out/junit.xml'), 'utf8')).toContain('<testsuite');
    expect(r.summary).toContain('quality');
    // The key is registered as a secret (the runner hides it from then on) and printed nowhere else.
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.includes(KEY)).every((l) => l === `::add-mask::${KEY}`)).toBe(
      true,
    );
    expect(lines).toContain(`::add-mask::${KEY}`);
  });

  it('fails the step on a regressed candidate and explains why in the summary', async () => {
    const r = await runAction('bad-model');
    expect(r.code).toBe(1);
    expect(r.outputs.decision).toBe('fail');
    expect(r.stdout).toMatch(/::error::blocked: quality/);
    expect(r.summary).toMatch(/quality/);
    expect(r.summary).toContain(r.outputs.summary!.slice('blocked: '.length, 40));
    expect(r.summary).not.toContain(KEY);
  });

  it('rejects bad input with exit 2, names the field, sends nothing, and still writes a summary', async () => {
    const project = workspace({
      'golden.jsonl': goldenJsonl(40),
      'evalgate.yaml': baseConfig(server.url).replace('budgets:', 'budget:'),
    });
    const runner = workspace({ 'output.txt': '', 'summary.md': '' });
    const before = server.requests.length;
    const r = await runNode(ACTION, [], {
      cwd: runner,
      env: {
        TEST_KEY: KEY,
        GITHUB_OUTPUT: path.join(runner, 'output.txt'),
        GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
        INPUT_CONFIG: 'evalgate.yaml',
        'INPUT_WORKING-DIRECTORY': project,
      },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /::error::bad input; nothing was sent\.%0Aevalgate\.yaml:\d+ \(budget\): unknown key "budget" \(did you mean "budgets"\?\)/,
    );
    expect(server.requests.length).toBe(before);
    expect(readFileSync(path.join(runner, 'summary.md'), 'utf8')).toContain(
      'bad input, nothing was sent',
    );
    writeFileSync(path.join(runner, 'output.txt'), '');
  });
});
