import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { FileReadError, readBoundedText } from '../util/read-bounded.js';
import { isInside, realPath } from '../util/real-path.js';

// The config names files to read and send (prompts, rubrics, datasets) and modules to run. A
// config from a pull request is not trusted that far: `prompt: {file: /proc/self/environ}` would
// post the runner's environment to an endpoint. Every such path has to resolve, symlinks
// followed, inside the project unless the user says otherwise (--allow-outside-repo).

/** The flag and Action input that lift the rule, named in every refusal. */
export const ALLOW_OUTSIDE_HINT =
  'keep it inside the project, or pass --allow-outside-repo (Action input allow-outside-repo: true)';

/** A path the config named could not be used; `message` names the file and says why. */
export class InputFileError extends Error {
  constructor(
    message: string,
    /** Why reading it failed, when it was read. */
    readonly readError?: FileReadError,
  ) {
    super(message);
    this.name = 'InputFileError';
  }
}

/** An input file read for the run, kept so that no output may overwrite it. */
export interface InputFileUse {
  abs: string;
  /** What it is, for messages: `the config`, `the prompt file of targets.candidate.prompt`. */
  label: string;
}

/**
 * The folder inputs must stay in: the git repository that holds the config (the nearest folder
 * above it with a `.git`, which a worktree has as a file), else the config's own folder.
 */
export function projectRoot(configDir: string): string {
  const start = realPath(configDir);
  for (let dir = start; ; ) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

/** A FileReadError's text without the path it starts with, which the caller names its own way. */
export function readFailure(err: FileReadError): string {
  return err.message.startsWith(err.file) ? err.message.slice(err.file.length).trim() : err.message;
}

/** "prompt file not found: /abs/p.md", "prompt file /abs/p.md is a pipe; give a regular file". */
export function readErrorMessage(what: string, abs: string, err: FileReadError): string {
  return err.reason === 'missing'
    ? `${what} not found: ${abs}`
    : `${what} ${abs} ${readFailure(err)}`;
}

/**
 * Resolves, checks and reads the files a config names, relative to its folder, and remembers
 * each one read. One per prepared run.
 */
export class ProjectFiles {
  readonly used: InputFileUse[] = [];

  constructor(
    /** Relative paths resolve against it: the config's folder. */
    readonly dir: string,
    /** Real path of the folder every input must resolve inside. */
    readonly root: string,
    readonly allowOutside: boolean,
  ) {}

  static forConfig(configDir: string, allowOutside = false): ProjectFiles {
    return new ProjectFiles(configDir, projectRoot(configDir), allowOutside);
  }

  /** No root rule: for code paths (unit tests, tools) that are not handed a config's files. */
  static unrestricted(dir: string = process.cwd()): ProjectFiles {
    return new ProjectFiles(dir, path.parse(path.resolve(dir)).root, true);
  }

  /** The real path of `abs` when the root rule refuses it, else undefined. */
  outsideRoot(abs: string): string | undefined {
    if (this.allowOutside) return undefined;
    const real = realPath(abs);
    return isInside(this.root, real) ? undefined : real;
  }

  /** The root rule for an absolute path; `what` names it in the message ("prompt file"). */
  check(abs: string, what: string): void {
    const real = this.outsideRoot(abs);
    if (real === undefined) return;
    const through = real === abs ? '' : ` (a symlink to ${real})`;
    throw new InputFileError(
      `${what} ${abs}${through} is outside the project root ${this.root}; ${ALLOW_OUTSIDE_HINT}`,
    );
  }

  /** `file` resolved against the config's folder, after the root rule. */
  resolve(file: string, what: string): string {
    const abs = path.resolve(this.dir, file);
    this.check(abs, what);
    return abs;
  }

  note(abs: string, label: string): void {
    this.used.push({ abs, label });
  }

  /**
   * Reads `file` (relative to the config's folder) as text: inside the root, a regular file of
   * at most `maxBytes`. Throws InputFileError naming the file.
   */
  readText(file: string, what: string, maxBytes: number, label: string = `the ${what}`): string {
    const abs = this.resolve(file, what);
    let text: string;
    try {
      text = readBoundedText(abs, maxBytes);
    } catch (err) {
      if (err instanceof FileReadError) {
        throw new InputFileError(readErrorMessage(what, abs, err), err);
      }
      throw err;
    }
    this.note(abs, label);
    return text;
  }

  /**
   * A module to import: inside the root and a regular file. Node reads it itself, so it is not
   * read here; a pipe or a device would block the import or never end.
   */
  checkModule(file: string, what: string, label: string = `the ${what}`): string {
    const abs = this.resolve(file, what);
    let regular = false;
    try {
      regular = statSync(abs).isFile();
    } catch {
      throw new InputFileError(`${what} not found: ${abs}`);
    }
    if (!regular) throw new InputFileError(`${what} ${abs} is not a regular file`);
    this.note(abs, label);
    return abs;
  }
}
