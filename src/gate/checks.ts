import { clusterIndex } from '../compare/clusters.js';
import type { Comparison } from '../compare/comparison.js';
import { labelDrift, scoreDrift } from '../compare/drift.js';
import { compareErrorCeiling } from '../compare/error-ceiling.js';
import { comparePairedMeans } from '../compare/paired-mean.js';
import { ratioResampling } from '../compare/ratio.js';
import { type Resampled, resampleTogether } from '../compare/resampled.js';
import type { Budgets } from '../config/schema.js';
import { isEndpointError } from '../metrics/target-metrics.js';
import { lacksTokenCounts } from '../metrics/token-counts.js';
import { createRng } from '../stats/rng.js';
import type {
  CaseReport,
  Check,
  MetricName,
  NoData,
  PowerEntry,
  PowerReport,
  Side,
  SideResult,
} from '../types.js';
import { clusterWarning, likelyClusterKey } from './cluster-hint.js';
import {
  answeredWithoutTokens,
  cachedPairs,
  cacheWarning,
  recordedWarning,
} from './figure-counts.js';
import { type FigureCounts, type Recorded, withFigureNote } from './figure-notes.js';
import { applyMultiplicity, initialShare, type Judged, type LookLevels } from './multiplicity.js';
import { noDataCheck, noDataReason } from './no-data.js';
import { decideClause, POWER, powerEntry, powerWarnings } from './power.js';
import { judge, type VerdictInput } from './verdict.js';

export interface CheckSettings {
  budgets: Budgets;
  slices?: { by: string[]; min_cases: number; budgets: Budgets };
  confidence: number;
  minCases: number;
  seed: number;
  resamples?: number;
  /**
   * Each case's metadata, given when `gate.cluster_by` is not set: a key whose groups of cases
   * have correlated outcomes then gets a warning (see cluster-hint.ts).
   */
  metadata?: (c: CaseReport) => Record<string, unknown> | undefined;
  /**
   * The one-sided level each check's fail side is tested at, for the cases-needed figures (the
   * multiplicity procedure's share for that check); default 1 − confidence.
   */
  failAlpha?: (slice: string | null) => number;
  /** Figures a side never measured (no token counts, no stream): their checks say so. */
  noData?: Partial<Record<Side, NoData>>;
  /** The baseline was read from a recording: its timings are from then (figure-notes.ts). */
  recorded?: Recorded;
  /**
   * One look of a sequential run (gate/sequential.ts): `confidence` is then the look's pass-side
   * level, and each check's fail side is tested at these levels.
   */
  look?: LookLevels;
}

/**
 * At a look, a bootstrap check whose level would need more resamples than this waits for a later
 * look (its bound at that level is infinite, so it neither fails nor passes early).
 */
const MAX_LOOK_RESAMPLES = 20_000;

type Pair = { b: SideResult; c: SideResult; cluster: string | undefined };

// Each slice draws from its own seeded stream (shared by that slice's resampled metrics, which
// never consume random numbers themselves), so adding a slice or a budget does not change the
// bootstrap of any other check: a given seed always gives the same decision.
function streamSeed(seed: number, key: string): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Every configured budget as [metric, budget], in the order checks are judged. */
export function budgetList(b: Budgets, hasLabels: boolean): [MetricName, number][] {
  const out: [MetricName, number][] = [];
  if (b.quality) out.push(['quality', b.quality.max_drop]);
  if (b.pass_rate) out.push(['pass_rate', b.pass_rate.max_drop]);
  if (b.latency_p95) out.push(['latency_p95', b.latency_p95.max_increase]);
  if (b.ttft_p95) out.push(['ttft_p95', b.ttft_p95.max_increase]);
  if (b.tpot_p95) out.push(['tpot_p95', b.tpot_p95.max_increase]);
  if (b.cost) out.push(['cost', b.cost.max_increase]);
  if (b.error_rate) out.push(['error_rate', b.error_rate.max]);
  if (b.drift) {
    out.push(['drift', b.drift.max_psi]);
    if (hasLabels) out.push(['label_drift', b.drift.max_psi]);
  }
  return out;
}

