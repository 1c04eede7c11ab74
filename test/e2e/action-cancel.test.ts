import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionEnv, parseOutputs, workflowCommands } from '../helpers/fake-github.js';
import { type FakeServer, startFakeOpenAI } from '../helpers/fake-openai.js';
import { readReport } from '../helpers/report-schema.js';
import { ACTION, baseConfig, goldenJsonl, workspace } from '../helpers/workspace.js';

// A cancelled job: GitHub sends the step SIGINT. The calls in flight are abandoned, and the
// Action still writes its job summary and exits 3 ("could not judge"), not silently.
let llm: FakeServer;
let arrived: () => void;
const firstCall = new Promise<void>((resolve) => {
  arrived = resolve;
});

beforeAll(async () => {
  llm = await startFakeOpenAI(() => {
    arrived();
    return { hang: true };
  });
});
afterAll(() => llm.close());

describe('a cancelled Action run', () => {
  it('stops on SIGINT, writes the job summary, and exits 3', async () => {
    const dir = workspace({
      'golden.jsonl': goldenJsonl(60),
      'evalgate.yaml': baseConfig(llm.url).replace('timeout_ms: 5000', 'timeout_ms: 600000'),
    });
    const { env, runner } = actionEnv({
      workspace: dir,
      inputs: { config: 'evalgate.yaml', comment: 'false' },
      env: { TEST_KEY: 'k' },
    });
    const child = spawn(process.execPath, [ACTION], {
      cwd: dir,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const exited = new Promise<number>((resolve) =>
      child.on('close', (code) => resolve(code ?? -1)),
    );
    await firstCall;
    child.kill('SIGINT');
    const code = await exited;

    expect(code).toBe(3);
    expect(stderr).not.toMatch(/\n\s+at /);
    const failed = workflowCommands(stdout).find((c) => c.command === 'error');
    expect(failed?.message).toMatch(/^cancelled: /);
    // What was measured before the cancel is written, marked incomplete and not judged.
    const summary = readFileSync(path.join(runner, 'summary.md'), 'utf8');
    expect(summary.split('\n')[0]).toBe('## ⏹️ evalgate: incomplete, not judged');
    expect(summary).toContain('incomplete: the run was cancelled');
    const outputs = parseOutputs(path.join(runner, 'output.txt'));
    expect(outputs.decision).toBe('inconclusive');
    const report = readReport(outputs.report!);
    expect(report.incomplete).toBe(true);
  });
});
