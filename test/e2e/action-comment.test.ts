import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { ACTION, baseConfig, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// The sticky PR comment, through the real Octokit client to a loopback GitHub API, with a real
// pull_request event payload file, as the Actions runner provides it.
let llm: FakeServer;
let gh: FakeGitHub;
const TOKEN = 'ghs_fake_token_value_789';

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    if (req.model === 'bad-model' && i % 3 === 0)
      return '@octocat </details><img src=x onerror=alert(1)> | x |';
    return `a${i}`;
  });
  gh = await startFakeGitHub(30);
});
afterAll(async () => {
  await llm.close();
  await gh.close();
});
beforeEach(() => {
  gh.comments.length = 0;
  gh.calls.length = 0;
  gh.failWritesWith = undefined;
});

async function runOnPr(model: string) {
  const project = workspace({
    'golden.jsonl': goldenJsonl(45),
    'evalgate.yaml': baseConfig(llm.url).replace('model: cand-model', `model: ${model}`),
  });
  const runner = workspace({ 'output.txt': '', 'summary.md': '', 'event.json': '' });
  writeFileSync(
    path.join(runner, 'event.json'),
    JSON.stringify({
      action: 'synchronize',
      number: 7,
      pull_request: { number: 7, head: { sha: 'abc' } },
    }),
  );
  const r = await runNode(ACTION, [], {
    cwd: runner,
    env: {
      TEST_KEY: 'k',
      GITHUB_OUTPUT: path.join(runner, 'output.txt'),
      GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path.join(runner, 'event.json'),
      GITHUB_REPOSITORY: 'acme/bot',
      GITHUB_API_URL: gh.url,
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: '42',
      INPUT_CONFIG: 'evalgate.yaml',
      'INPUT_WORKING-DIRECTORY': project,
      'INPUT_GITHUB-TOKEN': TOKEN,
      INPUT_COMMENT: 'true',
    },
  });
  return { ...r, cwd: runner };
}

describe('sticky PR comment', () => {
  it('two runs on the same PR leave exactly one comment, updated in place', async () => {
    // Someone else's chatter fills more than one page before our comment exists.
    for (let i = 0; i < 40; i++)
      gh.comments.push({ id: i + 1, body: `comment ${i}`, user: { login: 'dev', type: 'User' } });
    const first = await runOnPr('same-model');
    expect(first.code).toBe(0);
    const ours = () => gh.comments.filter((c) => c.body.includes('<!-- evalgate:comment'));
    expect(ours()).toHaveLength(1);
    const id = ours()[0]!.id;

    const second = await runOnPr('bad-model');
    expect(second.code).toBe(1);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.id).toBe(id);
    expect(ours()[0]!.body).toMatch(/fail/i);
    // The list was read across pages (GitHub's Link header) before updating.
    expect(
      gh.calls.filter((c) => c.method === 'GET' && c.path.includes('page=2')).length,
    ).toBeGreaterThan(0);
    expect(gh.calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
    // Hostile model output is inert in the comment, and the token is nowhere.
    const body = ours()[0]!.body;
    expect(body).not.toMatch(/@octocat/);
    expect(body).not.toContain('<img');
    expect(body.split('</details>').length).toBe(body.split('<details').length);
    expect(body).not.toContain(TOKEN);
    expect(body).toContain('https://github.example/acme/bot/actions/runs/42');
  });

  it('a read-only token (403) is a warning, and the gate still decides', async () => {
    gh.failWritesWith = 403;
    const r = await runOnPr('bad-model');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::warning::could not comment on PR #7 \(403\)/);
    expect(readFileSync(path.join(r.cwd, 'output.txt'), 'utf8')).toMatch(/decision<<\S+\nfail\n/);
    const leaks = r.stdout
      .split('\n')
      .filter((l) => l.includes(TOKEN) && l !== `::add-mask::${TOKEN}`);
    expect(leaks).toEqual([]);
  });
});