const answered = (p: Pair) =>
  !isEndpointError(p.b.error?.kind) && !isEndpointError(p.c.error?.kind);

type Timing = 'latency_ms' | 'ttft_ms' | 'tpot_ms';

/**
 * A timing metric over answered pairs where both sides measured it (TTFT only when streamed);
 * `counts` gets how many of them have a cached answer, and for TPOT how many were left out for
 * want of token counts.
 */
function timing(
  pairs: Pair[],
  field: Timing,
  budget: number,
  confidence: number,
  counts: FigureCounts,
): Resampled {
  const include = new Uint8Array(pairs.length);
  let untallied = 0;
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    if (!answered(p)) continue;
    if (p.b[field] !== undefined && p.c[field] !== undefined) include[i] = 1;
    else if (field === 'tpot_ms' && (lacksTokenCounts(p.b) || lacksTokenCounts(p.c))) untallied++;
  }
  const cached = cachedPairs(pairs, include);
  if (cached > 0) counts.cached_pairs = cached;
  if (untallied > 0) counts.pairs_without_tokens = untallied;
  return ratioResampling(
    'p95',
    column(pairs, (p) => p.b[field] ?? 0),
    column(pairs, (p) => p.c[field] ?? 0),
    include,
    budget,
    confidence,
  );
}

/**
 * One figure per pair. A loop, not `Float64Array.from(pairs, fn)`, which goes through the
 * iterator protocol and took several times as long over 100,000 pairs.
 */
function column(pairs: Pair[], value: (p: Pair) => number): Float64Array {
  const out = new Float64Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) out[i] = value(pairs[i]!);
  return out;
}

function repeatNote(pairs: Pair[]): string | undefined {
  let k = 0;
  for (const p of pairs)
    k = Math.max(k, p.b.repeat_scores?.length ?? 0, p.c.repeat_scores?.length ?? 0);
  // A case's score is the mean of its repeats, so the t interval on case means is the
  // cluster-robust interval with each case as its cluster (Miller 2024, §3).
  return k > 1 ? `case means of ${k} repeats` : undefined;
}

/**
 * Whether quality and pass rate measure the same thing on these pairs: every score 0 or 1 and a
 * pass exactly when the score is 1, so the two per-pair differences are identical.
 */
function binaryScores(pairs: Pair[]): boolean {
  const binary = (r: SideResult) => (r.score === 1 && r.pass) || (r.score === 0 && !r.pass);
  return pairs.every((p) => binary(p.b) && binary(p.c));
}

