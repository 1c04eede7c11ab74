import { InputError, type InputProblem } from '../errors.js';
import { escapeTerminal } from '../report/escape.js';
import { readReportFile } from '../report/read-report.js';
import { calledSides, type Report, type ShardMeta } from '../types.js';

/** Missing shards named one by one; the rest are counted. */
const MAX_MISSING_LISTED = 5;
/** Cases without an answer named one by one in a shard report; the rest are counted. */
const MAX_UNANSWERED_LISTED = 10;

/** A shard report as read from disk, with its `meta.shard` known to be there. */
export interface ShardReport {
  file: string;
  report: Report;
  shard: ShardMeta;
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
  const problems = [...countProblems(file, report, shard), ...unansweredProblems(file, report)];
  if (problems.length) throw new InputError(problems);
  return { file, report, shard };
}

/** A complete shard report holds every case of its shard: as many as its meta says it ran. */
function countProblems(file: string, report: Report, shard: ShardMeta): InputProblem[] {
  if (report.cases.length === shard.cases) return [];
  return [
    {
      file,
      path: 'meta.shard.cases',
      message: `says shard ${shard.index}/${shard.count} ran ${shard.cases} cases, but the report holds ${report.cases.length}: a report evalgate wrote holds every case of its shard (was it edited?)`,
    },
  ];
}

/**
 * Cases without an answer on a side the shard ran. A complete run answers every case on each
 * side it calls (a failed call is an answer with an error), so one without is an edited report,
 * and merging it would judge that case on fewer pairs as if nothing were amiss. With a recording
 * the baseline side is the recording's, which may lack a case: only the candidate is asked for.
 */
function unansweredProblems(file: string, report: Report): InputProblem[] {
  const meta = report.meta;
  const sides = calledSides(meta.only, meta.baseline_report !== undefined);
  const problems: InputProblem[] = [];
  let count = 0;
  for (const [i, c] of report.cases.entries()) {
    for (const side of sides) {
      if (c[side] || count++ >= MAX_UNANSWERED_LISTED) continue;
      problems.push({
        file,
        path: `cases[${i}].${side}`,
        message: `case "${escapeTerminal(c.id, 80)}" has no ${side} answer: a complete shard run answers every case on each side it calls (was the report edited?)`,
      });
    }
  }
  if (count > MAX_UNANSWERED_LISTED)
    problems.push({ file, message: `…and ${count - MAX_UNANSWERED_LISTED} more answers missing` });
  return problems;
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
    ...same(
      shards,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message names the ${VAR} syntax
      'what ${VAR} became in the config (meta.shard.config_values)',
      (s) => s.shard.config_values,
    ),
    ...same(shards, 'the config fingerprint', (s) => s.report.meta.fingerprints?.config),
    ...same(shards, 'the golden set (meta.fingerprints.datasets)', (s) =>
      Object.entries(s.report.meta.fingerprints?.datasets ?? {}).sort(),
    ),
    ...same(shards, 'the seed (meta.seed)', (s) => s.report.meta.seed),
    ...same(shards, 'the recorded baseline (meta.baseline_report)', (s) =>
      s.report.meta.baseline_report ? 'stored' : 'called',
    ),
    ...same(
      shards,
      'the recording the baseline came from (meta.shard.baseline_report)',
      (s) => s.shard.baseline_report,
    ),
    ...same(
      shards,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message names the ${VAR} syntax
      'what ${VAR} became in each field of the config (meta.shard.config_value_fields)',
      (s) => Object.entries(s.shard.config_value_fields ?? {}).sort(),
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
  // The schema bounds count (MAX_SHARDS); the listing is bounded all the same.
  let missing = 0;
  for (let i = 1; i <= count && missing <= MAX_MISSING_LISTED; i++) {
    if (byIndex.has(i)) continue;
    if (++missing <= MAX_MISSING_LISTED)
      problems.push({ message: `shard ${i}/${count} is missing: its report was not given` });
  }
  if (missing > MAX_MISSING_LISTED) {
    const more = count - byIndex.size - MAX_MISSING_LISTED;
    problems.push({ message: `and ${more} more of the ${count} shards are missing` });
  }
  if (problems.length) throw new InputError(problems);
  return [...byIndex.values()].sort((a, b) => a.shard.index - b.shard.index);
}
