import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { ANSWERED, answeredSides, HELD, runUntilHeld } from '../helpers/held-run.js';
import { afterThisTest } from '../helpers/per-test.js';
import { ACTION, baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// A cancelled workflow: GitHub sends SIGINT/SIGTERM to the step. The CLI and the Action must cancel
// the calls in flight, write what was answered as a report marked incomplete, say so in the
// summary, and exit 3. The signal is sent when the server has seen a given number of requests
// (an event, not a sleep): see test/helpers/held-run.ts.

const KEY = 'sk-cancel-secret-789';

describe('cancelling a run (SIGTERM / SIGINT)', () => {
  it('the CLI cancels calls in flight, writes a partial report marked incomplete, exits 3', async () => {
    const dir = workspace({ 'golden.jsonl': goldenJsonl(100) });
    const r = await runUntilHeld(
      CLI,
      ['run', '--config', 'evalgate.yaml', '--summary', 'summary.md', '--junit', 'junit.xml'],
      dir,
      { TEST_KEY: KEY },
      'SIGTERM',
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /could not judge: the run was cancelled before every case was answered \(SIGTERM\)/,
    );
    expect(r.stderr).toMatch(/partial report, marked incomplete: evalgate-report\.json/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.server.requests).toHaveLength(ANSWERED + HELD); // nothing sent after the signal

    const text = readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8');
    expect(text).not.toContain(KEY);
    const report = JSON.parse(text) as Report;
    expect(report.incomplete).toBe(true);
    expect(report.incomplete_reason).toBe(
      'the run was cancelled before every case was answered (SIGTERM)',
    );
    expect(report.decision).toBe('inconclusive');
    expect(report.checks).toEqual([]);
    expect(report.summary).toBe(
      `incomplete: the run was cancelled after ${ANSWERED} of 200 calls; nothing was judged`,
    );
    // Exactly the answered calls are in the report; unanswered cases are absent.
    expect(answeredSides(report)).toBe(ANSWERED);
    expect(report.cases.length).toBeLessThanOrEqual(ANSWERED);
    for (const c of report.cases) {
      for (const s of [c.baseline, c.candidate]) if (s) expect(s.error).toBeNull();
    }
    expect(report.meta.calls).toMatchObject({ planned: 200, done: ANSWERED });

    const summary = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('incomplete: the run was cancelled');
    expect(summary).toContain('this report is incomplete');
    expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toContain('<testsuite');
  }, 30_000);

  it('the Action does the same on SIGINT: partial report, job summary says incomplete, exit 3', async () => {
    const dir = workspace({ 'golden.jsonl': goldenJsonl(100) });
    const runner = workspace({ 'output.txt': '', 'summary.md': '' });
    const r = await runUntilHeld(
      ACTION,
      [],
      dir,
      {
        TEST_KEY: KEY,
        GITHUB_OUTPUT: path.join(runner, 'output.txt'),
        GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
        INPUT_CONFIG: 'evalgate.yaml',
        INPUT_REPORT: 'out/report.json',
        INPUT_COMMENT: 'false',
      },
      'SIGINT',
    );
    expect(r.code).toBe(3);
    const report = JSON.parse(readFileSync(path.join(dir, 'out/report.json'), 'utf8')) as Report;
    expect(report.incomplete).toBe(true);
    expect(report.incomplete_reason).toMatch(/cancelled .*\(SIGINT\)/);
    expect(answeredSides(report)).toBe(ANSWERED);
    const summary = readFileSync(path.join(runner, 'summary.md'), 'utf8');
    expect(summary).toContain('incomplete: the run was cancelled');
    expect(summary).not.toContain(KEY);
    const outputs = readFileSync(path.join(runner, 'output.txt'), 'utf8');
    expect(outputs).toMatch(/decision<<\S+\ninconclusive\n/);
  }, 30_000);
});

/** A preload that raises SIGTERM, synchronously, as the golden set's file is closed after reading. */
const TERM_ON_READ = [
  "import fs from 'node:fs';",
  "import { syncBuiltinESMExports } from 'node:module';",
  'const { openSync, closeSync } = fs;',
  'let golden;',
  'let raised = false;',
  'fs.openSync = (file, ...rest) => {',
  '  const fd = openSync(file, ...rest);',
  "  if (String(file).endsWith('golden.jsonl')) golden = fd;",
  '  return fd;',
  '};',
  'fs.closeSync = (fd) => {',
  '  closeSync(fd);',
  '  if (fd !== golden || raised) return;',
  '  raised = true; // once: the file is read again for the report',
  "  process.kill(process.pid, 'SIGTERM');",
  '};',
  'syncBuiltinESMExports();',
].join('\n');

describe('a cancel while the golden set is read', () => {
  /** A run of `cases` cases that raises SIGTERM as it closes the golden set's file. */
  async function cancelledWhileReading(cases: number) {
    const server = await startFakeOpenAI((req) => `a${userText(req).replace(/^q/, '')}`);
    afterThisTest(() => server.close());
    const dir = workspace({
      'golden.jsonl': goldenJsonl(cases),
      'evalgate.yaml': baseConfig(server.url),
      'term-on-read.mjs': TERM_ON_READ,
    });
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], {
      cwd: dir,
      env: { TEST_KEY: KEY },
      nodeArgs: ['--import', './term-on-read.mjs'],
    });
    return { r, requests: server.requests };
  }

  it('starts the run cancelled: nothing is sent, exit 3', async () => {
    // The signal comes while loading runs synchronously (it is raised, synchronously, as the
    // golden set's file is closed): node handles it only when its event loop next polls, which
    // must happen before the first request, not after.
    const { r, requests } = await cancelledWhileReading(3000);
    expect(r.stderr).toMatch(/could not judge: the run was cancelled .*\(SIGTERM\)/);
    expect(r.code).toBe(3);
    expect(requests).toHaveLength(0);
  });

  it('stops a large golden set part way: the cancel is not kept waiting for the whole load', async () => {
    // Checking 200,000 cases takes far longer than the loader's 50 ms between turns, so it is
    // the loader that sees the signal, not the run after it (which said "before every case
    // was answered", once the whole set had been read and checked).
    const { r, requests } = await cancelledWhileReading(200_000);
    expect(r.stderr).toContain(
      'could not judge: the run was cancelled (SIGTERM) while loading the golden set; nothing was sent',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(3);
    expect(requests).toHaveLength(0);
  }, 30_000);
});