function comparisonsFor(
  cases: CaseReport[],
  slice: string | null,
  metrics: [MetricName, number][],
  s: CheckSettings,
): { comparisons: Comparison[]; binary: boolean; counts: Map<MetricName, FigureCounts> } {
  const pairs: Pair[] = [];
  const candidates: SideResult[] = [];
  for (const c of cases) {
    if (c.candidate) candidates.push(c.candidate);
    if (c.baseline && c.candidate)
      pairs.push({ b: c.baseline, c: c.candidate, cluster: c.cluster });
  }
  // A case whose baseline call failed has nothing to compare the candidate's answer with:
  // counting it as 0 against the candidate's score would credit or blame the candidate for the
  // baseline's outage (and two failed calls would look like agreement). A candidate that failed
  // against an answered baseline stays in, scored 0: that is a regression the user would see.
  // Likewise a baseline answer no scorer could score (a scorer that timed out or threw, a judge
  // that was down) measured nothing: both sides stuck at 0 would read as "no change".
  const scored = pairs.filter((p) => !p.b.error);
  const clusters = clusterIndex(scored.map((p) => p.cluster));
  const resamples = s.resamples ?? 2000;
  const key = slice ?? '';
  const unit = repeatNote(pairs);
  // On 0/1 scores pass rate draws from quality's stream: the same data and budget then give the
  // very same comparison (one test, see checksFor), whichever of the two budgets is configured.
  const binary = binaryScores(scored);

  const out = new Map<MetricName, Comparison>();
  const resampled: [MetricName, Resampled][] = [];
  const counts = new Map<MetricName, FigureCounts>();
  const countsOf = (metric: MetricName) => {
    const c: FigureCounts = {};
    counts.set(metric, c);
    return c;
  };
  for (const [metric, budget] of metrics) {
    switch (metric) {
      case 'quality':
      case 'pass_rate': {
        const value =
          metric === 'quality' ? (r: SideResult) => r.score : (r: SideResult) => Number(r.pass);
        out.set(
          metric,
          comparePairedMeans(
            scored.map((p) => value(p.b)),
            scored.map((p) => value(p.c)),
            budget,
            s.confidence,
            {
              ...(clusters ? { clusters: clusters.groups } : {}),
              rng: createRng(streamSeed(s.seed, `${binary ? 'quality' : metric}|${key}`)),
              resamples,
              ...(unit ? { unit } : {}),
            },
          ),
        );
        break;
      }
      case 'latency_p95':
        resampled.push([
          metric,
          timing(pairs, 'latency_ms', budget, s.confidence, countsOf(metric)),
        ]);
        break;
      case 'ttft_p95':
        resampled.push([metric, timing(pairs, 'ttft_ms', budget, s.confidence, countsOf(metric))]);
        break;
      case 'tpot_p95':
        resampled.push([metric, timing(pairs, 'tpot_ms', budget, s.confidence, countsOf(metric))]);
        break;
      case 'cost': {
        // A reply without token counts reads as $0, and so does a call that failed: its pair is
        // left out on both sides, so the totals compare the same cases, each as it was billed
        // (a candidate failing a fifth of its calls read a fifth cheaper; the error rate is
        // its own check). A side with no counts at all is the no-data check's to say.
        let include: Uint8Array | null = null;
        let untallied = 0;
        const unknown = s.noData !== undefined && noDataReason('cost', s.noData) !== undefined;
        const untold = (r: SideResult) =>
          answeredWithoutTokens(r) || isEndpointError(r.error?.kind);
        for (let i = 0; i < pairs.length && !unknown; i++) {
          const p = pairs[i]!;
          if (!untold(p.b) && !untold(p.c)) continue;
          include ??= new Uint8Array(pairs.length).fill(1);
          include[i] = 0;
          untallied++;
        }
        if (untallied > 0) countsOf(metric).pairs_without_tokens = untallied;
        resampled.push([
          metric,
          ratioResampling(
            'sum',
            column(pairs, (p) => p.b.cost_usd),
            column(pairs, (p) => p.c.cost_usd),
            include,
            budget,
            s.confidence,
          ),
        ]);
        break;
      }
      case 'drift':
        resampled.push([
          metric,
          scoreDrift(
            scored.map((p) => p.b.score),
            scored.map((p) => p.c.score),
            budget,
            s.confidence,
          ),
        ]);
        break;
      case 'label_drift':
        resampled.push([
          metric,
          labelDrift(
            scored.map((p) => p.b.label?.predicted),
            scored.map((p) => p.c.label?.predicted),
            budget,
            s.confidence,
          ),
        ]);
        break;
      case 'error_rate': {
        let baseErrors = 0;
        let newErrors = 0;
        let fixedErrors = 0;
        for (const p of pairs) {
          const be = isEndpointError(p.b.error?.kind);
          const ce = isEndpointError(p.c.error?.kind);
          if (be) baseErrors++;
          if (ce && !be) newErrors++;
          if (be && !ce) fixedErrors++;
        }
        const errors = candidates.filter((r) => isEndpointError(r.error?.kind)).length;
        out.set(
          metric,
          compareErrorCeiling(
            baseErrors,
            pairs.length,
            errors,
            candidates.length,
            budget,
            s.confidence,
            {
              newErrors,
              fixedErrors,
            },
          ),
        );
        break;
      }
    }
  }
  // Every live (resampling) item has at least two pairs; with none, nothing is drawn.
  const done = resampleTogether(
    resampled.map(([, r]) => r),
    clusters ? clusters.count : pairs.length,
    {
      rng: createRng(streamSeed(s.seed, `resample|${key}`)),
      resamples,
      ...(clusters ? { groups: clusters.groups } : {}),
    },
  );
  resampled.forEach(([metric], i) => {
    const c = done[i]!;
    out.set(
      metric,
      clusters && c.ci
        ? {
            ...c,
            method: (c.method ?? '').replace('paired bootstrap', 'cluster bootstrap'),
            note: `${clusters.count} clusters`,
            clusters: clusters.count,
          }
        : c,
    );
  });
  return { comparisons: metrics.map(([metric]) => out.get(metric)!), binary, counts };
}

