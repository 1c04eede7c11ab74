import path from 'node:path';
import { caseCluster } from '../compare/clusters.js';
import { conversationClusters, withoutConversationKey } from '../compare/conversations.js';
import { caseSlices } from '../compare/slices.js';
import type { Plan } from '../engine.js';
import { buildChecks } from '../gate/checks.js';
import { decide, sortChecks, summarize } from '../gate/decide.js';
import { blocks } from '../gate/exit-code.js';
import { partialTokensWarning } from '../gate/figure-counts.js';
import { type SideSource, sideGaps, targetSource } from '../gate/no-data.js';
import { type SequentialGate, sequentialClause } from '../gate/sequential.js';
import { targetMetrics } from '../metrics/target-metrics.js';
import type { RunStats, SideResults } from '../runner/run-pairs.js';
import { scoringWarnings } from '../scorers/usage.js';
import { shardMeta } from '../shard/meta.js';
import { shardSummary } from '../shard/select.js';
import { targetLabel } from '../targets/label.js';
import {
  type CaseReport,
  type GoldenCase,
  type NoData,
  type Report,
  SIDES,
  type Side,
  type StoredBaselineMatch,
} from '../types.js';
import type { Redact } from '../util/redact.js';
import { VERSION } from '../version.js';
import { configFingerprint, datasetFingerprints, fingerprintWarnings } from './fingerprint.js';
import { askedDigest, matchStoredBaseline } from './stored-baseline.js';

// The report of a run, built from the plan and what the runner measured: the last step of the
// pipeline before the outputs are written, shared by a finished run, a stopped one and the
// crash guard's snapshot.

export /** What to say of a run that stopped early: its `incomplete_reason` and one-line summary. */
interface Stop {
  message: string;
  summary: string;
}

/**
 * The report of a run from its results; with `stop`, an incomplete one: only the cases
 * answered on some side, no checks, decision `inconclusive`. `minimal` leaves out what is
 * computed from the answers (target metrics, fingerprints), for a report built after a crash.
 */
