import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actionEnv,
  type FakeGitHub,
  parseOutputs,
  pullRequestEvent,
  runAction,
  startFakeGitHub,
} from '../helpers/fake-github.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { type Loopback, sendJson, startLoopback } from '../helpers/loopback.js';
import { afterThisTest } from '../helpers/per-test.js';
import { ACTION, baseConfig, goldenJsonl, workspace } from '../helpers/workspace.js';

// The Action's `html` input, driven as GitHub drives it (INPUT_* variables, real output, summary
// and event files, the comment through Octokit to a loopback GitHub): the page is written, its
// path is the `html` output, and the comment and job summary say where it is and how to open it.
// The upload goes through @actions/artifact to a loopback server speaking the artifact service's
// twirp API and taking the blob PUTs it hands out; without the runtime token it is skipped.

let llm: FakeServer;
let gh: FakeGitHub;

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => `a${userText(req).replace(/^q/, '')}`);
  gh = await startFakeGitHub(30);
});
afterAll(async () => {
  await llm.close();
  await gh.close();
});

function project(): string {
  return workspace({ 'golden.jsonl': goldenJsonl(60), 'evalgate.yaml': baseConfig(llm.url) });
}

const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/';

/** The artifact service as @actions/artifact sees it: CreateArtifact, blob PUTs, FinalizeArtifact. */
async function artifactService(): Promise<Loopback> {
  const service: Loopback = await startLoopback((req, res) => {
    if (req.method === 'POST' && req.path === `${TWIRP}CreateArtifact`) {
      const name = JSON.parse(req.body).name as string;
      sendJson(res, { ok: true, signed_upload_url: `${service.url}/blob/${name}.zip?sig=s3cr3t` });
    } else if (req.method === 'PUT' && req.path.startsWith('/blob/')) {
      res.writeHead(201, { 'x-ms-request-id': 'r', etag: '"e"' });
      res.end();
    } else if (req.method === 'POST' && req.path === `${TWIRP}FinalizeArtifact`) {
      sendJson(res, { ok: true, artifact_id: '77' });
    } else {
      sendJson(res, { code: 'not_found', msg: `${req.method} ${req.path}` }, 404);
    }
  });
  afterThisTest(() => service.close());
  return service;
}

