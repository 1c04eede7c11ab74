import type { InputProblem } from '../errors.js';
import { formatConfidence, SEQUENTIAL_CI } from '../report/format.js';
import { nominalLevels } from '../stats/group-sequential.js';
import type { CaseReport, Check, SequentialLookRecord, SequentialMeta, Verdict } from '../types.js';
import { buildChecks, type CheckSettings } from './checks.js';

// `gate.sequential: true` — stop once every check is settled. A group-sequential design: the run
// looks at planned fractions of its cases (in the seeded shuffled order the runner already
// sends them in), and at each look every check is judged at that look's nominal levels, which
// Lan–DeMets O'Brien–Fleming-type spending sets so that, over all looks together, a check fails
// wrongly at most α of the time and passes wrongly at most α of the time — the fixed-size
// run's error rates — while the last look's levels stay close to the fixed-size ones.

/** The looks, as fractions of the golden set: few looks lose little power; each may stop. */
export const LOOK_FRACTIONS: readonly number[] = [0.25, 0.5, 0.75, 1];

export const SEQUENTIAL_METHOD =
  "group sequential, Lan–DeMets O'Brien–Fleming-type α spending on the fail and the pass side";

/**
 * The case counts to look at: the planned fractions of `total`, leaving out a look with fewer
 * than `minCases` cases (no check could be judged there); the last is always `total`.
 */
export function lookCounts(total: number, minCases: number): number[] {
  const out: number[] = [];
  for (const f of LOOK_FRACTIONS) {
    const n = f >= 1 ? total : Math.ceil(total * f);
    if (n < minCases && n < total) continue;
    if (n <= (out[out.length - 1] ?? 0)) continue;
    out.push(n);
  }
  return out;
}

/** `gate.sequential` with `--shard`: a shard sees part of the set, so it cannot stop the run. */
export function sequentialShardProblem(
  sequential: boolean,
  shard: string | undefined,
  file: string,
): InputProblem | undefined {
  if (!sequential || shard === undefined) return undefined;
  return {
    file,
    path: 'gate.sequential',
    message:
      'gate.sequential cannot be combined with --shard: each shard sees only part of the cases, ' +
      'so none can tell when every check is settled; run unsharded, or set gate.sequential: false',
  };
}

type Built = ReturnType<typeof buildChecks>;

/** Levels by looks and α: a run asks for a few, a simulation for the same ones thousands of times. */
const levelCache = new Map<string, number[]>();

function cachedLevels(fractions: readonly number[], alpha: number): number[] {
  const key = `${fractions.join(',')}|${alpha}`;
  let l = levelCache.get(key);
  if (!l) {
    if (levelCache.size >= 256) levelCache.clear();
    l = nominalLevels(fractions, alpha);
    levelCache.set(key, l);
  }
  return l;
}

const keyOf = (c: Pick<Check, 'metric' | 'slice'>) => `${c.metric}|${c.slice ?? ''}`;

/**
 * The state of one sequential run: which checks settled at which look. `judge` is the gate's
 * check builder at a look (it replaces buildChecks for the report), `settled` says whether the
 * run may stop there, `meta` is what the report says about it.
 */
export class SequentialGate {
  readonly looks: number[];
  private readonly fractions: number[];
  private readonly alpha: number;
  /** Nominal one-sided levels per look, by the share of α a check is tested at. */
  private readonly levels = new Map<number, number[]>();
  private readonly frozen = new Map<string, Check>();
  private readonly records: SequentialLookRecord[] = [];
  private last?: { cases: number; built: Built };
  private stoppedAt?: number;

  constructor(
    readonly total: number,
    minCases: number,
    confidence: number,
  ) {
    this.looks = lookCounts(total, minCases);
    this.fractions = this.looks.map((n) => n / total);
    this.alpha = 1 - confidence;
  }

  /** The one-sided tail of look `k` for a check holding `share` of α. */
  private tail(share: number, k: number): number {
    const a = this.alpha * Math.min(1, share);
    let l = this.levels.get(a);
    if (!l) {
      l = cachedLevels(this.fractions, a);
      this.levels.set(a, l);
    }
    return l[k]!;
  }

