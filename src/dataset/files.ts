import fs from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ALLOW_OUTSIDE_HINT, ProjectFiles } from '../config/project-files.js';
import { InputError, type InputProblem } from '../errors.js';

/** How many files a dataset spec may name in all: more is a glob that matched far too much. */
export const MAX_DATASET_FILES = 10_000;
/**
 * How many folders one glob may read while looking: `**` from a repository's root stays well
 * within it, `/**` over a whole filesystem does not.
 */
export const MAX_GLOB_FOLDERS = 10_000;
/** Never golden sets, often the largest trees in a repository: a glob does not descend into them. */
const NEVER_WALKED = ['**/node_modules/**', '**/.git/**'];
/** Outside-the-root matches reported one by one before the rest are counted. */
const MAX_OUTSIDE_REPORTED = 5;

/** `..` as a path segment after the wildcard, or a brace alternative that starts at `/`. */
const CLIMBS_OUT = /(?:^|[/{,])\.\.(?:[/},]|$)|[{,]\//;

/**
 * How a dataset file is named in messages, annotations and the report: relative to the working
 * directory when inside it (what the user sees in the repo and what GitHub annotations need),
 * else absolute.
 */
export function displayPath(abs: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, abs);
  const outside =
    rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  return outside ? abs : rel;
}

type Globber = typeof import('tinyglobby');

/**
 * The glob library, loaded only for an entry that is not an existing file: loading it (and
 * picomatch) cost every run about 30 ms of CPU at start-up, most of them naming plain files.
 */
const globber = (): Promise<Globber> => import('tinyglobby');

/**
 * The absolute files a dataset spec names, in spec order, each glob's matches sorted, each file
 * once. Every entry that names nothing is reported together.
 */
export async function resolveDatasetFiles(
  spec: string | string[],
  baseDir: string,
  files: ProjectFiles = ProjectFiles.unrestricted(baseDir),
): Promise<string[]> {
  const entries = Array.isArray(spec) ? spec : [spec];
  if (entries.length === 0)
    throw new InputError({ path: 'dataset', message: 'no dataset files given' });
  const problems: InputProblem[] = [];
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    found.push(file);
  };

  let outside = 0;
  const inside = (abs: string): boolean => {
    const real = files.outsideRoot(abs);
    if (real === undefined) return true;
    if (outside++ < MAX_OUTSIDE_REPORTED) {
      const through = real === abs ? '' : ` (a symlink to ${real})`;
      problems.push({
        path: 'dataset',
        message: `dataset file ${abs}${through} is outside the project root ${files.root}; ${ALLOW_OUTSIDE_HINT}`,
      });
    }
    return false;
  };

  for (const entry of entries) {
    const abs = path.resolve(baseDir, entry);
    // A path that exists is taken literally even if it has glob characters (`golden[1].jsonl`).
    const info = await stat(abs).catch(() => undefined);
    if (info && !info.isDirectory()) {
      // A pipe or a device is refused when read, with a message that says which it is.
      if (inside(abs)) add(abs);
    } else if (info?.isDirectory()) {
      problems.push({
        file: displayPath(abs),
        message: `is a folder; name the files, e.g. "${path.posix.join(entry, '*.jsonl')}"`,
      });
    } else if ((await globber()).isDynamicPattern(entry)) {
      const { cwd, pattern } = splitGlob(entry, baseDir, await globber());
      const refused = globProblem(entry, cwd, pattern, files);
      if (refused) {
        problems.push({ path: 'dataset', message: refused });
        continue;
      }
      const { matches, stopped } = await globFiles(pattern, cwd, await globber());
      if (stopped) {
        problems.push({
          path: 'dataset',
          message: `"${entry}" read more than ${MAX_GLOB_FOLDERS} folders under ${cwd} looking for matches; start the pattern at the folder that holds the cases`,
        });
        continue;
      }
      if (matches.length === 0) {
        problems.push({
          path: 'dataset',
          message: `"${entry}" matched no files (looked in ${displayPath(cwd) || '.'})`,
        });
      }
      for (const m of matches) if (inside(m)) add(m);
      if (found.length > MAX_DATASET_FILES) break;
    } else {
      problems.push({
        file: displayPath(abs),
        message: `dataset file not found (dataset: "${entry}")`,
      });
    }
  }
  if (outside > MAX_OUTSIDE_REPORTED) {
    problems.push({
      path: 'dataset',
      message: `…and ${outside - MAX_OUTSIDE_REPORTED} more dataset files outside the project root`,
    });
  }
  if (found.length > MAX_DATASET_FILES) {
    problems.push({
      path: 'dataset',
      message: `names more than ${MAX_DATASET_FILES} files; narrow the globs (or merge the cases into fewer files)`,
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return found;
}

/** Why a glob must not be walked at all: it starts, or climbs, outside the project root. */
function globProblem(
  entry: string,
  cwd: string,
  pattern: string,
  files: ProjectFiles,
): string | undefined {
  if (files.allowOutside) return undefined;
  if (CLIMBS_OUT.test(pattern)) {
    return `"${entry}" climbs out of its folder after a wildcard ("..", or a "{/...}" alternative); ${ALLOW_OUTSIDE_HINT}`;
  }
  const real = files.outsideRoot(cwd);
  if (real === undefined) return undefined;
  return `"${entry}" searches ${real}, outside the project root ${files.root}; ${ALLOW_OUTSIDE_HINT}`;
}

/**
 * Splits off the pattern's literal leading folders to glob from there rather than from baseDir,
 * so `../golden/*.jsonl` and absolute patterns work and glob characters in baseDir itself are
 * never interpreted.
 */
function splitGlob(
  entry: string,
  baseDir: string,
  { isDynamicPattern }: Globber,
): { cwd: string; pattern: string } {
  const segments = entry.split('/');
  let k = 0;
  while (k < segments.length - 1 && !isDynamicPattern(segments[k]!)) k++;
  const prefix = segments.slice(0, k).join('/') || (k > 0 ? '/' : '.');
  return { cwd: path.resolve(baseDir, prefix), pattern: segments.slice(k).join('/') };
}

/** The files a pattern matches, or `stopped` when finding them read too many folders. */
async function globFiles(
  pattern: string,
  cwd: string,
  { glob }: Globber,
): Promise<{ matches: string[]; stopped: boolean }> {
  // tinyglobby cannot count what it reads, but it reads folders through the `fs` it is given.
  const controller = new AbortController();
  let folders = 0;
  const readdir = ((dir: fs.PathLike, options: unknown, callback: (...args: unknown[]) => void) => {
    if (++folders > MAX_GLOB_FOLDERS) {
      controller.abort();
      callback(null, []);
      return;
    }
    (fs.readdir as (...args: unknown[]) => void)(dir, options, callback);
  }) as typeof fs.readdir;
  const matches = await glob(pattern, {
    cwd,
    absolute: true,
    onlyFiles: true,
    expandDirectories: false,
    ignore: NEVER_WALKED,
    signal: controller.signal,
    fs: { ...fs, readdir },
  });
  if (controller.signal.aborted) return { matches: [], stopped: true };
  // Sorted by code unit, not locale, so every machine loads the same order.
  return { matches: matches.map((m) => path.resolve(m)).sort(), stopped: false };
}