interface Gated {
  judged: Judged[];
  power: PowerEntry[];
}

function checksFor(
  cases: CaseReport[],
  slice: string | null,
  budgets: Budgets,
  minCases: number,
  s: CheckSettings,
): Gated {
  const hasLabels = cases.some((c) => c.baseline?.label && c.candidate?.label);
  const metrics = budgetList(budgets, hasLabels);
  const { comparisons, binary, counts } = comparisonsFor(cases, slice, metrics, s);
  // With 0/1 scores and equal budgets the two checks are one test: one place in the family.
  const same =
    binary &&
    budgets.quality !== undefined &&
    budgets.quality.max_drop === budgets.pass_rate?.max_drop;
  const judged: Judged[] = [];
  const power: PowerEntry[] = [];
  metrics.forEach(([metric, budget], i) => {
    const twin = same && (metric === 'quality' || metric === 'pass_rate');
    const comparison = twin
      ? sameTest(comparisons[i]!, metric === 'quality' ? 'pass rate' : 'quality')
      : comparisons[i]!;
    const input: VerdictInput = {
      metric,
      slice,
      budget,
      confidence: s.confidence,
      minCases,
      comparison,
    };
    let check = judge(input);
    // Below min_cases no interval decided the verdict: carry none, so no surface shows one.
    if (comparison.n < minCases) check = { ...check, ci: null };
    const noData = s.noData ? noDataCheck(check, s.noData) : check;
    const entry =
      noData === check
        ? powerEntry(metric, slice, comparison, budget, s.confidence, {
            minCases,
            ...(s.failAlpha ? { failAlpha: s.failAlpha(slice) } : {}),
          })
        : undefined;
    // A check with no data on a side compares nothing: nothing to say of its pairs.
    if (noData === check) check = { ...check, ...counts.get(metric) };
    else check = noData;
    if (entry) {
      power.push(entry);
      if (entry.mde !== undefined && comparison.n >= minCases) check = { ...check, mde: entry.mde };
    }
    judged.push({ input, check, ...(twin ? { test: `quality=pass_rate|${slice ?? ''}` } : {}) });
  });
  return { judged, power };
}

/**
 * The comparison, saying after its method (in the check's reason) that the other of quality and
 * pass rate is this test; `method` itself stays the interval's name, for tools that read it.
 */
function sameTest(c: Comparison, other: string): Comparison {
  return { ...c, note: `${c.note ? `${c.note}, ` : ''}the same test as ${other}` };
}

/**
 * Every budget becomes a check on the whole set, and each slice's budgets a check per slice;
 * then the multiplicity procedure across all of them decides which failures stand (and at what
 * level each interval is shown), and the power entries (cases needed per check, see power.ts)
 * say what the run could have decided.
 */
