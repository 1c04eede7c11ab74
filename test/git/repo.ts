import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Real git repositories in temp folders, isolated from the machine's git config (no signing,
// no hooks, a fixed identity), for tests of reading prompts at a ref.

const ISOLATED = {
  ...process.env,
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'evalgate test',
  GIT_AUTHOR_EMAIL: 'test@evalgate.invalid',
  GIT_COMMITTER_NAME: 'evalgate test',
  GIT_COMMITTER_EMAIL: 'test@evalgate.invalid',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: ISOLATED, encoding: 'utf8' }).trim();
}

export interface TempRepo {
  dir: string;
  /** Writes the files (paths relative to the repo, folders created) and commits them. */
  commit(files: Record<string, string>, message?: string): string;
  write(files: Record<string, string>): void;
}

/** An empty repository on branch `main`. */
export function tempRepo(): TempRepo {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'evalgate-git-')));
  git(dir, 'init', '-q', '-b', 'main');
  const write = (files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
  };
  return {
    dir,
    write,
    commit(files, message = 'change') {
      write(files);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '--no-verify', '-m', message);
      return git(dir, 'rev-parse', 'HEAD');
    },
  };
}