export function buildReport(
  plan: Plan,
  started: number,
  results: SideResults,
  stats: RunStats,
  stop: Stop | undefined,
  {
    minimal = false,
    sequential,
  }: {
    minimal?: boolean;
    /** `gate.sequential`: checks judged at a look (`final`: the report of the run's last one). */
    sequential?: { gate: SequentialGate; final: boolean };
  } = {},
): { report: Report; warnings: string[] } {
  const { config, cases } = plan;
  const warnings: string[] = [];
  const by = config.slices?.by ?? [];
  // By id (unique in a golden set), built only if the checks ask: a Map keyed by 100,000 case
  // objects, filled as they were made, cost a large run's decision more than looking them up.
  let metadataById: Map<string, Record<string, unknown>> | undefined;
  const metadata = (r: CaseReport) => {
    metadataById ??= new Map(cases.map((c) => [c.id, c.metadata]));
    return withoutConversationKey(metadataById.get(r.id));
  };
  const clusterBy = config.gate.cluster_by;
  const { clusters, metadataKeys } = caseFacts(plan);
  const stored = plan.storedBaseline;
  const storedMatch = stored
    ? matchStoredBaseline(
        stored,
        cases.map((c) => c.id),
        askedNow(cases, plan.redact),
      )
    : undefined;
  const all: CaseReport[] = cases.map((c, i) => {
    // Assigned in the report's key order rather than spread: 100,000 spreads of small objects
    // were a noticeable part of a large run's decision. The conversation, expected calls and
    // passages are copied whole, like `input` (the dataset file's size bounds them, and the
    // loader each list), and masked with the rest of the report.
    const r = { id: c.id, slices: caseSlices(c, by) } as CaseReport;
    if (clusters[i] !== undefined) r.cluster = clusters[i];
    r.source = `${c.source.file}:${c.source.line}`;
    r.input = c.input;
    if (c.expected !== undefined) r.expected = c.expected;
    if (c.messages) r.messages = c.messages;
    if (c.expected_tool_calls) r.expected_tool_calls = c.expected_tool_calls;
    if (c.context) r.context = c.context;
    const base = stored
      ? storedMatch!.changed.has(c.id)
        ? undefined
        : stored.byId.get(c.id)
      : results.baseline?.[i];
    if (base) r.baseline = base;
    const cand = results.candidate?.[i];
    if (cand) r.candidate = cand;
    return r;
  });
  // A stopped run reports only the cases it answered on at least one side.
  // So does a sequential run that stopped early; its looks see every case, answered or not.
  const reports =
    stop || sequential?.final
      ? all.filter((_, i) => results.baseline?.[i] || results.candidate?.[i])
      : all;
  const datasetNames = datasetNamesOf(plan);
  const fingerprints =
    minimal || (sequential && !sequential.final)
      ? undefined
      : { datasets: planDatasetFingerprints(plan), config: configFingerprint(config) };
  let matched: StoredBaselineMatch | undefined;
  if (stored && storedMatch && fingerprints) {
    matched = storedMatch.match;
    warnings.push(
      ...storedMatch.warnings,
      ...fingerprintWarnings(stored.fingerprints, fingerprints, stored.file),
    );
  }

  const only = plan.options.only;
  // A shard measures; only the merge of every shard decides.
  const shard = plan.options.shard;
  const targets: Report['targets'] = {};
  const noData: Partial<Record<Side, NoData>> = {};
  const costGated =
    !only && !stop && !shard && (config.budgets.cost ?? config.slices?.budgets.cost) !== undefined;
  for (const side of SIDES) {
    if (minimal || !reports.some((r) => r[side])) continue;
    const answers = reports.map((r) => r[side]);
    const source: SideSource =
      side === 'baseline' && plan.storedBaseline
        ? { kind: 'recorded' }
        : targetSource(config.targets[side]);
    const gaps = sideGaps(side, source, answers);
    targets[side] = targetMetrics(answers);
    warnings.push(
      ...partialTokensWarning(
        side,
        answers,
        targets[side].answers_without_tokens,
        costGated,
        source.kind === 'recorded',
      ),
    );
    if (Object.keys(gaps).length > 0) {
      noData[side] = gaps;
      targets[side].no_data = gaps;
    }
  }

  const {
    checks,
    warnings: checkWarnings,
    power,
  } = only || stop || shard
    ? { checks: [], warnings: [], power: undefined }
    : (sequential?.gate.judge ?? buildChecks)(reports, {
        budgets: config.budgets,
        slices: config.slices,
        confidence: config.gate.confidence,
        minCases: config.gate.min_cases,
        seed: plan.seed,
        noData,
        ...(stored
          ? {
              recorded: {
                file: stored.file,
                ...(stored.recordedAt ? { at: stored.recordedAt } : {}),
              },
            }
          : {}),
        // Without metadata keys there is no key to hint at: no lookups over every case.
        ...(clusterBy || !metadataKeys ? {} : { metadata }),
      });
  warnings.push(...checkWarnings, ...(minimal ? [] : scoringWarnings(reports)));
  if (!only && !stop && !shard && checks.length === 0)
    warnings.push('no budgets are configured: the gate compares but blocks nothing');
  if (stop) warnings.unshift(`this report is incomplete: ${stop.message}`);
  const decision = stop ? 'inconclusive' : only ? 'pass' : shard ? 'inconclusive' : decide(checks);
  const sequentialMeta = sequential?.final && !stop ? sequential.gate.meta() : undefined;
  const summary = stop
    ? stop.summary
    : only
      ? `recorded: ${cases.length} cases on the ${only} side, to serve as --baseline-report`
      : shard
        ? shardSummary(shard, cases.length)
        : summarize(decision, checks, config.gate.confidence, config.gate.on_inconclusive) +
          (sequentialMeta ? sequentialClause(sequentialMeta) : '');
  // Only a judged comparison blocks: a recording passes, a stopped run could not judge (exit 3).
  const judged = !stop && !only && !shard;
  const blocked = judged && blocks(decision, config.gate.on_inconclusive);
  const usage = plan.scoring.usage();

  const report: Report = {
    schema_version: 1,
    decision,
    summary,
    ...(judged ? { blocked } : {}),
    ...(blocked
      ? { blocked_by: decision === 'fail' ? ('budget' as const) : ('on_inconclusive' as const) }
      : {}),
    cases: reports,
    targets,
    checks: sortChecks(checks),
    ...(power && power.checks.length > 0 ? { power } : {}),
    ...(stop ? { incomplete: true as const, incomplete_reason: stop.message } : {}),
    ...(usage ? { scoring: usage } : {}),
    meta: {
      tool: 'evalgate',
      version: VERSION,
      started_at: new Date(started).toISOString(),
      duration_ms: Date.now() - started,
      config: plan.loaded.file,
      datasets: datasetNames,
      confidence: config.gate.confidence,
      seed: plan.seed,
      ...(only ? { only } : {}),
      ...(plan.storedBaseline ? { baseline_report: plan.storedBaseline.file } : {}),
      models: {
        baseline: plan.storedBaseline?.model ?? targetLabel(config.targets.baseline),
        candidate: targetLabel(config.targets.candidate),
      },
      warnings,
      ...(fingerprints ? { fingerprints } : {}),
      ...(matched ? { stored_baseline: matched } : {}),
      ...(config.run.repeats > 1 ? { repeats: config.run.repeats } : {}),
      calls: stats,
      ...(sequentialMeta ? { sequential: sequentialMeta } : {}),
      ...(shard ? { shard: shardMeta(plan) } : {}),
    },
  };
  return { report, warnings };
}

