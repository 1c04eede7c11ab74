import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCrashHarness } from '../helpers/crash-harness.js';
import { parseOutputs, workflowCommands } from '../helpers/fake-github.js';
import { ANSWERED, answeredSides, runUntilHeld } from '../helpers/held-run.js';
import { readReport } from '../helpers/report-schema.js';
import { goldenJsonl, workspace } from '../helpers/workspace.js';

// The process-level crash guard of both front doors, in real processes: a bug that no catch
// sees (a throw from a callback, a rejected promise nobody awaits, process.exit(0) from a
// module) while calls are in flight still ends in the partial report, one line, and exit 3.
// The bug is set off by SIGUSR2 (test/helpers/crash-entry.ts) once 30 calls were answered
// and 8 are held.

const KEY = 'sk-crash-secret-2718';
let harness: string;
beforeAll(async () => {
  harness = await buildCrashHarness();
});

describe('the CLI crash guard', () => {
  it.each([
    ['a throw from a callback', 'throw', `internal error: boom, key ***`],
    ['a rejection nobody handles', 'reject', `internal error: boom, key ***`],
    [
      'process.exit(0) from a module',
      'exit',
      'internal error: process.exit(0) was called before the run finished',
    ],
  ])('%s: partial report, one line, exit 3, key masked', async (_, mode, reason) => {
    const dir = workspace({ 'golden.jsonl': goldenJsonl(100) });
    const r = await runUntilHeld(
      harness,
      ['run', '--config', 'evalgate.yaml', '--summary', 'summary.md'],
      dir,
      { TEST_KEY: KEY, CRASH_MODE: mode, CRASH_MESSAGE: `boom, key ${KEY}` },
      'SIGUSR2',
    );
    expect(r.code).toBe(3);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`evalgate: could not judge: ${reason}`);
    expect(lines.at(-2)).toBe('partial report, marked incomplete: evalgate-report.json');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain(KEY);

    const text = readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8');
    expect(text).not.toContain(KEY);
    const report = readReport(path.join(dir, 'evalgate-report.json'));
    expect(report.incomplete).toBe(true);
    expect(report.incomplete_reason).toBe(reason);
    expect(report.decision).toBe('inconclusive');
    expect(report.summary).toBe(
      `incomplete: the run stopped on an internal error after ${ANSWERED} of 200 calls; nothing was judged`,
    );
    expect(answeredSides(report)).toBe(ANSWERED);
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toMatch(
      /^## ⏹️ evalgate: incomplete, not judged/,
    );
  });

  it('EVALGATE_DEBUG=1 adds the stack, masked', async () => {
    const dir = workspace({ 'golden.jsonl': goldenJsonl(100) });
    const r = await runUntilHeld(
      harness,
      ['run', '--config', 'evalgate.yaml'],
      dir,
      { TEST_KEY: KEY, CRASH_MESSAGE: `boom, key ${KEY}`, EVALGATE_DEBUG: '1' },
      'SIGUSR2',
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Error: boom, key \*\*\*\n\s+at /);
    expect(r.stderr).not.toContain(KEY);
  });

  it('a run left waiting on a promise that never settles ends in the same way, not exit 13', async () => {
    const dir = workspace({});
    const partial = path.join(dir, 'partial.txt');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [harness], {
        env: { PATH: process.env.PATH, CRASH_MODE: 'idle', CRASH_PARTIAL: partial },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      child.on('close', (code) => resolve({ code, stderr }));
    });
    const reason = 'internal error: the run was left waiting on a promise that never settles';
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`evalgate: could not judge: ${reason}\n`);
    expect(readFileSync(partial, 'utf8')).toBe(reason);
  });

  it("still exits 3, saying why, when saying it fails too (not Node's exit 7)", async () => {
    const dir = workspace({});
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [harness], {
        env: {
          PATH: process.env.PATH,
          CRASH_MODE: 'idle',
          CRASH_PARTIAL: path.join(dir, 'partial.txt'),
          CRASH_FAIL_THROWS: 'Missing file at path: /runner/output.txt',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'evalgate: could not judge: internal error: the run was left waiting on a promise that never settles (and reporting it failed: Missing file at path: /runner/output.txt)\n',
    );
  });
});

describe('the Action crash guard', () => {
  it.each([
    ['a throw mid-run', 'throw', 'internal error: boom, key ***'],
    [
      'process.exit(0) from a module',
      'exit',
      'internal error: process.exit(0) was called before the run finished',
    ],
  ])(
    '%s: partial report, outputs (exit-code 3), job summary, one error line, exit 3',
    async (_, mode, reason) => {
      const dir = workspace({ 'golden.jsonl': goldenJsonl(100) });
      const runner = workspace({ 'output.txt': '', 'summary.md': '' });
      const r = await runUntilHeld(
        harness,
        [],
        dir,
        {
          TEST_KEY: KEY,
          CRASH_FRONT_DOOR: 'action',
          CRASH_MODE: mode,
          CRASH_MESSAGE: `boom, key ${KEY}`,
          GITHUB_OUTPUT: path.join(runner, 'output.txt'),
          GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
          INPUT_CONFIG: 'evalgate.yaml',
          INPUT_JUNIT: 'junit.xml',
          INPUT_COMMENT: 'false',
        },
        'SIGUSR2',
      );
      expect(r.code).toBe(3);
      const errors = workflowCommands(r.stdout).filter((c) => c.command === 'error');
      expect(errors.map((e) => e.message)).toEqual([reason]);
      // `::add-mask::` lines must quote it: they are how the runner learns to mask it.
      const log = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
      expect(log.join('\n')).not.toContain(KEY);
      expect(r.stderr).not.toMatch(/\n\s+at /);

      const outputs = parseOutputs(path.join(runner, 'output.txt'));
      expect(outputs.decision).toBe('inconclusive');
      // What a deploy job branches on: "could not judge", as the process's own exit code says.
      expect(outputs['exit-code']).toBe('3');
      const report = readReport(outputs.report!);
      expect(report.incomplete).toBe(true);
      expect(report.incomplete_reason).toBe(reason);
      expect(answeredSides(report)).toBe(ANSWERED);
      expect(existsSync(path.join(dir, 'junit.xml'))).toBe(true);
      const summary = readFileSync(path.join(runner, 'summary.md'), 'utf8');
      expect(summary).toMatch(/^## ⏹️ evalgate: incomplete, not judged/);
      expect(summary).toContain('the run stopped on an internal error');
      expect(summary).not.toContain(KEY);
    },
  );
});
