import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  realpathSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError, ProjectFiles, projectRoot } from '../../src/config/project-files.js';
import { FILE_LIMITS } from '../../src/util/read-bounded.js';

// The project-root rule and bounded reads for the files a config names: what a pull request's
// config may make the run read, send or import.

const tmp = () => realpathSync(mkdtempSync(path.join(os.tmpdir(), 'evalgate-root-')));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputFileError);
    return (err as Error).message;
  }
  throw new Error('expected an InputFileError');
}

describe('projectRoot', () => {
  it("is the nearest folder above the config with a .git (a folder, or a worktree's file)", () => {
    const repo = tmp();
    mkdirSync(path.join(repo, '.git'));
    mkdirSync(path.join(repo, 'evals', 'deep'), { recursive: true });
    expect(projectRoot(path.join(repo, 'evals', 'deep'))).toBe(repo);

    const worktree = tmp();
    writeFileSync(path.join(worktree, '.git'), 'gitdir: /elsewhere\n');
    mkdirSync(path.join(worktree, 'evals'));
    expect(projectRoot(path.join(worktree, 'evals'))).toBe(worktree);
  });

  it("is the config's own folder outside any repository", () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'evals'));
    expect(projectRoot(path.join(dir, 'evals'))).toBe(path.join(dir, 'evals'));
  });
});

describe('ProjectFiles', () => {
  it('reads a file inside the root and remembers it', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'p.md'), 'hello');
    const files = ProjectFiles.forConfig(dir);
    expect(files.readText('p.md', 'prompt file', 100, 'the prompt')).toBe('hello');
    expect(files.used).toEqual([{ abs: path.join(dir, 'p.md'), label: 'the prompt' }]);
  });

  it('refuses ../, absolute paths elsewhere and symlinks out, unless allowed', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'evals'));
    writeFileSync(path.join(dir, 'secret.txt'), 'x');
    symlinkSync('/etc/hostname', path.join(dir, 'evals', 'link.md'));
    const files = ProjectFiles.forConfig(path.join(dir, 'evals'));
    for (const p of ['../secret.txt', '/proc/self/environ', '../../../../etc/passwd']) {
      expect(errorOf(() => files.readText(p, 'prompt file', 100))).toMatch(
        /^prompt file \/.* is outside the project root .*evals; keep it inside the project, or pass --allow-outside-repo/,
      );
    }
    expect(errorOf(() => files.readText('link.md', 'prompt file', 100))).toContain(
      'link.md (a symlink to /etc/hostname) is outside the project root',
    );
    expect(files.used).toEqual([]);

    const allowed = ProjectFiles.forConfig(path.join(dir, 'evals'), true);
    expect(allowed.readText('../secret.txt', 'prompt file', 100)).toBe('x');
  });

  it('a symlink that stays inside the root is fine', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'real.md'), 'inside');
    symlinkSync(path.join(dir, 'real.md'), path.join(dir, 'link.md'));
    expect(ProjectFiles.forConfig(dir).readText('link.md', 'prompt file', 100)).toBe('inside');
  });

  it('refuses a pipe at once, a folder, a device and a file over the limit, naming each', () => {
    const dir = tmp();
    execFileSync('mkfifo', [path.join(dir, 'pipe.md')]);
    mkdirSync(path.join(dir, 'folder.md'));
    writeFileSync(path.join(dir, 'big.md'), '');
    truncateSync(path.join(dir, 'big.md'), FILE_LIMITS.template + 1);
    const files = ProjectFiles.forConfig(dir, true);
    const read = (p: string) =>
      errorOf(() => files.readText(p, 'prompt file', FILE_LIMITS.template));
    expect(read('pipe.md')).toBe(`prompt file ${dir}/pipe.md is a pipe; give a regular file`);
    expect(read('folder.md')).toBe(`prompt file ${dir}/folder.md is a folder; give a regular file`);
    expect(read('/dev/zero')).toBe(
      'prompt file /dev/zero is not a regular file; give a regular file',
    );
    expect(read('big.md')).toMatch(/^prompt file .*big\.md is 4 MiB, more than the 4 MiB/);
    expect(read('none.md')).toBe(`prompt file not found: ${dir}/none.md`);
  });

  it('checks a module without reading it: inside the root and a regular file', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'ok.mjs'), 'export default () => 1');
    execFileSync('mkfifo', [path.join(dir, 'pipe.mjs')]);
    const files = ProjectFiles.forConfig(dir);
    expect(files.checkModule('ok.mjs', 'custom scorer module')).toBe(path.join(dir, 'ok.mjs'));
    expect(errorOf(() => files.checkModule('pipe.mjs', 'custom scorer module'))).toMatch(
      /pipe\.mjs is not a regular file/,
    );
    expect(errorOf(() => files.checkModule('/etc/x.mjs', 'custom scorer module'))).toMatch(
      /outside the project root/,
    );
  });
});