export function buildChecks(
  cases: CaseReport[],
  s: CheckSettings,
): { checks: Check[]; warnings: string[]; power: PowerReport } {
  const bySlice = new Map<string, CaseReport[]>();
  if (s.slices) {
    for (const c of cases) {
      for (const label of c.slices) {
        const members = bySlice.get(label);
        if (members) members.push(c);
        else bySlice.set(label, [c]);
      }
    }
  }
  // The family is known before anything is compared: each check's least share of α sets the
  // level its cases-needed figures plan for, and the resamples a bootstrap needs to reach it.
  const alpha = 1 - s.confidence;
  const hasLabels = cases.some((c) => c.baseline?.label && c.candidate?.label);
  const wholeTests = budgetList(s.budgets, hasLabels).length;
  const gatedSlices = s.slices
    ? [...bySlice.values()].filter((m) => m.length >= s.slices!.min_cases).length
    : 0;
  const sliceTests = s.slices ? gatedSlices * budgetList(s.slices.budgets, hasLabels).length : 0;
  const share = (whole: boolean) => initialShare(whole, wholeTests, sliceTests);
  // At least two replicates beyond the bound at a check's least share, or a bootstrap check
  // could never fail; whole-set and slice checks draw their own resamples.
  const resamplesFor = (whole: boolean) =>
    Math.max(
      s.resamples ?? 2000,
      s.look
        ? Math.min(MAX_LOOK_RESAMPLES, Math.ceil(2 / (1 - s.look.failLevel(share(whole)))))
        : Math.ceil(2 / (share(whole) * alpha)),
    );
  const planned: CheckSettings = {
    ...s,
    failAlpha: s.failAlpha ?? ((slice) => alpha * share(slice === null)),
  };
  const wholeSettings = { ...planned, resamples: resamplesFor(true) };
  const sliceSettings = { ...planned, resamples: resamplesFor(false) };
  const whole = checksFor(cases, null, s.budgets, s.minCases, wholeSettings);
  const judged = [...whole.judged];
  const entries = [...whole.power];
  const warnings: string[] = [];
  const baselineFailed = cases.filter(
    (c) => c.baseline && c.candidate && isEndpointError(c.baseline.error?.kind),
  ).length;
  if (baselineFailed > 0) {
    warnings.push(
      `${baselineFailed} case(s) where the baseline call failed were left out of the quality and pass-rate comparisons`,
    );
  }
  const baselineUnscored = cases.filter(
    (c) => c.baseline?.error && c.candidate && !isEndpointError(c.baseline.error.kind),
  ).length;
  if (baselineUnscored > 0) {
    warnings.push(
      `${baselineUnscored} case(s) whose baseline answer could not be scored (scorer or judge failed) were left out of the quality and pass-rate comparisons`,
    );
  }
  if (s.metadata) {
    // The same pairs quality and pass rate compare, on the whole set only: slices are subsets of
    // it, and one warning names the key for every interval.
    const scored = cases.filter((c) => c.baseline && c.candidate && !c.baseline.error);
    const hint = likelyClusterKey(
      scored.map(s.metadata),
      scored.map((c) => c.candidate!.score - c.baseline!.score),
      streamSeed(s.seed, 'clusters'),
    );
    if (hint) warnings.push(clusterWarning(hint));
  }
  if (s.slices) {
    const small: string[] = [];
    for (const [label, members] of [...bySlice].sort(([a], [b]) => a.localeCompare(b))) {
      if (members.length < s.slices.min_cases) {
        small.push(`${label} (${members.length})`);
        continue;
      }
      const gated = checksFor(members, label, s.slices.budgets, s.slices.min_cases, sliceSettings);
      judged.push(...gated.judged);
      entries.push(...gated.power);
    }
    if (small.length) {
      warnings.push(
        `${small.length} slice(s) have fewer than slices.min_cases = ${s.slices.min_cases} cases and were not gated: ${small.join(', ')}`,
      );
    }
  }
  const byKey = new Map(entries.map((e) => [`${e.metric}|${e.slice}`, e]));
  // After the procedure, which writes each check's final reason: an inconclusive one then says
  // how many cases would decide it.
  const checks = applyMultiplicity(judged, s.confidence, s.look).map((c) => {
    const entry = byKey.get(`${c.metric}|${c.slice}`);
    const clause = c.verdict === 'inconclusive' && entry ? decideClause(entry) : undefined;
    const decided = clause
      ? { ...c, reason: c.reason.replace(/(; more cases would)?\.?$/, `; ${clause}.`) }
      : c;
    return withFigureNote(decided, s.recorded);
  });
  warnings.push(...cacheWarning(cases, checks), ...recordedWarning(checks, s.recorded));
  const power: PowerReport = { power: POWER, confidence: s.confidence, checks: entries };
  // A check that already failed detected its regression; its paired differences include that
  // regression, so a "too few cases" estimate from them would only confuse.
  const failed = new Set(
    checks.filter((c) => c.verdict === 'fail').map((c) => `${c.metric}|${c.slice}`),
  );
  warnings.push(
    ...powerWarnings({
      ...power,
      checks: entries.filter((e) => !failed.has(`${e.metric}|${e.slice}`)),
    }),
  );
  return { checks, warnings, power };
}
