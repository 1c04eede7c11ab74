import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCommand } from '../helpers/workspace.js';

// scripts/release.mjs in a clone of this repository, with this working tree's files committed on
// top (so the script and the sources under test are the ones being edited): it refuses a dirty tree, sets the version
// everywhere, rebuilds, commits and tags; --check refuses a tag that is not the version and a
// dist/ the sources do not build; --move-major points vN at the release.

let clone: string;
const env = {
  HOME: os.tmpdir(),
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release@example.invalid',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};
const inClone = (command: string, ...args: string[]) =>
  runCommand(command, args, { cwd: clone, env });
const release = (...args: string[]) => inClone(process.execPath, 'scripts/release.mjs', ...args);
const git = async (...args: string[]) => (await inClone('git', ...args)).stdout.trim();

beforeAll(async () => {
  clone = path.join(mkdtempSync(path.join(os.tmpdir(), 'evalgate-release-')), 'evalgate');
  const r = await runCommand('git', ['clone', '--quiet', ROOT, clone], { cwd: ROOT, env });
  expect(r.code, r.stderr).toBe(0);
  const files = await runCommand(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: ROOT,
      env,
    },
  );
  for (const file of files.stdout.split('\0').filter(Boolean)) {
    const from = path.join(ROOT, file);
    if (existsSync(from)) cpSync(from, path.join(clone, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
  await git('add', '--all');
  await git('commit', '--quiet', '--allow-empty', '--message', 'the working tree under test');
});

describe('scripts/release.mjs', () => {
  it('refuses to release from a working tree with changes', async () => {
    appendFileSync(path.join(clone, 'README.md'), '\nedited\n');
    const r = await release('9.9.9');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the working tree has changes');
    expect(await git('tag', '--list', 'v9*')).toBe('');
    await git('checkout', '--', 'README.md');
  });

  it('sets the version, rebuilds, commits and tags; --check refuses another tag', async () => {
    const r = await release('9.9.9');
    expect(r.code, r.stderr).toBe(0);
    expect(await git('status', '--porcelain')).toBe('');
    expect(await git('log', '-1', '--format=%s')).toBe('Release v9.9.9');
    expect(await git('tag', '--list', 'v9*')).toBe('v9.9.9');
    const version = await inClone(process.execPath, 'dist/cli.js', '--version');
    expect(version.stdout.trim()).toBe('9.9.9');

    const wrong = await release('--check', 'v9.9.8');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('v9.9.8 tags package.json version 9.9.9');
  });

  it('--move-major points v9 at the release commit', async () => {
    expect((await release('--move-major', 'v9.9.9')).code).toBe(0);
    expect(await git('rev-parse', 'v9')).toBe(await git('rev-parse', 'v9.9.9^{commit}'));
  });

  it('--check fails when the committed dist/ is not what the sources build', async () => {
    writeFileSync(path.join(clone, 'dist/cli.js'), '// edited by hand\n', { flag: 'a' });
    await git('commit', '--quiet', '--all', '--message', 'hand-edited bundle');
    const r = await release('--check', 'v9.9.9');
    expect(r.code).toBe(1);
    // Only the edited file differs: the rebuild reproduces every other committed byte, which is
    // what lets an untouched release pass (the success path costs another build, so is not run).
    expect(r.stderr).toContain('dist/ or schema/ is not what the sources build:\n M dist/cli.js\n');
  });
});
