import path from 'node:path';
import { InputError } from '../errors.js';

/** A fan-in job merges a matrix's reports: a few hundred at most (GitHub's matrix limit is 256). */
const MAX_SHARD_REPORTS = 1000;

/**
 * The shard reports a glob names (the Action's `merge` input), relative to the working
 * directory, sorted. A glob that matches nothing is bad input: merging zero shards is a
 * misconfigured download step, not a pass.
 */
export async function shardReportFiles(pattern: string, field: string): Promise<string[]> {
  // Loaded here: the glob library is only needed by a merge, not by every Action run.
  const { glob } = await import('tinyglobby');
  const matches = await glob(pattern, {
    cwd: process.cwd(),
    onlyFiles: true,
    expandDirectories: false,
    ignore: ['**/node_modules/**', '**/.git/**'],
  });
  if (matches.length === 0) {
    throw new InputError({
      path: field,
      message: `"${pattern}" matched no files in ${process.cwd()}: did the shard reports download there?`,
    });
  }
  if (matches.length > MAX_SHARD_REPORTS) {
    throw new InputError({
      path: field,
      message: `"${pattern}" matched ${matches.length} files; name the shard reports only`,
    });
  }
  return matches.map((m) => path.normalize(m)).sort();
}
