import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ActionStep,
  type FakeGitHub,
  pullRequestEvent,
  runAction,
  startFakeGitHub,
} from '../helpers/fake-github.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, goldenJsonl, workspace } from '../helpers/workspace.js';

// The sticky comment's edge cases, through the real Octokit to a loopback GitHub API that
// paginates with Link headers and validates bodies as GitHub does.
let llm: FakeServer;
let gh: FakeGitHub;
const TOKEN = 'ghs_comment_token_0123456789';
const MARKER = '<!-- evalgate:comment config=evalgate.yaml -->';

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const i = Number(userText(req).replace(/^q/, ''));
    return req.model === 'bad-model' && i % 3 === 0 ? 'nope' : `a${i}`;
  });
  gh = await startFakeGitHub(100);
});
afterAll(async () => {
  await llm.close();
  await gh.close();
});
beforeEach(() => {
  gh.comments.length = 0;
  gh.calls.length = 0;
  gh.failWritesWith = undefined;
  gh.failListWith = undefined;
});

function project(model = 'same-model', configs = ['evalgate.yaml']): string {
  const files: Record<string, string> = { 'golden.jsonl': goldenJsonl(60) };
  for (const c of configs)
    files[c] = baseConfig(llm.url).replace('model: cand-model', `model: ${model}`);
  return workspace(files);
}

function gate(
  dir: string,
  inputs: Record<string, string> = {},
  event: ActionStep['event'] = pullRequestEvent(7),
) {
  return runAction({
    workspace: dir,
    inputs: { config: 'evalgate.yaml', 'github-token': TOKEN, ...inputs },
    env: { TEST_KEY: 'k' },
    event,
    github: gh,
  });
}

const foreign = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => ({
    id: from + i,
    body: `review note ${i}`,
    user: { login: 'dev', type: 'User' },
  }));

const ours = () => gh.comments.filter((c) => c.body.startsWith(MARKER));

