// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ }}` is GitHub workflow syntax.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  actionEnv,
  type FakeGitHub,
  pullRequestEvent,
  startFakeGitHub,
} from '../helpers/fake-github.js';
import { initEndpointEnv, startInitEndpoint } from '../helpers/init-endpoint.js';
import type { Loopback } from '../helpers/loopback.js';
import { readReport } from '../helpers/report-schema.js';
import { type Exec, ROOT, runCommand, runNode } from '../helpers/workspace.js';

// The newcomer's path, end to end, in a folder that holds nothing but the packed tarball: install
// it offline (nothing may come from the registry), `evalgate init`, `validate`, `run` against a
// loopback endpoint, then the Action from the installed package, as the generated workflow would
// run it on a pull request, posting its comment to a loopback GitHub. `npm run build` first:
// the tarball carries dist/ as it is.

/** What the person types, in order (the Action step is the pushed workflow, not a command). */
const TYPED = [
  'npm install --offline --no-audit --no-fund ./evalgate-<version>.tgz',
  'npx evalgate --help',
  'npx evalgate init',
  'npx evalgate validate',
  'npx evalgate run',
];

let tmp: string;
let project: string;
let tarball: string;
let endpoint: Loopback;
let github: FakeGitHub;
/** npm kept away from the user's config and cache, and from any registry. */
let npmEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'evalgate-newcomer-'));
  const packed = await runCommand('npm', ['pack', '--json', '--pack-destination', tmp], {
    cwd: ROOT,
    env: { HOME: tmp, npm_config_cache: path.join(tmp, 'pack-cache') },
  });
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = info!.filename;
  // The package is the bundles, the Action and the schemas: no sources, tests or lock file. The
  // bundles' chunks (loaded on demand) are named by their content's hash, so only their place
  // is fixed.
  const packedFiles = info!.files.map((f) => f.path).sort();
  const chunks = packedFiles.filter((f) => f.startsWith('dist/chunks/'));
  expect(chunks.length).toBeGreaterThan(0);
  for (const chunk of chunks) expect(chunk).toMatch(/^dist\/chunks\/[\w-]+\.js$/);
  expect(packedFiles.filter((f) => !chunks.includes(f))).toEqual([
    'LICENSE',
    'README.md',
    'action.yml',
    'dist/cli.js',
    'dist/index.js',
    'package.json',
    'schema/config.schema.json',
    'schema/report.schema.json',
  ]);

  project = path.join(tmp, 'my-app');
  mkdirSync(project);
  copyFileSync(path.join(tmp, tarball), path.join(project, tarball));
  npmEnv = {
    HOME: tmp,
    npm_config_cache: path.join(tmp, 'empty-cache'),
    npm_config_offline: 'true',
    // Nothing listens on port 9 (discard): a request to the registry would fail the install.
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_update_notifier: 'false',
  };
  endpoint = await startInitEndpoint();
  github = await startFakeGitHub();
});

afterAll(async () => {
  await endpoint?.close();
  await github?.close();
});

/** One typed command, run in the project; `line` must be one of TYPED. */
function type(line: string, env: NodeJS.ProcessEnv = {}): Promise<Exec> {
  expect(TYPED).toContain(line.replace(tarball, 'evalgate-<version>.tgz'));
  const [command, ...args] = line.split(' ');
  return runCommand(command!, args, { cwd: project, env: { ...npmEnv, ...env } });
}

describe('the newcomer path, from a packed tarball', () => {
  it('installs offline with nothing but evalgate in node_modules', async () => {
    const r = await type(`npm install --offline --no-audit --no-fund ./${tarball}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/EBADENGINE|ERR!/);
    const installed = readdirSync(path.join(project, 'node_modules')).filter(
      (f) => !f.startsWith('.'),
    );
    expect(installed).toEqual(['evalgate']);
  });

  it('npx evalgate --help lists init', async () => {
    const r = await type('npx evalgate --help');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}init +write a starter config/m);
  });

  it('init writes the config, the cases and the workflow, pointing the editor at the installed schema', async () => {
    const r = await type('npx evalgate init');
    expect(r.code, r.stderr).toBe(0);
    const config = readFileSync(path.join(project, 'evals/evalgate.yaml'), 'utf8');
    const first = config.split('\n')[0]!;
    expect(first).toBe(
      '# yaml-language-server: $schema=../node_modules/evalgate/schema/config.schema.json',
    );
    // The reference resolves from the config's folder to a real file.
    const schema = path.resolve(project, 'evals', first.split('$schema=')[1]!);
    expect(JSON.parse(readFileSync(schema, 'utf8')).title).toMatch(/evalgate config/);
  });

  it('validate passes without the key (a note says run needs it) and sends nothing', async () => {
    const r = await type('npx evalgate validate', {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: .*OPENAI_API_KEY is not set/);
    expect(r.stdout).toContain('3 cases');
    expect(endpoint.requests).toHaveLength(0);
  });

  it('run asks the loopback endpoint every case on both sides and writes a valid report', async () => {
    const r = await type('npx evalgate run', initEndpointEnv(endpoint));
    expect(r.code, r.stderr).toBe(0);
    expect(endpoint.requests).toHaveLength(6);
    const report = readReport(path.join(project, 'evalgate-report.json'));
    expect(report.decision).toBe('inconclusive');
    expect(report.targets.candidate?.pass_rate).toBe(1);
  });

  it('the installed Action, run as the generated workflow says, comments on the pull request', async () => {
    const pkg = path.join(project, 'node_modules/evalgate');
    const action = parse(readFileSync(path.join(pkg, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
      runs: { main: string };
    };
    const workflow = parse(
      readFileSync(path.join(project, '.github/workflows/evalgate.yml'), 'utf8'),
    ) as {
      jobs: { gate: { steps: { uses?: string; with?: Record<string, string>; env?: object }[] } };
    };
    const step = workflow.jobs.gate.steps.find((s) => s.uses?.includes('evalgate@'))!;
    // The runner passes every input: the defaults, the workflow's `with:`, and the token it makes.
    const inputs: Record<string, string> = {};
    for (const [name, spec] of Object.entries(action.inputs)) {
      if (spec.default !== undefined) inputs[name] = spec.default;
    }
    Object.assign(inputs, step.with, { 'github-token': 'ghs_newcomer_token' });
    expect(Object.keys(step.env ?? {})).toEqual(['OPENAI_API_KEY']);

    const { env, runner } = actionEnv({
      workspace: project,
      inputs,
      env: initEndpointEnv(endpoint),
      event: pullRequestEvent(7),
      github,
    });
    const r = await runNode(path.join(pkg, action.runs.main), [], { cwd: project, env });
    expect(r.code, r.stderr).toBe(0);
    const outputs = readFileSync(path.join(runner, 'output.txt'), 'utf8');
    expect(outputs).toContain('inconclusive');
    readReport(path.join(project, 'evalgate-report.json'));
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('evalgate');
    expect(github.calls.every((c) => c.authorization?.includes('ghs_newcomer_token'))).toBe(true);
  });
});
