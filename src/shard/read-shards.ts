import { readErrorMessage } from '../config/project-files.js';
import { InputError, type InputProblem } from '../errors.js';
import { reportSchema } from '../schema/report.js';
import type { Report, ShardMeta } from '../types.js';
import { MAX_NESTING, tooDeep } from '../util/nesting.js';
import { FILE_LIMITS, FileReadError, readBoundedText } from '../util/read-bounded.js';

/** A shard report as read from disk, with its `meta.shard` known to be there. */
export interface ShardReport {
  file: string;
  report: Report;
  shard: ShardMeta;
}

/** Levels a report adds around a case's own values (cases[i].candidate.expected and the like). */
const REPORT_LEVELS = 8;

/** Reads an evalgate report, checked field by field as strictly as evalgate writes it. */
export function readReportFile(file: string, what: string): Report {
  let text: string;
  try {
    text = readBoundedText(file, FILE_LIMITS.report);
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    throw new InputError({
      file,
      message: err.reason === 'missing' ? `${what} not found` : readErrorMessage(what, file, err),
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError({ file, message: `not valid JSON (${(err as Error).message})` });
  }
  if (tooDeep(json, MAX_NESTING + REPORT_LEVELS)) {
    throw new InputError({ file, message: 'nested too deeply to be an evalgate report' });
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError({
      file,
      path: issue.path.join('.') || undefined,
      message: `not an evalgate report: ${issue.message}`,
    });
  }
  return parsed.data as Report;
}

function readShard(file: string): ShardReport {
  const report = readReportFile(file, 'shard report');
  const shard = report.meta.shard;
  if (!shard) {
    throw new InputError({
      file,
      path: 'meta.shard',
      message: 'not a shard report: write one with evalgate run --shard I/N',
    });
  }
  if (report.incomplete) {
    throw new InputError({
      file,
      message: `shard ${shard.index}/${shard.count} is incomplete (${report.incomplete_reason ?? 'stopped early'}): run that shard again`,
    });
  }
  return { file, report, shard };
}

function same<T>(
  shards: ShardReport[],
  what: string,
  value: (s: ShardReport) => T,
): InputProblem[] {
  const first = shards[0]!;
  const want = JSON.stringify(value(first));
  return shards
    .filter((s) => JSON.stringify(value(s)) !== want)
    .map((s) => ({
      file: s.file,
      message: `${what} differs from ${first.file}'s: these shards were not cut from one run`,
    }));
}

/**
 * Reads every shard report and checks that they are the parts of one run: the same config,
 * golden set, seed and shard count, each shard exactly once. Throws one InputError naming every
 * report (or missing shard) at fault.
 */
export function readShards(files: string[]): ShardReport[] {
  if (files.length === 0) {
    throw new InputError({
      message: 'name the shard reports to merge: evalgate merge shard-1.json shard-2.json …',
    });
  }
  const problems: InputProblem[] = [];
  const shards: ShardReport[] = [];
  for (const file of files) {
    try {
      shards.push(readShard(file));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length) throw new InputError(problems);

  problems.push(
    ...same(shards, 'the shard count (meta.shard.count)', (s) => s.shard.count),
    ...same(shards, 'the config file (meta.shard.config_file)', (s) => s.shard.config_file),
    ...same(shards, 'the config fingerprint', (s) => s.report.meta.fingerprints?.config),
    ...same(shards, 'the golden set (meta.fingerprints.datasets)', (s) =>
      Object.entries(s.report.meta.fingerprints?.datasets ?? {}).sort(),
    ),
    ...same(shards, 'the seed (meta.seed)', (s) => s.report.meta.seed),
    ...same(shards, 'the recorded baseline (meta.baseline_report)', (s) =>
      s.report.meta.baseline_report ? 'stored' : 'called',
    ),
  );
  if (problems.length) throw new InputError(problems);

  const count = shards[0]!.shard.count;
  const byIndex = new Map<number, ShardReport>();
  for (const s of shards) {
    const other = byIndex.get(s.shard.index);
    if (other) {
      problems.push({
        file: s.file,
        message: `shard ${s.shard.index}/${count} given twice (also ${other.file})`,
      });
    } else byIndex.set(s.shard.index, s);
  }
  for (let i = 1; i <= count; i++) {
    if (!byIndex.has(i))
      problems.push({ message: `shard ${i}/${count} is missing: its report was not given` });
  }
  if (problems.length) throw new InputError(problems);
  return [...byIndex.values()].sort((a, b) => a.shard.index - b.shard.index);
}
