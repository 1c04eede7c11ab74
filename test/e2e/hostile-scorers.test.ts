import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { readReport } from '../helpers/report-schema.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// A custom scorer that hangs or spins, through the real CLI against a loopback endpoint: the run
// goes on past a hanging scorer (its answers fail as scorer_timeout) and a spinning one cannot
// keep SIGTERM from ending the run with a partial report.

const KEY = 'sk-hostile-scorer-secret';
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const echo = (req: Parameters<typeof userText>[0]) => userText(req).replace(/^q/, 'a');

function config(url: string, extra: string): string {
  return baseConfig(url, extra).replace(
    'scorers:\n  - type: exact',
    'scorers:\n  - type: exact\n  - type: custom\n    module: hostile.mjs',
  );
}

describe('a hostile custom scorer in a real run', () => {
  it('a never-settling scorer: the run finishes with a report; those answers are scorer_timeout', async () => {
    server = await startFakeOpenAI(echo);
    const dir = workspace({
      'golden.jsonl': goldenJsonl(12),
      // Every third answer never settles, with a live timer holding the worker's event loop.
      'hostile.mjs': `export default (output) => {
        if (Number(output.slice(1)) % 3 === 0) { setInterval(() => {}, 1000); return new Promise(() => {}); }
        return 1;
      };`,
    });
    writeFileSync(
      path.join(dir, 'evalgate.yaml'),
      config(server.url, '  scorer_timeout_ms: 1000').replace('min_cases: 30', 'min_cases: 5'),
    );
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], {
      cwd: dir,
      env: { TEST_KEY: KEY },
    });
    expect([0, 1, 2, 3], r.stderr).toContain(r.code);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    const report = JSON.parse(
      readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'),
    ) as Report;
    expect(report.cases).toHaveLength(12);
    // The endpoint answered every call: a scorer's timeout is not the target's error rate.
    expect(report.targets.candidate?.error_rate).toBe(0);
    for (const c of report.cases) {
      const n = Number(c.id.replace('case-', ''));
      for (const side of [c.baseline!, c.candidate!]) {
        if (n % 3 === 0) {
          expect(side.error).toEqual({
            kind: 'scorer_timeout',
            message:
              'scorer "custom" failed: custom scorer hostile.mjs did not finish within run.scorer_timeout_ms (1 s); it was stopped',
          });
        } else expect(side).toMatchObject({ error: null, score: 1 });
      }
    }
  }, 60_000);

  it('a spinning scorer: SIGTERM still ends the run with exit 3 and a partial report', async () => {
    let child: ChildProcess | undefined;
    let signalled = false;
    server = await startFakeOpenAI((req) => {
      // The module says it is about to spin; from then on a worker is pinned.
      if (req.model === 'spinning') {
        if (!signalled) child?.kill('SIGTERM');
        signalled = true;
        return 'ok';
      }
      return echo(req);
    });
    const dir = workspace({
      'golden.jsonl': goldenJsonl(40),
      'hostile.mjs': `export default async (output) => {
        if (output !== 'a7') return 1;
        await fetch(${JSON.stringify(`${server.url}/chat/completions`)}, {
          method: 'POST', body: JSON.stringify({ model: 'spinning', messages: [] }),
        });
        for (;;) {}
      };`,
    });
    // A deadline of an hour: only the cancellation can stop the spin.
    writeFileSync(
      path.join(dir, 'evalgate.yaml'),
      config(server.url, '  scorer_timeout_ms: 3600000').replace(
        'concurrency: 8',
        'concurrency: 2',
      ),
    );
    const started = Date.now();
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      child = spawn(process.execPath, [CLI, 'run', '--config', 'evalgate.yaml'], {
        cwd: dir,
        env: { PATH: process.env.PATH, TEST_KEY: KEY },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (c) => {
        stderr += c;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(signalled).toBe(true);
    expect(r.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.stderr).toMatch(/cancelled .*\(SIGTERM\)/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    const report = readReport(path.join(dir, 'evalgate-report.json'));
    expect(report.incomplete).toBe(true);
    // The answer being scored when the run was cancelled is left out, not reported as a failure.
    for (const c of report.cases) {
      for (const side of [c.baseline, c.candidate]) if (side) expect(side.error).toBeNull();
    }
  }, 60_000);
});
