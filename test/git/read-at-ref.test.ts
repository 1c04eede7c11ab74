import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_REF_ENV, resolveBaseRef } from '../../src/git/base-ref.js';
import { GitRefError, readFileAtRef } from '../../src/git/read-at-ref.js';
import { git, type TempRepo, tempRepo } from './repo.js';

let repo: TempRepo;
let first: string;
let second: string;
let evals: string;

beforeAll(() => {
  repo = tempRepo();
  first = repo.commit({ 'prompts/support.md': 'v1 {{input}}', 'evals/evalgate.yaml': 'x' });
  second = repo.commit({ 'prompts/support.md': 'v2 {{input}}', 'prompts/new.md': 'new' });
  git(repo.dir, 'checkout', '-q', '-b', 'feature');
  repo.commit({ 'prompts/support.md': 'v3 {{input}}' });
  repo.write({ 'prompts/support.md': 'v4, not committed' });
  evals = path.join(repo.dir, 'evals');
});

/** Reads ../prompts/support.md from the config folder, as a config's prompt file would be. */
const read = (ref: string, env: NodeJS.ProcessEnv = {}, file = '../prompts/support.md') =>
  readFileAtRef(file, ref, evals, env);

function failure(fn: () => unknown): GitRefError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GitRefError) return err;
    throw err;
  }
  throw new Error('expected a GitRefError');
}

function eventFile(payload: unknown): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'evalgate-event-')), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

describe('readFileAtRef', () => {
  it('reads a file as committed at a branch, a sha, or a relative ref', () => {
    expect(read('main')).toEqual({ text: 'v2 {{input}}', commit: second });
    expect(read(first).text).toBe('v1 {{input}}');
    expect(read(first.slice(0, 10)).text).toBe('v1 {{input}}');
    expect(read('HEAD').text).toBe('v3 {{input}}');
    expect(read('HEAD~2').text).toBe('v1 {{input}}');
  });

  it('reads `base` from EVALGATE_BASE_REF, the event payload, or GITHUB_BASE_REF, in that order', () => {
    const pr = eventFile({ pull_request: { number: 1, base: { sha: first } } });
    expect(read('base', { [BASE_REF_ENV]: 'main', GITHUB_EVENT_PATH: pr }).text).toBe(
      'v2 {{input}}',
    );
    expect(read('base', { GITHUB_EVENT_PATH: pr, GITHUB_BASE_REF: 'main' }).text).toBe(
      'v1 {{input}}',
    );
    const queue = eventFile({ merge_group: { base_sha: first, head_sha: second } });
    expect(read('base', { GITHUB_EVENT_PATH: queue }).text).toBe('v1 {{input}}');
    // No origin/main in this clone: the branch name itself is tried next.
    expect(read('base', { GITHUB_BASE_REF: 'main' }).text).toBe('v2 {{input}}');
  });

  it('says `ref` is at fault when no base is known, naming the ways to give one', () => {
    const push = eventFile({ ref: 'refs/heads/main' });
    const err = failure(() => read('base', { GITHUB_EVENT_PATH: push }));
    expect(err.field).toBe('ref');
    expect(err.message).toMatch(/pull_request event.*--base-ref.*EVALGATE_BASE_REF/);
  });

  it('says `ref` is at fault for a ref the repository lacks, with the shallow-clone hint', () => {
    const err = failure(() => read('release-9'));
    expect(err.field).toBe('ref');
    expect(err.message).toBe(
      'ref "release-9" does not name a commit in this repository; if the repository was cloned shallow, fetch that commit (actions/checkout with fetch-depth: 0)',
    );
    const sha = failure(() => read('base', { [BASE_REF_ENV]: 'f'.repeat(40) }));
    expect(sha.message).toContain(
      `ref base (${'f'.repeat(40)}, from EVALGATE_BASE_REF / --base-ref)`,
    );
  });

  it('says `file` is at fault for a file missing at that ref, or a folder', () => {
    const missing = failure(() => read(first, {}, '../prompts/new.md'));
    expect(missing.field).toBe('file');
    expect(missing.message).toBe(
      `prompt file ../prompts/new.md does not exist at ref "${first}" (${first.slice(0, 12)})`,
    );
    const folder = failure(() => read('main', {}, '../prompts'));
    expect(folder.field).toBe('file');
    expect(folder.message).toMatch(/is a folder at ref "main"/);
  });

  it('refuses revisions git could read as an option or a path', () => {
    for (const bad of ['--output=/tmp/x', 'main:evil', 'a b', '']) {
      const err = failure(() => read(bad));
      expect(err.field).toBe('ref');
      expect(err.message).toMatch(/is not a valid git revision/);
    }
    const payload = failure(() => read('base', { [BASE_REF_ENV]: '-x' }));
    expect(payload.message).toMatch(/not a valid git revision/);
  });

  it('says so outside a git repository', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-nogit-'));
    mkdirSync(path.join(dir, 'p'));
    const err = failure(() => readFileAtRef('p/x.md', 'main', dir, {}));
    expect(err.field).toBe('ref');
    expect(err.message).toMatch(/is not inside a git repository/);
  });
});

describe('resolveBaseRef', () => {
  it('takes the pull request base sha from the payload, and ignores a malformed one', () => {
    const pr = eventFile({ pull_request: { base: { sha: first } } });
    expect(resolveBaseRef({ GITHUB_EVENT_PATH: pr })).toEqual({
      candidates: [first],
      from: "the event payload's pull_request.base.sha",
    });
    const bad = eventFile({ pull_request: { base: { sha: '$(rm -rf /)' } } });
    expect(resolveBaseRef({ GITHUB_EVENT_PATH: bad })).toBeUndefined();
    expect(resolveBaseRef({ GITHUB_EVENT_PATH: '/nonexistent/event.json' })).toBeUndefined();
    expect(resolveBaseRef({})).toBeUndefined();
  });
});
