import path from 'node:path';
import { closePlan, type EngineHooks, type EngineOptions, type Plan, prepare } from '../engine.js';
import { InputError, type InputProblem } from '../errors.js';
import { buildReport, planDatasetFingerprints } from '../report/build-report.js';
import { escapeTerminal } from '../report/escape.js';
import { outputCollisions } from '../report/output-paths.js';
import type { RunStats, SideResults } from '../runner/run-pairs.js';
import type { Report, ShardMeta, SideResult } from '../types.js';
import type { Redact } from '../util/redact.js';
import { configFileDigest } from './meta.js';
import { readShards, type ShardReport } from './read-shards.js';
import { caseShards } from './select.js';

/** Problems about single cases listed before the rest is counted: enough to see the pattern. */
const MAX_LISTED = 20;

/**
 * Sections that only say how to reach an endpoint, which a merge never calls: a `${VAR}` there
 * may be unset in the merge job (a key in a URL, a model the shards' matrix set), and the
 * models are taken from the shards' reports.
 */
const ENDPOINT_SECTIONS = new Set(['targets', 'judge', 'embeddings']);

/** Adds the numbers of like-shaped objects, field by field (call counts, tokens, cost). */
function sumTree(parts: unknown[]): unknown {
  const present = parts.filter((p) => p !== undefined);
  if (present.length === 0) return undefined;
  if (present.every((p) => typeof p === 'number')) return present.reduce((a, b) => a + b, 0);
  if (present.every((p) => p !== null && typeof p === 'object' && !Array.isArray(p))) {
    const keys = new Set(present.flatMap((p) => Object.keys(p as object)));
    return Object.fromEntries(
      [...keys].map((k) => [k, sumTree(present.map((p) => (p as Record<string, unknown>)[k]))]),
    );
  }
  return present[0];
}

function sumStats(shards: ShardReport[]): RunStats {
  const zero: RunStats = { planned: 0, done: 0, cached: 0, retries: 0, failed: 0 };
  return (sumTree(shards.map((s) => s.report.meta.calls ?? zero)) as RunStats) ?? zero;
}

/**
 * Merges shard reports into the report one unsharded run would have written: the config and
 * the golden set are read again (as `prepare` reads them for a run, API keys not needed), every
 * shard's answers go back to their case's place in dataset order, and `buildReport` judges every
 * check over all pairs with the shards' seed — the very code and inputs of an unsharded run, so
 * the decision, intervals and p-values are the same. Nothing is averaged across shards.
 */
export async function mergeShards(
  files: string[],
  options: EngineOptions,
  hooks: EngineHooks,
): Promise<{ report: Report; onInconclusive: 'pass' | 'fail'; redact: Redact }> {
  // The shard reports are inputs: the merged report must not overwrite one of them.
  const collisions = outputCollisions(
    options.outputs ?? [],
    files.map((f) => ({ abs: path.resolve(f), label: 'a shard report' })),
  );
  if (collisions.length) throw new InputError(collisions);
  const shards = readShards(files);
  const first = shards[0]!;
  const meta = first.report.meta;
  const recorded = meta.baseline_report;
  if (meta.only) {
    throw new InputError({
      file: first.file,
      message: `a recording of one side (--only ${meta.only}) has nothing to merge into a decision`,
    });
  }
  if (recorded && !options.baselineReportPath) {
    throw new InputError({
      path: '--baseline-report',
      message: `the shards took their baseline from ${recorded}: give the same file to merge`,
    });
  }
  if (!recorded && options.baselineReportPath) {
    throw new InputError({
      path: '--baseline-report',
      message: 'the shards called the baseline target; they were not run against a recording',
    });
  }

  const plan = await prepare({ ...options, seed: meta.seed, keysOptional: true }, hooks);
  try {
    const { config, cases } = plan;
    const count = first.shard.count;
    const problems: InputProblem[] = [];
    if (configFileDigest(plan.loaded.file) !== first.shard.config_file) {
      throw new InputError({
        file: plan.loaded.file,
        message:
          'this config file is not the one the shards ran (meta.shard.config_file differs): merge from the same commit',
      });
    }
    // Budgets and the gate come from the config as filled in here: `${VAR}` must fill it in as
    // it did for the shards, or the merge would judge their answers by other rules.
    const refilled = changedConfigValues(plan, first.shard);
    if (refilled.length) throw new InputError(refilled);
    if (options.baselineReportPath) {
      const other = changedRecording(
        options.baselineReportPath,
        plan.storedBaseline?.digest,
        first,
      );
      if (other) throw new InputError(other);
    }
    // Checked before the cases: a changed golden set would otherwise show as a list of cases
    // missing from, or foreign to, the shards, without saying why.
    const changed = changedDatasets(planDatasetFingerprints(plan), meta.fingerprints?.datasets);
    if (changed.length) throw new InputError(changed);
    const index = new Map(cases.map((c, i) => [c.id, i]));
    const shardOfCase = caseShards(cases, config, count);
    const from: (ShardReport | undefined)[] = new Array(cases.length);
    const results: Required<SideResults> = {
      baseline: new Array<SideResult | undefined>(cases.length),
      candidate: new Array<SideResult | undefined>(cases.length),
    };
    let caseProblems = 0;
    const problem = (p: InputProblem) => {
      if (caseProblems++ < MAX_LISTED) problems.push(p);
    };
    for (const s of shards) {
      const name = `shard ${s.shard.index}/${count}`;
      for (const r of s.report.cases) {
        const id = escapeTerminal(r.id, 80);
        const i = index.get(r.id);
        if (i === undefined) {
          problem({ file: s.file, message: `case "${id}" of ${name} is not in the golden set` });
          continue;
        }
        const seen = from[i];
        if (seen) {
          problem({
            file: s.file,
            message:
              seen === s
                ? `case "${id}" is in ${name} twice: a report evalgate wrote has each case once (was it edited?)`
                : `case "${id}" is in ${name} and in shard ${seen.shard.index}/${count} (${seen.file})`,
          });
          continue;
        }
        const belongs = shardOfCase[i]!;
        if (belongs !== s.shard.index) {
          problem({
            file: s.file,
            message: `case "${id}" ran in ${name} but belongs in shard ${belongs}/${count}: the shards were cut differently (another evalgate version or config?)`,
          });
          continue;
        }
        from[i] = s;
        if (r.baseline && !recorded) results.baseline[i] = r.baseline;
        if (r.candidate) results.candidate[i] = r.candidate;
      }
    }
    cases.forEach((c, i) => {
      if (from[i]) return;
      problem({
        file: c.source.file,
        line: c.source.line,
        message: `case "${escapeTerminal(c.id, 80)}" is in no shard report (it belongs in shard ${shardOfCase[i]}/${count})`,
      });
    });
    if (caseProblems > MAX_LISTED)
      problems.push({ message: `…and ${caseProblems - MAX_LISTED} more problems with cases` });
    if (problems.length) throw new InputError(problems);

    const starts = shards.map((s) => Date.parse(s.report.meta.started_at));
    const started = Math.min(...starts);
    const ended = Math.max(...shards.map((s, k) => starts[k]! + s.report.meta.duration_ms));
    const { report, warnings } = buildReport(plan, started, results, sumStats(shards), undefined);

    for (const w of warnings) hooks.warning(w);
    // Time: from the first shard's start to the last one's end. Scoring calls: all shards'.
    report.meta.duration_ms = ended - started;
    const scoring = sumTree(shards.map((s) => s.report.scoring)) as Report['scoring'];
    if (scoring) report.scoring = scoring;
    else delete report.scoring;
    report.meta.merged = { shards: count, reports: shards.map((s) => s.file) };
    // The models as the shards saw them: a `${VAR}` model name is unset in a merge job without
    // the shards' environment, and would read "unset" here.
    report.meta.models = meta.models;
    return { report, onInconclusive: config.gate.on_inconclusive, redact: plan.redact };
  } finally {
    closePlan(plan);
  }
}