/**
 * What each case sends now, masked as a recording's cases are, so an edited conversation is told
 * from a recorded one (stored-baseline.ts).
 */
function askedNow(cases: readonly GoldenCase[], redact: Redact): (id: string) => string {
  const byId = new Map(cases.map((c) => [c.id, c]));
  return (id) => redact(askedDigest(byId.get(id)!));
}

/** The dataset files as a report names them: relative to the working folder. */
function datasetNamesOf(plan: Plan): string[] {
  return plan.datasetFiles.map((f) => path.relative(process.cwd(), f) || f);
}

interface CaseFacts {
  /** Each case's cluster (see the Report's `cluster`), in dataset order. */
  clusters: (string | undefined)[];
  /** Whether any case has a metadata key (other than its conversation's) to hint at. */
  metadataKeys: boolean;
}

const factsOf = new WeakMap<Plan, CaseFacts>();

/**
 * What a report needs of the golden cases alone, worked out once per plan: a run asks while its
 * first calls are answered (engine.ts), not between the last answer and the verdict.
 */
function caseFacts(plan: Plan): CaseFacts {
  let facts = factsOf.get(plan);
  if (!facts) {
    const { cases, config } = plan;
    // gate.cluster_by, when set, is the user's word on what is correlated and wins; without it,
    // cases cut from one conversation are one cluster (src/compare/conversations.ts).
    const clusterBy = config.gate.cluster_by;
    facts = {
      clusters: clusterBy
        ? cases.map((c) => caseCluster(c, clusterBy))
        : conversationClusters(cases),
      metadataKeys: cases.some((c) => {
        const m = withoutConversationKey(c.metadata);
        return m !== undefined && Object.keys(m).length > 0;
      }),
    };
    factsOf.set(plan, facts);
  }
  return facts;
}

/**
 * Works out, while a run's calls are answered, what its report will need of the plan alone
 * (the cases' clusters, the golden set's digests), so that the time from the last answer to the
 * verdict is spent on the answers. A failure here is left for the report to meet, and say.
 */
export function prepareReport(plan: Plan): void {
  try {
    caseFacts(plan);
    planDatasetFingerprints(plan);
  } catch {}
}

const fingerprinted = new WeakMap<Plan, Record<string, string>>();

/**
 * Digests of the plan's dataset files, as a report's `meta.fingerprints.datasets` holds them.
 * Worked out once per plan: a run asks while its first calls are answered (engine.ts), so that a
 * large golden set is not read and hashed again between the last answer and the verdict.
 */
export function planDatasetFingerprints(plan: Plan): Record<string, string> {
  let digests = fingerprinted.get(plan);
  if (!digests) {
    const names = datasetNamesOf(plan);
    digests = datasetFingerprints(plan.datasetFiles.map((f, i) => ({ name: names[i]!, path: f })));
    fingerprinted.set(plan, digests);
  }
  return { ...digests };
}