describe('the sticky comment', () => {
  it('finds its comment on a later page and updates it, not a user comment quoting the marker', async () => {
    // A full first page (100 comments, one of them a user quoting our marker), ours on page 2.
    gh.comments.push(...foreign(100));
    gh.comments[4]!.body = `I saw this in the bot's comment: ${MARKER}`;
    gh.comments.push({ id: 500, body: `${MARKER}\nold`, user: { ...gh.author } });
    const r = await gate(project('bad-model'));
    expect(r.code).toBe(1);
    expect(gh.comments).toHaveLength(101);
    expect(gh.comments.find((c) => c.id === 500)!.body).toMatch(
      /^<!-- evalgate:comment .*\n## ❌ evalgate: fail/,
    );
    expect(gh.comments[4]!.body).toBe(`I saw this in the bot's comment: ${MARKER}`);
    expect(gh.calls.filter((c) => c.method === 'GET').map((c) => c.path)).toEqual([
      '/repos/acme/bot/issues/7/comments?per_page=100',
      '/repos/acme/bot/issues/7/comments?per_page=100&page=2',
    ]);
    expect(gh.calls.filter((c) => c.method !== 'GET')).toEqual([
      {
        method: 'PATCH',
        path: '/repos/acme/bot/issues/comments/500',
        authorization: `token ${TOKEN}`,
      },
    ]);
    // The run link goes to this run; the token is in the header only, never in the body.
    expect(ours()[0]!.body).toContain('(https://github.example/acme/bot/actions/runs/42)');
    expect(ours()[0]!.body).not.toContain(TOKEN);
  });

  it('never takes over a comment someone else wrote with our marker, a person or another bot', async () => {
    gh.comments.push(
      { id: 700, body: `${MARKER}\nalice pasted this`, user: { login: 'alice', type: 'User' } },
      {
        id: 701,
        body: `${MARKER}\nrenovate quoted it`,
        user: { login: 'renovate[bot]', type: 'Bot' },
      },
      { id: 702, body: `${MARKER}\nold`, user: { ...gh.author } },
    );
    expect((await gate(project())).code).toBe(0);
    expect(gh.comments.find((c) => c.id === 700)!.body).toBe(`${MARKER}\nalice pasted this`);
    expect(gh.comments.find((c) => c.id === 701)!.body).toBe(`${MARKER}\nrenovate quoted it`);
    expect(gh.comments.find((c) => c.id === 702)!.body).toContain('## ✅ evalgate: pass');
  });

  it("with only a person's comment carrying the marker, writes its own instead", async () => {
    gh.comments.push({
      id: 710,
      body: `${MARKER}\n✅ totally passed`,
      user: { login: 'alice', type: 'User' },
    });
    expect((await gate(project('bad-model'))).code).toBe(1);
    expect(gh.comments.find((c) => c.id === 710)!.body).toBe(`${MARKER}\n✅ totally passed`);
    expect(ours().filter((c) => c.user.login === gh.author.login)).toHaveLength(1);
    expect(ours().find((c) => c.id !== 710)!.body).toContain('## ❌ evalgate: fail');
  });

  it("a personal token updates the comment of its own user, not another person's", async () => {
    gh.author = { login: 'bob', type: 'User' };
    try {
      gh.comments.push(
        { id: 720, body: `${MARKER}\nalice`, user: { login: 'alice', type: 'User' } },
        { id: 721, body: `${MARKER}\nold`, user: { login: 'bob', type: 'User' } },
      );
      expect((await gate(project())).code).toBe(0);
      expect(gh.comments.find((c) => c.id === 720)!.body).toBe(`${MARKER}\nalice`);
      expect(gh.comments.find((c) => c.id === 721)!.body).toContain('## ✅ evalgate: pass');
    } finally {
      gh.author = { login: 'github-actions[bot]', type: 'Bot' };
    }
  });

  it('creates one comment when there is none, and updates it on the next push', async () => {
    const dir = project('same-model');
    expect((await gate(dir)).code).toBe(0);
    expect(ours()).toHaveLength(1);
    const id = ours()[0]!.id;
    expect(ours()[0]!.body).toContain('## ✅ evalgate: pass');
    writeFileSync(
      path.join(dir, 'evalgate.yaml'),
      baseConfig(llm.url).replace('model: cand-model', 'model: bad-model'),
    );
    expect((await gate(dir)).code).toBe(1);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.id).toBe(id);
    expect(ours()[0]!.body).toContain('## ❌ evalgate: fail');
  });

  it('after a race left two of its comments, keeps the oldest up to date and deletes the other', async () => {
    gh.comments.push(
      ...foreign(3),
      { id: 600, body: `${MARKER}\nfirst`, user: { ...gh.author } },
      { id: 601, body: `${MARKER}\nsecond`, user: { ...gh.author } },
    );
    expect((await gate(project())).code).toBe(0);
    expect(ours().map((c) => c.id)).toEqual([600]);
    expect(ours()[0]!.body).toContain('## ✅ evalgate: pass');
    expect(gh.comments).toHaveLength(4);
  });

  it('keeps one comment per config', async () => {
    const dir = project('same-model', ['evalgate.yaml', 'other.yaml']);
    expect((await gate(dir)).code).toBe(0);
    expect((await gate(dir, { config: 'other.yaml' })).code).toBe(0);
    const markers = gh.comments.map((c) => c.body.split('\n')[0]);
    expect(markers).toEqual([MARKER, '<!-- evalgate:comment config=other.yaml -->']);
  });

  it('comments on a pull request from an issue_comment event too', async () => {
    const event = {
      name: 'issue_comment',
      payload: { action: 'created', issue: { number: 9, pull_request: { url: 'x' } } },
    };
    expect((await gate(project(), {}, event)).code).toBe(0);
    expect(
      gh.calls.some((c) => c.method === 'POST' && c.path === '/repos/acme/bot/issues/9/comments'),
    ).toBe(true);
  });

  it('does not call the API outside pull requests, or when comment is false', async () => {
    const push = { name: 'push', payload: { ref: 'refs/heads/main' } };
    const r = await gate(project(), {}, push);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('not a pull request event: no PR comment');
    expect((await gate(project(), { comment: 'false' })).code).toBe(0);
    expect(gh.calls).toEqual([]);
  });

  it('a token that cannot read or write is a warning; the gate still decides', async () => {
    gh.failListWith = 403;
    const failed = await gate(project('bad-model'));
    expect(failed.code).toBe(1);
    expect(failed.outputs.decision).toBe('fail');
    expect(failed.commands).toContainEqual(
      expect.objectContaining({
        command: 'warning',
        message: expect.stringMatching(
          /^could not comment on PR #7 \(403\): the token cannot write/,
        ),
      }),
    );
    gh.failListWith = undefined;
    gh.failWritesWith = 500;
    const passed = await gate(project('same-model'));
    expect(passed.code).toBe(0);
    expect(passed.outputs.decision).toBe('pass');
    expect(passed.commands).toContainEqual(
      expect.objectContaining({
        command: 'warning',
        message: expect.stringMatching(/^could not comment on PR #7 \(500\)/),
      }),
    );
    expect(passed.summary).toContain('## ✅ evalgate: pass');
  });

  it('an event that names no repository is a warning; the verdict keeps its exit code', async () => {
    // A step run outside GitHub's runner: no GITHUB_REPOSITORY and no repository in the event.
    const event = pullRequestEvent(7);
    delete (event.payload as { repository?: unknown }).repository;
    const r = await runAction({
      workspace: project('bad-model'),
      inputs: { config: 'evalgate.yaml', 'github-token': TOKEN },
      env: { TEST_KEY: 'k', GITHUB_REPOSITORY: '' },
      event,
      github: gh,
    });
    expect(r.code, r.stdout).toBe(1);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.commands).toContainEqual(
      expect.objectContaining({
        command: 'warning',
        message: expect.stringMatching(/^could not comment on PR #7: /),
      }),
    );
    expect(gh.calls).toEqual([]);
  });

  it('a rate limit says so, and a huge error page is quoted in a line, not whole', async () => {
    gh.failListWith = 403;
    gh.failHeaders = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1900000000' };
    gh.failMessage = 'API rate limit exceeded for installation ID 1.';
    try {
      const limited = await gate(project('same-model'));
      expect(limited.code).toBe(0);
      expect(limited.commands).toContainEqual(
        expect.objectContaining({
          command: 'warning',
          message: expect.stringMatching(
            /^could not comment on PR #7 \(403\): GitHub's API rate limit/,
          ),
        }),
      );
      gh.failListWith = 502;
      gh.failHeaders = undefined;
      gh.failMessage = `<html>Bad gateway ${'x'.repeat(200_000)}</html>`;
      const r = await gate(project('same-model'));
      expect(r.code).toBe(0);
      const warning = r.commands.find(
        (c) => c.command === 'warning' && c.message.startsWith('could not comment'),
      );
      expect(warning?.message).toMatch(
        /^could not comment on PR #7 \(502\): .*<html>Bad gateway x+…/,
      );
      expect(warning!.message.length).toBeLessThan(800);
    } finally {
      gh.failListWith = undefined;
      gh.failHeaders = undefined;
      gh.failMessage = undefined;
    }
  });
});