/** Each golden-set file whose bytes (or presence) differ from what the shards ran, named. */
function changedDatasets(
  here: Record<string, string>,
  ran: Record<string, string> = {},
): InputProblem[] {
  const fix = 'merge from the same commit';
  return [...new Set([...Object.keys(ran), ...Object.keys(here)])]
    .filter((name) => here[name] !== ran[name])
    .map((file) => ({
      file,
      message:
        here[file] === undefined
          ? `the shards ran this golden set file, which the config here does not read: ${fix}`
          : ran[file] === undefined
            ? `the shards did not run this golden set file: ${fix}`
            : `this golden set file is not the one the shards ran (meta.fingerprints.datasets differs): ${fix}`,
    }));
}

/**
 * The recording given to the merge, unless it is (byte for byte) the one the shards ran
 * against: their reports name it only by its path, which another file can have.
 */
function changedRecording(
  file: string,
  digest: string | undefined,
  first: ShardReport,
): InputProblem | undefined {
  const ran = first.shard.baseline_report;
  if (ran === undefined) {
    return {
      file: first.file,
      path: 'meta.shard.baseline_report',
      message:
        'the shards do not record which recording they ran against (written by an older evalgate): run them again',
    };
  }
  if (digest === ran) return undefined;
  const named = escapeTerminal(first.report.meta.baseline_report ?? '', 200);
  return {
    file,
    path: '--baseline-report',
    message: `this baseline report is not the recording the shards ran against (${named}; meta.shard.baseline_report differs): give the merge the same file`,
  };
}

/**
 * Each field where `${VAR}` filled in the config here otherwise than for the shards, named by
 * its path (never its value: a value may be a credential, and the shards recorded digests only).
 * A variable unset here is let go where only an endpoint reads it (ENDPOINT_SECTIONS).
 */
function changedConfigValues(plan: Plan, shard: ShardMeta): InputProblem[] {
  const here = plan.configValues;
  // Shard reports from before evalgate recorded these values have nothing to compare with.
  if (!here || shard.config_values === undefined) return [];
  const file = plan.loaded.file;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the message names the ${VAR} syntax
  const fix = 'merge with the same ${VAR} values as the shards';
  const ran = shard.config_value_fields;
  if (!ran) {
    // Older shards recorded one digest for the lot: the field cannot be named.
    if (here.digest === shard.config_values) return [];
    return [
      {
        file,
        message: `the values substituted for \${VAR}s here differ from the shards' (meta.shard.config_values)${here.unset.length ? `; not set here: ${here.unset.join(', ')}` : ''}: ${fix}`,
      },
    ];
  }
  const unset = new Set(here.unset);
  const atOf = new Map((plan.loaded.filled ?? []).map((f) => [f.at.join('.'), f.at]));
  return [...new Set([...Object.keys(ran), ...Object.keys(here.fields)])]
    .filter((field) => here.fields[field] !== ran[field])
    .filter((field) => !(unset.has(field) && ENDPOINT_SECTIONS.has(field.split('.')[0]!)))
    .map((field) => {
      const at = atOf.get(field);
      const line = at && plan.loaded.lineOf?.(at);
      return {
        file,
        ...(line ? { line } : {}),
        path: field,
        message: unset.has(field)
          ? `a \${VAR} here is not set, where the shards had a value (meta.shard.config_value_fields): ${fix}`
          : `\${VAR} filled this in otherwise here than for the shards (meta.shard.config_value_fields differs): ${fix}`,
      };
    });
}
