import path from 'node:path';
import { builtin } from '../util/builtin.js';
import { FILE_LIMITS } from '../util/read-bounded.js';
import { resolveBaseRef } from './base-ref.js';

// A prompt as it was at another commit: `{file: prompts/x.md, ref: base}` compares the same model
// with the prompt before and after a pull request, without copying the old prompt by hand.

/** Why a file could not be read at a ref; `field` says which config key is at fault. */
export class GitRefError extends Error {
  constructor(
    message: string,
    readonly field: 'ref' | 'file',
  ) {
    super(message);
    this.name = 'GitRefError';
  }
}

const SHALLOW_HINT =
  'if the repository was cloned shallow, fetch that commit (actions/checkout with fetch-depth: 0)';

interface GitResult {
  status: number;
  stdout: string;
  stderr: string;
  /** The output passed maxBuffer: git was stopped and stdout is cut. */
  tooLarge?: boolean;
}

/** rev-parse prints a sha; its stderr is a few lines. */
const SMALL_OUTPUT = 64 * 1024;

function git(args: string[], cwd: string, maxBuffer = SMALL_OUTPUT): GitResult {
  const r = builtin.childProcess().spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer,
    // English messages, whatever the machine's locale: they are matched below.
    env: { ...process.env, LC_ALL: 'C' },
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOBUFS') {
    return { status: -1, stdout: '', stderr: '', tooLarge: true };
  }
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new GitRefError(
      code === 'ENOENT'
        ? 'reading a prompt at a git ref needs git, which is not installed or not on PATH'
        : `could not run git (${r.error.message})`,
      'ref',
    );
  }
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.replace(/^(fatal|error): /, '').trim())
      .find(Boolean) ?? 'git failed'
  );
}

/** The commit a revision names, or a GitRefError saying why there is none. */
function resolveCommit(candidates: string[], label: string, cwd: string): string {
  for (const rev of candidates) {
    const r = git(['rev-parse', '--verify', `${rev}^{commit}`], cwd);
    if (r.status === 0) return r.stdout.trim();
    if (/not a git repository/i.test(r.stderr)) {
      throw new GitRefError(
        `${cwd} is not inside a git repository, so ref ${label} cannot be read`,
        'ref',
      );
    }
    if (
      !/needed a single revision|unknown revision|bad revision|ambiguous argument/i.test(r.stderr)
    ) {
      throw new GitRefError(`git could not resolve ref ${label}: ${firstLine(r.stderr)}`, 'ref');
    }
  }
  throw new GitRefError(
    `ref ${label} does not name a commit in this repository; ${SHALLOW_HINT}`,
    'ref',
  );
}

/** A ref from the config or the environment: nothing git could take for an option or a path. */
function checkRevision(rev: string, label: string): void {
  if (!rev || rev.startsWith('-') || /[\s:\u0000-\u001f\u007f]/.test(rev)) {
    throw new GitRefError(`${label} is not a valid git revision`, 'ref');
  }
}

/**
 * The text of `file` (relative to `cwd`, the config's folder) as committed at `ref`: a branch,
 * a tag, a sha, `HEAD~1`, or `base` for the pull request's base commit (see base-ref.ts).
 * Throws GitRefError when git, the repository, the ref or the file at that ref is missing.
 */
export function readFileAtRef(
  file: string,
  ref: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): { text: string; commit: string } {
  let candidates: string[];
  let label: string;
  if (ref === 'base') {
    const base = resolveBaseRef(env);
    if (!base) {
      throw new GitRefError(
        "`ref: base` means the pull request's base commit, and none is known here: run on a " +
          'pull_request event, pass --base-ref (the Action input base-ref), or set EVALGATE_BASE_REF',
        'ref',
      );
    }
    for (const c of base.candidates) checkRevision(c, `"${c}" (from ${base.from})`);
    candidates = base.candidates;
    label = `base (${base.candidates[0]}, from ${base.from})`;
  } else {
    checkRevision(ref, `"${ref}"`);
    candidates = [ref];
    label = `"${ref}"`;
  }
  const commit = resolveCommit(candidates, label, cwd);
  // `<commit>:./<path>` is relative to the directory git runs in, so the repository's root
  // never has to be worked out (or matched through symlinks such as /tmp on macOS).
  const rel = path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join('/');
  // `cat-file blob` is `git show` for files only: the raw bytes, and a folder is an error.
  const r = git(['cat-file', 'blob', `${commit}:./${rel}`], cwd, FILE_LIMITS.template);
  const short = commit.slice(0, 12);
  if (r.tooLarge) {
    throw new GitRefError(
      `prompt file ${file} at ref ${label} (${short}) is larger than the ${FILE_LIMITS.template / (1024 * 1024)} MiB evalgate reads from a prompt`,
      'file',
    );
  }
  if (r.status === 0) return { text: r.stdout, commit };
  if (/does not exist in|exists on disk, but not in/i.test(r.stderr)) {
    throw new GitRefError(`prompt file ${file} does not exist at ref ${label} (${short})`, 'file');
  }
  if (/bad file/i.test(r.stderr)) {
    throw new GitRefError(
      `${file} is a folder at ref ${label} (${short}), not a prompt file`,
      'file',
    );
  }
  if (/outside repository/i.test(r.stderr)) {
    throw new GitRefError(`prompt file ${file} is outside the git repository`, 'file');
  }
  throw new GitRefError(
    `could not read ${file} at ref ${label} (${short}): ${firstLine(r.stderr)}`,
    'file',
  );
}
