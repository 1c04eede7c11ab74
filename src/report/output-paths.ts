import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { errorMessage, InputError, type InputProblem, RunAbortedError } from '../errors.js';
import { tempPath } from '../util/atomic-write.js';
import { fileIdentity } from '../util/real-path.js';

/** The longest file name the common file systems take (ext4, APFS, NTFS: 255 bytes or units). */
const NAME_MAX = 255;

// Output files are written after the run, when every call has been paid for: a path that cannot
// be written has to be bad input found before the first request, not a crash at the end.

export interface OutputPath {
  /** The path as the user gave it (relative to the working directory). */
  file: string;
  /** What named it: `--report`, `with.junit`, ... */
  field: string;
}

/** The path's stat; undefined when nothing is there (or a file stands where a folder would). */
function stat(p: string) {
  try {
    return statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    // A name too long, a symlink loop, a folder that cannot be searched: no write would work.
    throw new PathProblem(`cannot write ${p}: ${errorMessage(err)}`);
  }
}

class PathProblem extends Error {}

function writable(p: string): boolean {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why `file` could not be written, or undefined when it can (nothing is created here). */
export function outputPathProblem(file: string): string | undefined {
  try {
    return problemOf(path.resolve(file));
  } catch (err) {
    if (err instanceof PathProblem) return err.message;
    throw err;
  }
}

function problemOf(full: string): string | undefined {
  // The write goes through a temp file beside it, whose name is longer (atomic-write.ts).
  const temp = Buffer.byteLength(path.basename(tempPath(full)));
  if (temp > NAME_MAX) {
    return `${full}: the file name is too long to write (at most ${NAME_MAX - temp + Buffer.byteLength(path.basename(full))} bytes)`;
  }
  const own = stat(full);
  if (own?.isDirectory()) return `${full} is a directory; give a file path`;
  // Outputs are replaced by a rename (src/util/atomic-write.ts): renaming over /dev/null or a
  // pipe would replace the device itself, and the temp file needs a writable folder.
  if (own && !own.isFile())
    return `${full} is not a regular file (a device, pipe or socket); give a file path`;
  if (own) {
    if (!writable(full)) return `${full} exists and is not writable`;
    const dir = path.dirname(full);
    return writable(dir) ? undefined : `cannot replace ${full}: its folder ${dir} is not writable`;
  }
  // The file is new: its nearest existing ancestor must be a writable folder to create it in.
  let dir = path.dirname(full);
  for (;;) {
    const s = stat(dir);
    if (s) {
      if (!s.isDirectory()) return `cannot create ${full}: ${dir} is a file, not a folder`;
      return writable(dir) ? undefined : `cannot create ${full}: ${dir} is not writable`;
    }
    const up = path.dirname(dir);
    if (up === dir) return `cannot create ${full}: no existing folder above it`;
    dir = up;
  }
}

/** Throws InputError naming every output path that could not be written. */
export function checkOutputPaths(paths: (OutputPath | undefined)[]): void {
  const problems: InputProblem[] = [];
  for (const p of paths) {
    if (!p) continue;
    const problem = outputPathProblem(p.file);
    if (problem) problems.push({ path: p.field, message: problem });
  }
  if (problems.length) throw new InputError(problems);
}

/**
 * Outputs that would overwrite an input (`--report golden.jsonl` replaced the dataset with a
 * report) or each other (the second write would replace the first): one problem per collision,
 * naming both. Paths are compared as files, not as text: `./x`, a symlink to x and, on a
 * case-insensitive disk, `X` are all x.
 */
export function outputCollisions(
  outputs: readonly OutputPath[],
  inputs: readonly { abs: string; label: string }[],
): InputProblem[] {
  const problems: InputProblem[] = [];
  const inputById = new Map<string, { abs: string; label: string }>();
  for (const input of inputs) {
    const id = fileIdentity(input.abs);
    if (!inputById.has(id)) inputById.set(id, input);
  }
  const outputById = new Map<string, OutputPath>();
  for (const out of outputs) {
    const id = fileIdentity(out.file);
    const input = inputById.get(id);
    if (input) {
      problems.push({
        path: out.field,
        message: `${out.file} is ${input.label} (${input.abs}); writing the output there would overwrite it, so give another path`,
      });
      continue;
    }
    const first = outputById.get(id);
    if (first) {
      problems.push({
        path: out.field,
        message: `${out.file} is the same file as ${first.field} ${first.file}; give each output its own path`,
      });
      continue;
    }
    outputById.set(id, out);
  }
  return problems;
}

/** A write that failed after the run anyway (disk full, the folder removed meanwhile): exit 3. */
export class OutputWriteError extends RunAbortedError {
  constructor(file: string, cause: unknown) {
    // node's message already starts with the code: "EISDIR: illegal operation on a directory".
    super(`could not write ${file}: ${errorMessage(cause)}`);
    this.name = 'OutputWriteError';
  }
}