  /**
   * The checks at the look the answered cases in `reports` make (cases not yet answered are in
   * `reports` too, without answers, so slices are gated as the whole run plans). A check settled
   * at an earlier look keeps that verdict and interval.
   */
  readonly judge = (reports: CaseReport[], s: CheckSettings): Built => {
    const cases = reports.filter((r) => r.candidate).length;
    if (this.last?.cases === cases) return this.last.built;
    let k = this.looks.indexOf(cases);
    if (k < 0)
      k = Math.max(
        0,
        this.looks.findIndex((n) => n >= cases),
      );
    const passTail = this.tail(1, k);
    const built = buildChecks(reports, {
      ...s,
      confidence: 1 - passTail,
      look: {
        alpha: this.alpha,
        failLevel: (w) => 1 - this.tail(w, k),
        settled: (metric, slice) => this.frozen.get(keyOf({ metric, slice }))?.verdict,
      },
    });
    const look = {
      look: k + 1,
      looks: this.looks.length,
      cases,
      pass_level: 1 - passTail,
    };
    // The interval is the one the look decided on, its ends at the look's levels (stricter
    // than gate.confidence, early on near 100%): it is named for those bounds, not as a 95% CI.
    const shownLevel = `(${formatConfidence(1 - passTail)} CI `;
    const where = `look ${k + 1} of ${this.looks.length} (${cases} of ${this.total} cases)`;
    const checks = built.checks.map((c) => {
      const kept = this.frozen.get(keyOf(c));
      if (kept) return kept;
      const early = c.verdict !== 'inconclusive' && cases < this.total;
      const judged: Check = {
        ...c,
        reason:
          `${c.reason.replaceAll(shownLevel, `(${SEQUENTIAL_CI} `)} ` +
          `${early ? 'Settled' : 'Judged'} at ${where} on group-sequential bounds.`,
        look: { ...look, level: c.adjustment?.level ?? 1 - this.tail(1, k) },
      };
      if (c.verdict !== 'inconclusive') this.frozen.set(keyOf(c), judged);
      return judged;
    });
    const count = (v: Verdict) => checks.filter((c) => c.verdict === v).length;
    this.records.push({
      cases,
      fail_level: 1 - this.tail(1, k),
      pass_level: 1 - passTail,
      failed: count('fail'),
      passed: count('pass'),
      open: count('inconclusive'),
    });
    this.last = { cases, built: { ...built, checks } };
    return this.last.built;
  };

  /**
   * Whether the last look settled every check (and there is at least one: a run with no budget
   * has nothing to settle and uses every case). Remembers the stop.
   */
  settled(): boolean {
    const last = this.last;
    if (!last || last.cases >= this.total) return false;
    const done =
      last.built.checks.length > 0 && last.built.checks.every((c) => c.verdict !== 'inconclusive');
    if (done) this.stoppedAt = last.cases;
    return done;
  }

  meta(): SequentialMeta {
    const checks = this.last?.built.checks ?? [];
    const failed = checks.filter((c) => c.verdict === 'fail').length;
    const reason =
      this.stoppedAt === undefined
        ? 'all cases used'
        : failed === checks.length
          ? 'settled: every check failed'
          : failed === 0
            ? 'settled: every check passed'
            : 'settled: every check failed or passed';
    return {
      method: SEQUENTIAL_METHOD,
      planned_cases: this.total,
      planned_looks: this.looks,
      stopped_at_case: this.last?.cases ?? 0,
      reason,
      looks: this.records,
    };
  }
}

/** What the run says as it starts, e.g. `gate.sequential: looks at 500, 1000, 1500 and 2000 cases…`. */
export function sequentialPlanLine(looks: readonly number[]): string {
  const at =
    looks.length > 1 ? `${looks.slice(0, -1).join(', ')} and ${looks.at(-1)}` : `${looks[0]}`;
  return `gate.sequential: looks at ${at} cases; stops once every check has failed or passed`;
}

/** What the summary line adds when the run stopped early, e.g. `; stopped at 500 of 2000 cases…`. */
export function sequentialClause(meta: SequentialMeta): string {
  if (meta.stopped_at_case >= meta.planned_cases) return '';
  return `; stopped at ${meta.stopped_at_case} of ${meta.planned_cases} cases (gate.sequential: ${meta.reason.replace(/^settled: /, '')})`;
}
