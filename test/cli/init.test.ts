import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { githubRepository } from '../../src/cli/init.js';
import { PROVIDERS } from '../../src/cli/init-files.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { initEndpointEnv, startInitEndpoint } from '../helpers/init-endpoint.js';
import { afterThisTest } from '../helpers/per-test.js';
import { readReport } from '../helpers/report-schema.js';
import { ROOT } from '../helpers/workspace.js';

// `evalgate init` through the real front door (in process): what it writes for each provider
// validates, runs against a loopback endpoint and passes the editor's schema; the workflow uses
// only the Action's inputs; and nothing is ever overwritten.

const FILES = ['evals/evalgate.yaml', 'evals/golden.jsonl', '.github/workflows/evalgate.yml'];

const emptyDir = () => mkdtempSync(path.join(os.tmpdir(), 'evalgate-init-'));
const read = (...p: string[]) => readFileSync(path.join(...p), 'utf8');

describe('evalgate init', () => {
  it.each(PROVIDERS)('--provider %s writes a config that validates and runs', async (provider) => {
    const dir = emptyDir();
    const init = await cliInProcess(['init', '--provider', provider, '--dir', dir]);
    expect(init.code, init.stderr).toBe(0);
    for (const f of FILES) expect(existsSync(path.join(dir, f)), f).toBe(true);
    expect(init.stdout).toContain('npx evalgate validate');

    const config = read(dir, 'evals/evalgate.yaml');
    expect(config.split('\n')[0]).toMatch(
      /^# yaml-language-server: \$schema=https:\/\/raw\.githubusercontent\.com\/OWNER\/evalgate\/v\d+\/schema\/config\.schema\.json$/,
    );
    const schema = JSON.parse(read(ROOT, 'schema/config.schema.json'));
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
    expect(validate(parse(config)), JSON.stringify(validate.errors)).toBe(true);

    const server = await startInitEndpoint();
    afterThisTest(() => server.close());
    const env = initEndpointEnv(server);
    const configPath = path.join(dir, 'evals/evalgate.yaml');
    const ok = await cliInProcess(['validate', '--config', configPath], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('3 cases');
    expect(server.requests).toHaveLength(0);

    const out = path.join(dir, 'evalgate-report.json');
    const run = await cliInProcess(['run', '--config', configPath, '--report', out], env);
    expect(run.code, run.stderr).toBe(0);
    const report = readReport(out);
    // Three cases are too few for a verdict: the run says so instead of guessing.
    expect(report.decision).toBe('inconclusive');
    expect(report.targets.candidate?.quality).toBe(1);
    expect(server.requests).toHaveLength(6);
  });

  it('writes a workflow that passes only inputs the Action has and pastes no expression into a script', async () => {
    const action = parse(read(ROOT, 'action.yml')) as { inputs: Record<string, unknown> };
    for (const provider of PROVIDERS) {
      const dir = emptyDir();
      expect((await cliInProcess(['init', '--provider', provider, '--dir', dir])).code).toBe(0);
      const wf = parse(read(dir, '.github/workflows/evalgate.yml')) as {
        on: string;
        jobs: { gate: { steps: { uses?: string; run?: string; with?: object }[] } };
      };
      expect(wf.on).toBe('pull_request');
      const gate = wf.jobs.gate.steps.find((s) => s.uses?.includes('evalgate@'));
      expect(gate?.uses).toMatch(/^OWNER\/evalgate@v\d+$/);
      for (const input of Object.keys(gate?.with ?? {})) {
        expect(Object.keys(action.inputs)).toContain(input);
      }
      for (const step of wf.jobs.gate.steps) expect(step.run ?? '').not.toContain('${{');
    }
  });

  it.each([
    ['is a file', ''],
    ['is inside a file', '/sub'],
  ])('when --dir %s: bad input naming the file, nothing written', async (_, below) => {
    const dir = emptyDir();
    writeFileSync(path.join(dir, 'afile'), 'x\n');
    const r = await cliInProcess(['init', '--dir', path.join(dir, `afile${below}`)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('afile: is not a folder');
    expect(r.stderr).not.toContain('internal error');
  });

  it('writes nothing when any of its files exists, and names each one', async () => {
    const dir = emptyDir();
    mkdirSync(path.join(dir, 'evals'));
    writeFileSync(path.join(dir, 'evals/golden.jsonl'), 'mine\n');
    const r = await cliInProcess(['init', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'evals/golden.jsonl')}: already exists`);
    expect(r.stderr).not.toContain('evalgate.yaml');
    expect(read(dir, 'evals/golden.jsonl')).toBe('mine\n');
    expect(existsSync(path.join(dir, 'evals/evalgate.yaml'))).toBe(false);
    expect(existsSync(path.join(dir, '.github'))).toBe(false);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      'a link pointing nowhere where the workflow goes',
      (dir: string) => {
        mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
        symlinkSync(
          path.join(dir, 'nowhere.yml'),
          path.join(dir, '.github/workflows/evalgate.yml'),
        );
      },
      `${'.github/workflows/evalgate.yml'}: already exists`,
    ],
    [
      'a file where the workflows folder goes',
      (dir: string) => {
        mkdirSync(path.join(dir, '.github'));
        writeFileSync(path.join(dir, '.github/workflows'), 'not a folder\n');
      },
      '.github/workflows: is not a folder',
    ],
  ])('with %s, writes none of its files', async (_, arrange, message) => {
    const dir = emptyDir();
    arrange(dir);
    const r = await cliInProcess(['init', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir}/${message}`);
    expect(existsSync(path.join(dir, 'evals'))).toBe(false);
    expect(existsSync(path.join(dir, 'nowhere.yml'))).toBe(false);
  });

  it('prints a --dir with spaces or quotes as one shell word', async () => {
    const parent = emptyDir();
    const dir = path.join(parent, "it's a dir");
    const r = await cliInProcess(['init', '--dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`  cd '${dir.replace("it's", "it'\\''s")}'\n`);
  });

  it('refuses an unknown provider, naming the flag', async () => {
    const dir = emptyDir();
    const r = await cliInProcess(['init', '--provider', 'azure', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--provider: must be openai, anthropic or http; got "azure"');
    expect(existsSync(path.join(dir, 'evals'))).toBe(false);
  });
});

describe('githubRepository', () => {
  it('reads owner/name from each way package.json may spell a GitHub repository', () => {
    for (const spelling of [
      'acme/evalgate',
      'github:acme/evalgate',
      'https://github.com/acme/evalgate',
      { type: 'git', url: 'git+https://github.com/acme/evalgate.git' },
      { type: 'git', url: 'git@github.com:acme/evalgate.git' },
    ]) {
      expect(githubRepository(spelling), JSON.stringify(spelling)).toBe('acme/evalgate');
    }
    expect(githubRepository(undefined)).toBeUndefined();
    expect(githubRepository('https://gitlab.com/acme/evalgate')).toBeUndefined();
  });
});
