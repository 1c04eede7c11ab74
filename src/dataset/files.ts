import { stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { InputError, type InputProblem } from '../errors.js';

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

/**
 * The absolute files a dataset spec names, in spec order, each glob's matches sorted, each file
 * once. Every entry that names nothing is reported together.
 */
export async function resolveDatasetFiles(
  spec: string | string[],
  baseDir: string,
): Promise<string[]> {
  const entries = Array.isArray(spec) ? spec : [spec];
  if (entries.length === 0)
    throw new InputError({ path: 'dataset', message: 'no dataset files given' });
  const problems: InputProblem[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    files.push(file);
  };

  for (const entry of entries) {
    const abs = path.resolve(baseDir, entry);
    // A path that exists is taken literally even if it has glob characters (`golden[1].jsonl`).
    const info = await stat(abs).catch(() => undefined);
    if (info?.isFile()) {
      add(abs);
    } else if (info?.isDirectory()) {
      problems.push({
        file: displayPath(abs),
        message: `is a folder; name the files, e.g. "${path.posix.join(entry, '*.jsonl')}"`,
      });
    } else if (isDynamicPattern(entry)) {
      const { cwd, pattern } = splitGlob(entry, baseDir);
      const matches = await globFiles(pattern, cwd);
      if (matches.length === 0) {
        problems.push({
          path: 'dataset',
          message: `"${entry}" matched no files (looked in ${displayPath(cwd) || '.'})`,
        });
      }
      for (const m of matches) add(m);
    } else {
      problems.push({
        file: displayPath(abs),
        message: `dataset file not found (dataset: "${entry}")`,
      });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return files;
}

/**
 * Splits off the pattern's literal leading folders to glob from there rather than from baseDir,
 * so `../golden/*.jsonl` and absolute patterns work and glob characters in baseDir itself are
 * never interpreted.
 */
function splitGlob(entry: string, baseDir: string): { cwd: string; pattern: string } {
  const segments = entry.split('/');
  let k = 0;
  while (k < segments.length - 1 && !isDynamicPattern(segments[k]!)) k++;
  const prefix = segments.slice(0, k).join('/') || (k > 0 ? '/' : '.');
  return { cwd: path.resolve(baseDir, prefix), pattern: segments.slice(k).join('/') };
}

async function globFiles(pattern: string, cwd: string): Promise<string[]> {
  const matches = await glob(pattern, {
    cwd,
    absolute: true,
    onlyFiles: true,
    expandDirectories: false,
  });
  // Sorted by code unit, not locale, so every machine loads the same order.
  return matches.map((m) => path.resolve(m)).sort();
}
