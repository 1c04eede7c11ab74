import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { ACTION, baseConfig, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// Bad `with:` inputs to the Action bundle: exit 2, the input named, nothing sent. Driven as
// GitHub drives it, with INPUT_* variables and a real GITHUB_STEP_SUMMARY file.

let server: FakeServer;

beforeAll(async () => {
  server = await startFakeOpenAI((req) => `a${userText(req).replace(/^q/, '')}`);
});
afterAll(() => server.close());

async function runAction(inputs: Record<string, string>, runnerEnv: NodeJS.ProcessEnv = {}) {
  const project = workspace({
    'golden.jsonl': goldenJsonl(30),
    'evalgate.yaml': baseConfig(server.url),
  });
  const runner = workspace({ 'output.txt': '', 'summary.md': '' });
  const env: NodeJS.ProcessEnv = {
    TEST_KEY: 'sk-action-inputs-1',
    GITHUB_OUTPUT: path.join(runner, 'output.txt'),
    GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
    INPUT_CONFIG: 'evalgate.yaml',
    'INPUT_WORKING-DIRECTORY': project,
    INPUT_COMMENT: 'false',
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  Object.assign(env, runnerEnv);
  const before = server.requests.length;
  const r = await runNode(ACTION, [], { cwd: runner, env });
  return {
    ...r,
    project,
    sent: server.requests.length - before,
    summary: readFileSync(path.join(runner, 'summary.md'), 'utf8'),
    outputFile: path.join(runner, 'output.txt'),
  };
}

function expectBadInput(r: Awaited<ReturnType<typeof runAction>>, input: string, says: RegExp) {
  const shown = `stdout was:\n${r.stdout}\nstderr was:\n${r.stderr}`;
  expect(r.code, shown).toBe(2);
  expect(r.sent).toBe(0);
  expect(r.stdout, shown).toMatch(/::error::bad input; nothing was sent\./);
  expect(r.stdout, shown).toContain(`with.${input}`);
  expect(r.stdout, shown).toMatch(says);
  expect(r.stdout, shown).not.toContain('internal error');
  expect(r.summary).toContain('evalgate: bad input, nothing was sent');
}

describe('Action inputs', () => {
  it('`comment: no` is bad input, not a quiet "yes"', async () => {
    expectBadInput(
      await runAction({ comment: 'no' }),
      'comment',
      /must be true or false, got "no"/,
    );
  });

  it('`comment: False` is a boolean like core.getBooleanInput reads it', async () => {
    const r = await runAction({ comment: 'False' });
    expect(r.code, r.stdout).toBe(0);
    expect(r.sent).toBe(60);
  });

  it('a missing working-directory is bad input naming it', async () => {
    const r = await runAction({ 'working-directory': '/nonexistent/evalgate-project' });
    expectBadInput(r, 'working-directory', /folder not found: \/nonexistent\/evalgate-project/);
  });

  it('a `report` naming a directory is found before anything is sent', async () => {
    expectBadInput(await runAction({ report: '.' }), 'report', /is a directory; give a file path/);
  });

  it('a `junit` path through a file is found before anything is sent', async () => {
    expectBadInput(
      await runAction({ junit: 'golden.jsonl/junit.xml' }),
      'junit',
      /golden\.jsonl is a file, not a folder/,
    );
  });

  it('a `report` naming the dataset is bad input: the run would overwrite it', async () => {
    const r = await runAction({ report: 'golden.jsonl' });
    expectBadInput(r, 'report', /golden\.jsonl is the dataset file/);
    expect(readFileSync(path.join(r.project, 'golden.jsonl'), 'utf8')).toBe(goldenJsonl(30));
  });

  it('a GITHUB_OUTPUT naming a file that is not there is found before anything is sent', async () => {
    const r = await runAction({}, { GITHUB_OUTPUT: '/nonexistent/evalgate-runner/output.txt' });
    const shown = `stdout was:\n${r.stdout}\nstderr was:\n${r.stderr}`;
    // Bad input, not Node's exit 7 from @actions/core throwing inside the crash guard.
    expect(r.code, shown).toBe(2);
    expect(r.sent).toBe(0);
    expect(r.stdout, shown).toMatch(/::error::bad input; nothing was sent\./);
    expect(r.stdout, shown).toContain(
      'GITHUB_OUTPUT: /nonexistent/evalgate-runner/output.txt does not exist',
    );
    // Not written at all, rather than a warning per output.
    expect(r.stdout, shown).not.toContain('could not set');
    expect(`${r.stdout}${r.stderr}`, shown).not.toContain('internal error');
    expect(r.stderr, shown).not.toMatch(/\n\s+at /);
    expect(r.summary).toContain('evalgate: bad input, nothing was sent');
  });

  it('a GITHUB_STEP_SUMMARY that is a pipe is refused up front, not waited on forever', async () => {
    const fifo = path.join(workspace({}), 'summary.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await runAction({}, { GITHUB_STEP_SUMMARY: fifo });
    const shown = `stdout was:\n${r.stdout}\nstderr was:\n${r.stderr}`;
    expect(r.code, shown).toBe(2);
    expect(r.sent).toBe(0);
    expect(r.stdout, shown).toContain(`GITHUB_STEP_SUMMARY: ${fifo} is a pipe or socket`);
    expect(readFileSync(r.outputFile, 'utf8')).toContain('exit-code');
  });

  it('a GITHUB_EVENT_PATH that is a pipe or a device is refused before the Action loads', async () => {
    // @actions/github reads the payload whole as it loads: a pipe blocked the process where no
    // signal could end it, /dev/zero filled the memory.
    const fifo = path.join(workspace({}), 'event.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const file of [fifo, '/dev/zero']) {
      const r = await runAction({}, { GITHUB_EVENT_PATH: file });
      const shown = `stdout was:\n${r.stdout}\nstderr was:\n${r.stderr}`;
      expect(r.code, shown).toBe(2);
      expect(r.sent).toBe(0);
      expect(r.stdout, shown).toBe(
        `::error::bad input; nothing was sent.%0AGITHUB_EVENT_PATH: ${file} is not a regular file (a folder, pipe or device); the runner names the event's JSON payload here\n`,
      );
      // Stopped before the Action's code loaded, it still leaves what a run leaves.
      expect(readFileSync(r.outputFile, 'utf8')).toContain('exit-code=2');
      expect(r.summary).toContain('## ⚠️ evalgate: bad input, nothing was sent');
      expect(r.summary).toContain(`GITHUB_EVENT_PATH: ${file} is not a regular file`);
    }
  });

  it('a failed start (an API URL that is not a URL) still writes the job summary and exit-code', async () => {
    const r = await runAction({}, { GITHUB_API_URL: 'not a url' });
    expect(r.code, r.stdout).toBe(3);
    expect(r.stdout).toContain('::error::evalgate could not start: Invalid URL');
    expect(readFileSync(r.outputFile, 'utf8')).toContain('exit-code=3');
    expect(r.summary).toBe('## ⚠️ evalgate could not start\n\n<pre>Invalid URL</pre>\n');
  });

  it('a GITHUB_EVENT_PATH that is not JSON is bad input naming the file, not a failed start', async () => {
    const file = path.join(
      workspace({ 'event.json': '{"pull_request": {"number": 4' }),
      'event.json',
    );
    const r = await runAction({}, { GITHUB_EVENT_PATH: file });
    const shown = `stdout was:\n${r.stdout}\nstderr was:\n${r.stderr}`;
    expect(r.code, shown).toBe(2);
    expect(r.sent).toBe(0);
    expect(r.summary).toContain('is not the event&#39;s JSON payload');
    expect(r.stdout, shown).toMatch(
      new RegExp(
        `^::error::bad input; nothing was sent\\.%0AGITHUB_EVENT_PATH: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not the event's JSON payload \\(.+\\)\n$`,
      ),
    );
  });

  it('`allow-outside-repo` takes true or false only', async () => {
    expectBadInput(
      await runAction({ 'allow-outside-repo': 'yes please' }),
      'allow-outside-repo',
      /must be true or false/,
    );
  });
});
