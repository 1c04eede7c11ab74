import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { git, type TempRepo, tempRepo } from '../git/repo.js';
import { pullRequestEvent, runAction } from '../helpers/fake-github.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, goldenJsonl, runNode, workspace } from '../helpers/workspace.js';

// A prompt change gated against the prompt it replaces: the baseline reads the prompt file as
// it was at the pull request's base commit (git), the candidate reads the working tree. The
// loopback endpoint sees which prompt each side really sent.
let llm: FakeServer;
let repo: TempRepo;
let base: string;

const OLD = 'Answer briefly. {{input}}';
const NEW = 'You are terse. Reply to: {{input}}';

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const i = Number(/q(\d+)/.exec(userText(req))?.[1]);
    return `a${i}`;
  });
  repo = tempRepo();
  const config = baseConfig(llm.url)
    .replace(
      'model: base-model',
      'model: same-model\n    prompt: {file: ../prompts/support.md, ref: base}',
    )
    .replace('model: cand-model', 'model: same-model\n    prompt: {file: ../prompts/support.md}');
  base = repo.commit({
    'evals/evalgate.yaml': config,
    'evals/golden.jsonl': goldenJsonl(60),
    'prompts/support.md': OLD,
  });
  git(repo.dir, 'checkout', '-q', '-b', 'feature');
  repo.commit({ 'prompts/support.md': NEW }, 'a terser prompt');
});
afterAll(() => llm.close());
let before = 0;
beforeEach(() => {
  before = llm.requests.length;
});

/** The user turns each side sent, by the path of the prompt they came from. */
function sent() {
  const users = llm.requests.slice(before).map((r) => userText(r.body));
  return {
    old: users.filter((u) => u.startsWith('Answer briefly. q')).length,
    new: users.filter((u) => u.startsWith('You are terse. Reply to: q')).length,
    total: users.length,
  };
}

describe('a baseline prompt at `ref: base`', () => {
  it('is read from the pull request base commit in the Action', async () => {
    const r = await runAction({
      workspace: repo.dir,
      inputs: { config: 'evalgate.yaml', 'working-directory': 'evals', comment: 'false' },
      env: { TEST_KEY: 'k' },
      event: pullRequestEvent(5, base),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sent()).toEqual({ old: 60, new: 60, total: 120 });
  });

  it('is read at --base-ref in the CLI, or at any ref the config names', async () => {
    const cwd = path.join(repo.dir, 'evals');
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml', '--base-ref', 'main'], {
      cwd,
      env: { TEST_KEY: 'k' },
    });
    expect(r.code).toBe(0);
    expect(sent()).toEqual({ old: 60, new: 60, total: 120 });

    before = llm.requests.length;
    const byEnv = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], {
      cwd,
      env: { TEST_KEY: 'k', EVALGATE_BASE_REF: 'HEAD~1' },
    });
    expect(byEnv.code).toBe(0);
    expect(sent()).toEqual({ old: 60, new: 60, total: 120 });

    before = llm.requests.length;
    repo.write({
      'evals/named.yaml': readFileSync(path.join(cwd, 'evalgate.yaml'), 'utf8').replace(
        'ref: base}',
        'ref: main}',
      ),
    });
    const named = await runNode(CLI, ['run', '--config', 'named.yaml'], {
      cwd,
      env: { TEST_KEY: 'k' },
    });
    expect(named.code).toBe(0);
    expect(sent()).toEqual({ old: 60, new: 60, total: 120 });
  });

  it('is bad input naming the field, with nothing sent, when no base is known', async () => {
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yaml'], {
      cwd: path.join(repo.dir, 'evals'),
      env: { TEST_KEY: 'k' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /evalgate\.yaml \(targets\.baseline\.prompt\.ref\): `ref: base` means the pull request's base commit/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(sent().total).toBe(0);
  });

  it('is bad input naming the field when the file did not exist at the base', async () => {
    const cwd = path.join(repo.dir, 'evals');
    const cfg = readFileSync(path.join(cwd, 'evalgate.yaml'), 'utf8').replace(
      '{file: ../prompts/support.md, ref: base}',
      '{file: ../prompts/added-in-this-pr.md, ref: base}',
    );
    const dir = workspace({ 'evalgate.yaml': cfg, 'golden.jsonl': goldenJsonl(60) });
    // A config outside the repository: not a git repository at all.
    const outside = await runNode(CLI, ['run', '--config', 'evalgate.yaml', '--base-ref', 'main'], {
      cwd: dir,
      env: { TEST_KEY: 'k' },
    });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(
      /\(targets\.baseline\.prompt\.ref\): .* is not inside a git repository/,
    );

    repo.write({ 'evals/pr.yaml': cfg, 'prompts/added-in-this-pr.md': NEW });
    const missing = await runNode(CLI, ['run', '--config', 'pr.yaml', '--base-ref', base], {
      cwd,
      env: { TEST_KEY: 'k' },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `pr.yaml (targets.baseline.prompt.file): prompt file ../prompts/added-in-this-pr.md does not exist at ref base (${base}, from EVALGATE_BASE_REF / --base-ref)`,
    );
    expect(sent().total).toBe(0);
  });
});
