import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { readReport } from '../helpers/report-schema.js';
import { baseConfig, CLI, goldenJsonl, workspace } from '../helpers/workspace.js';

// `evalgate run 2>&1 | head -3`: the reader of the console goes away after a few lines, and every
// later write fails with EPIPE. The verdict and the report must not depend on it (this used to
// end a passing run with exit 3 and its report rewritten as incomplete).

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    return req.model === 'bad-model' && i % 5 === 0 ? 'wrong' : `a${i}`;
  });
});
afterAll(() => server.close());

/** Runs the CLI bundle with the read ends of the chosen pipes closed before it starts. */
function runWithoutReader(
  args: string[],
  cwd: string,
  closed: ('stdout' | 'stderr')[],
): Promise<number | null> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, TEST_KEY: 'sk-closed-console' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const name of ['stdout', 'stderr'] as const) {
    if (closed.includes(name)) child[name].destroy();
    else child[name].resume();
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

function setup(model: string): string {
  return workspace({
    'evalgate.yaml': baseConfig(server.url).replace('model: cand-model', `model: ${model}`),
    'golden.jsonl': goldenJsonl(60),
  });
}

describe('a console nobody reads any more', () => {
  it.each([[['stderr'] as const], [['stdout', 'stderr'] as const]])(
    'closed %j: a passing run still exits 0 with a complete report',
    async (closed) => {
      const dir = setup('same-model');
      const code = await runWithoutReader(
        ['run', '--config', 'evalgate.yaml', '--summary', 's.md'],
        dir,
        [...closed],
      );
      expect(code).toBe(0);
      const report = readReport(path.join(dir, 'evalgate-report.json'));
      expect(report.decision).toBe('pass');
      expect(report.incomplete).toBeUndefined();
      expect(readFileSync(path.join(dir, 's.md'), 'utf8')).toMatch(/pass/i);
    },
  );

  it('a blocked run still exits 1', async () => {
    const dir = setup('bad-model');
    const code = await runWithoutReader(['run', '--config', 'evalgate.yaml'], dir, [
      'stdout',
      'stderr',
    ]);
    expect(code).toBe(1);
    expect(readReport(path.join(dir, 'evalgate-report.json')).decision).toBe('fail');
  });

  it('bad input still exits 2, with nothing sent', async () => {
    const dir = workspace({
      'evalgate.yaml': baseConfig(server.url).replace('version: 1', 'version: 7'),
    });
    const before = server.requests.length;
    const code = await runWithoutReader(['run', '--config', 'evalgate.yaml'], dir, ['stderr']);
    expect(code).toBe(2);
    expect(server.requests.length).toBe(before);
  });
});