/** A runtime token as the runner hands it out: a JWT whose `scp` names the run and the job. */
function runtimeToken(): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp: 'Actions.Results:run-1:job-2' })}.sig`;
}

describe('Action html input', () => {
  it('writes the page, sets the output, and without the runtime token skips the upload with a notice', async () => {
    const dir = project();
    const r = await runAction({
      workspace: dir,
      inputs: { config: 'evalgate.yaml', html: 'out/evalgate-report.html', 'github-token': 't' },
      env: { TEST_KEY: 'k' },
      event: pullRequestEvent(3),
      github: gh,
    });
    const shown = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    expect(r.code, shown).toBe(0);
    const file = path.join(dir, 'out/evalgate-report.html');
    expect(r.outputs.html).toBe(file);
    expect(readFileSync(file, 'utf8')).toMatch(/^<!doctype html>/);
    const notice = r.commands.find((c) => c.command === 'notice');
    expect(notice?.message, shown).toMatch(/HTML report was not uploaded.*ACTIONS_RUNTIME_TOKEN/);
    expect(
      r.commands.filter((c) => /HTML|artifact/.test(c.message) && c.command !== 'notice'),
    ).toEqual([]);
    for (const text of [r.summary, gh.comments.at(-1)?.body ?? '']) {
      expect(text).toContain('HTML report: <code>evalgate-report.html</code> (not uploaded)');
      expect(text).toContain('<code>npx evalgate view evalgate-report.json --open</code>');
    }
  });

  it('uploads the page through the artifact service and links the artifact from the comment and summary', async () => {
    const service = await artifactService();
    const dir = project();
    const r = await runAction({
      workspace: dir,
      inputs: { config: 'evalgate.yaml', html: 'evalgate-report.html', 'github-token': 't' },
      env: {
        TEST_KEY: 'k',
        ACTIONS_RUNTIME_TOKEN: runtimeToken(),
        ACTIONS_RESULTS_URL: `${service.url}/`,
        // @actions/artifact refuses any other host as GitHub Enterprise Server.
        GITHUB_SERVER_URL: 'https://github.com',
      },
      event: pullRequestEvent(4),
      github: gh,
    });
    const shown = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    expect(r.code, shown).toBe(0);
    const create = service.requests.find((q) => q.path.endsWith('/CreateArtifact'));
    expect(
      create,
      `${shown}\n${JSON.stringify(service.requests.map((q) => q.path))}`,
    ).toBeDefined();
    expect(JSON.parse(create!.body)).toMatchObject({
      workflow_run_backend_id: 'run-1',
      workflow_job_run_backend_id: 'job-2',
      name: 'evalgate-report-html',
    });
    expect(create!.headers.authorization).toBe(`Bearer ${runtimeToken()}`);
    // The zip holds the page under its own name (a zip's headers carry file names in clear).
    const blob = service.requests
      .filter((q) => q.method === 'PUT')
      .map((q) => q.body)
      .join('');
    expect(blob).toContain('evalgate-report.html');
    expect(service.requests.some((q) => q.path.endsWith('/FinalizeArtifact'))).toBe(true);
    const url = 'https://github.com/acme/bot/actions/runs/42/artifacts/77';
    for (const text of [r.summary, gh.comments.at(-1)?.body ?? '']) {
      expect(text).toContain(`[HTML report](${url})`);
      expect(text).toContain('npx evalgate view evalgate-report.json --open');
    }
    // The upload URL's signature is masked (the runner hides it) before anything prints it.
    const masked = r.stdout.indexOf('::add-mask::s3cr3t');
    expect(masked).toBeGreaterThanOrEqual(0);
    expect(r.stdout.indexOf('sig=s3cr3t')).toBeGreaterThan(masked);
    expect(existsSync(path.join(dir, 'evalgate-report.html'))).toBe(true);
  });

  it('a failing artifact service is a warning; the gate still decides', async () => {
    const service = await startLoopback((_req, res) => sendJson(res, { msg: 'nope' }, 400));
    afterThisTest(() => service.close());
    const r = await runAction({
      workspace: project(),
      inputs: { config: 'evalgate.yaml', html: 'evalgate-report.html', comment: 'false' },
      env: {
        TEST_KEY: 'k',
        ACTIONS_RUNTIME_TOKEN: runtimeToken(),
        ACTIONS_RESULTS_URL: service.url,
      },
    });
    expect(r.code, r.stdout).toBe(0);
    const warning = r.commands.find((c) => c.command === 'warning' && /HTML/.test(c.message));
    expect(warning?.message).toMatch(/could not upload the HTML report/);
    expect(r.summary).toContain('(not uploaded)');
  });

  it('a cancel while the upload hangs ends the step at once: summary written, the decision kept', async () => {
    // An artifact service that takes the request and never answers. @actions/artifact takes no
    // abort signal and retries for minutes; the step must neither wait for it nor linger after.
    let arrived!: () => void;
    const uploading = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const service = await startLoopback(() => arrived());
    afterThisTest(() => service.close());
    const dir = project();
    const { env, runner } = actionEnv({
      workspace: dir,
      inputs: { config: 'evalgate.yaml', html: 'evalgate-report.html', comment: 'false' },
      env: {
        TEST_KEY: 'k',
        ACTIONS_RUNTIME_TOKEN: runtimeToken(),
        ACTIONS_RESULTS_URL: `${service.url}/`,
        GITHUB_SERVER_URL: 'https://github.com',
      },
    });
    const child = spawn(process.execPath, [ACTION], {
      cwd: dir,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.resume();
    const exited = new Promise<number>((resolve) =>
      child.on('close', (code) => resolve(code ?? -1)),
    );
    await uploading;
    child.kill('SIGTERM');
    // The test's own timeout is the bound: before, the step ignored the signal for minutes.
    expect(await exited, stdout).toBe(0);
    expect(stdout).toMatch(
      /::warning::could not upload the HTML report as an artifact: the run was cancelled/,
    );
    const summary = readFileSync(path.join(runner, 'summary.md'), 'utf8');
    expect(summary).toContain('## ✅ evalgate: pass');
    expect(parseOutputs(path.join(runner, 'output.txt'))['exit-code']).toBe('0');
  }, 20_000);
});
