import { createRng, incompleteBeta, type Rng, randomInt } from '../stats/index.js';

/** A metadata key whose groups of cases have correlated outcomes. */
export interface ClusterHint {
  key: string;
  /** ANOVA estimate of the intraclass correlation, ICC(1). */
  icc: number;
  /** Values shared by two or more cases: the groups behind the estimate. */
  groups: number;
  /** p-value for ICC = 0: the F-test's, confirmed by permutation when outcomes are sparse. */
  p: number;
}

// A key needs this many shared values for an ICC to mean anything: with two or three groups the
// between-group mean square has one or two degrees of freedom and the estimate is noise.
export const MIN_GROUPS = 5;
// ...and its shared values must hold at least this share of the cases, else clustering them would
// barely move the interval.
export const MIN_COVERAGE = 0.25;
// The test's level, split across the keys tried (Bonferroni): a false warning costs the user a
// wider interval, so it must be rare — at most 0.4% of runs on independent cases, 0/1 or not, in
// test/simulation/cluster-hint.test.ts — while a clear cluster on 1,000 cases is named every time.
export const ALPHA = 0.005;
// ...and a correlation worth acting on: with groups of m cases the variance of a mean grows by the
// design effect 1 + (m − 1)·ICC, so below 0.05 it stays small for conversation-sized groups.
export const MIN_ICC = 0.05;

const KEY = /^[A-Za-z0-9_.-]+$/;

function groupValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : `s${v}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v}${String(v)}`;
  return undefined;
}

/** The cases in shared groups: their group (0..G−1), their outcome, and each group's size. */
export interface Grouped {
  group: Int32Array;
  values: Float64Array;
  counts: number[];
}

/** Σ_g S_g² / n_g, the part of the between-group sum of squares that a permutation can change. */
function between(g: Grouped, values: ArrayLike<number>): number {
  const sums = new Float64Array(g.counts.length);
  for (let i = 0; i < values.length; i++) sums[g.group[i]!]! += values[i]!;
  let t = 0;
  g.counts.forEach((n, k) => {
    t += (sums[k]! * sums[k]!) / n;
  });
  return t;
}

/**
 * One-way ANOVA: ICC(1) = (MSB − MSW) / (MSB + (n₀ − 1)·MSW), n₀ the size-weighted mean group
 * size (Shrout & Fleiss 1979; Donner 1986 for unequal sizes), and the F-test of ICC = 0. ICC(1)
 * because the groups are a sample of conversations or templates with one outcome per case: the
 * one-way random-effects model, whose design effect 1 + (n₀ − 1)·ICC is exactly what the
 * cluster-robust interval corrects for.
 */
export function oneWay(g: Grouped): { icc: number; f: number; p: number } | undefined {
  const { values, counts } = g;
  const N = values.length;
  const G = counts.length;
  let grand = 0;
  for (const v of values) grand += v;
  grand /= N;
  let total = 0;
  for (const v of values) total += (v - grand) * (v - grand);
  const ssb = between(g, values) - N * grand * grand;
  const ssw = Math.max(0, total - ssb);
  const df1 = G - 1;
  const df2 = N - G;
  // Outcomes that never differ (or by rounding only) carry no information either way.
  if (total <= 1e-12 * N) return undefined;
  const msb = ssb / df1;
  const msw = ssw / df2;
  if (msw <= 1e-12 * msb) return { icc: 1, f: Infinity, p: 0 };
  let squares = 0;
  for (const n of counts) squares += n * n;
  const n0 = (N - squares / N) / df1;
  const f = msb / msw;
  // P(F(df1, df2) > f) = I_{df2 / (df2 + df1·f)}(df2/2, df1/2).
  const x = df2 / (df2 + df1 * f);
  const p = incompleteBeta(x, df2 / 2, df1 / 2, (df1 * f) / (df2 + df1 * f));
  return { icc: (msb - msw) / (msb + (n0 - 1) * msw), f, p };
}

// Up to this many outcomes off the most common value, the F-test is confirmed by permutation
// (cost: about 2/alpha permutations of that many outcomes, only when the F-test fires). Past it,
// the F-test with MIN_ICC held on its own: no false warning in 300 simulated runs of 20,000 and
// 60 of 100,000 0/1 cases where 1 pair in 40 disagrees.
export const SPARSE = 2000;

/** The most common outcome and how many cases have it. */
function modeOf(values: Float64Array): { value: number; count: number } {
  const tally = new Map<number, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  let value = 0;
  let count = 0;
  for (const [v, k] of tally) {
    if (k > count) [value, count] = [v, k];
  }
  return { value, count };
}

/**
 * The permutation p-value of the between-group statistic: exact for independent, identically
 * distributed cases whatever their distribution. The F-test assumes normal outcomes, and on
 * 0/1 scores where only a handful of pairs disagree two disagreements landing in one group look
 * like strong clustering to it (1.5% false warnings at level 0.001 on 100 cases in groups of 4). Only the
 * outcomes off the most common value move the statistic, so a permutation costs O(those), and
 * counting stops as soon as the p-value can no longer fall below `alpha`.
 */
function permutationP(g: Grouped, alpha: number, rng: Rng): number {
  const { values, group, counts } = g;
  const N = values.length;
  const mode = modeOf(values).value;
  // Shifting every outcome by the mode changes Σ S_g²/n_g by the same amount in every
  // permutation, and leaves only the outcomes off the mode to place.
  const off: number[] = [];
  for (const v of values) if (v !== mode) off.push(v - mode);
  const observed = between(
    g,
    values.map((v) => v - mode),
  );
  const positions = Int32Array.from({ length: N }, (_, i) => i);
  const sums = new Float64Array(counts.length);
  const seen = new Uint8Array(counts.length);
  const touched: number[] = [];
  // Enough permutations for p = 1 / (B + 1) to reach half of alpha, no more.
  const permutations = Math.ceil(2 / alpha) - 1;
  const limit = alpha * (permutations + 1) - 1;
  let above = 0;
  for (let b = 0; b < permutations; b++) {
    // A partial Fisher–Yates shuffle: the first off.length positions are a uniform random draw.
    for (let j = 0; j < off.length; j++) {
      const r = j + randomInt(rng, N - j);
      const pos = positions[r]!;
      positions[r] = positions[j]!;
      positions[j] = pos;
      const k = group[pos]!;
      if (!seen[k]) {
        seen[k] = 1;
        touched.push(k);
      }
      sums[k]! += off[j]!;
    }
    let t = 0;
    for (const k of touched) {
      t += (sums[k]! * sums[k]!) / counts[k]!;
      sums[k] = 0;
      seen[k] = 0;
    }
    touched.length = 0;
    if (t >= observed * (1 - 1e-12) && ++above > limit) break;
  }
  return (above + 1) / (permutations + 1);
}

/**
 * The metadata key that most looks like an unstated cluster: values shared by groups of cases
 * (at least MIN_GROUPS groups of two or more, covering MIN_COVERAGE of the cases; a unique id per
 * case or one value for all never qualifies) whose outcomes — the paired differences the gate
 * compares — are correlated within the groups. Undefined when no key qualifies. Differences, not
 * scores: conversations that are hard for both sides correlate the scores but not the changes,
 * and only correlated changes make the paired interval too narrow.
 *
 * @param metadata each case's metadata, in the order of `values`.
 * @param values each case's outcome (candidate − baseline score).
 * @param seed for the permutation test, so a run's warnings are reproducible.
 */
export function likelyClusterKey(
  metadata: readonly (Record<string, unknown> | undefined)[],
  values: readonly number[],
  seed = 1,
): ClusterHint | undefined {
  const N = values.length;
  // Per key: each case's value id (−1 without the key) and how many cases share each value.
  const byKey = new Map<string, { ids: Map<string, number>; of: Int32Array; sizes: number[] }>();
  metadata.forEach((m, i) => {
    if (!m) return;
    for (const [key, raw] of Object.entries(m)) {
      const v = groupValue(raw);
      if (v === undefined || !KEY.test(key)) continue;
      let k = byKey.get(key);
      if (!k) {
        k = { ids: new Map(), of: new Int32Array(N).fill(-1), sizes: [] };
        byKey.set(key, k);
      }
      let id = k.ids.get(v);
      if (id === undefined) {
        id = k.sizes.length;
        k.ids.set(v, id);
        k.sizes.push(0);
      }
      k.of[i] = id;
      k.sizes[id]!++;
    }
  });
  const eligible: Grouped[] = [];
  const keys: string[] = [];
  for (const [key, { of, sizes }] of byKey) {
    // Shared values only, renumbered 0..G−1: a value held by one case says nothing of clustering.
    const dense = new Int32Array(sizes.length).fill(-1);
    const counts: number[] = [];
    let covered = 0;
    sizes.forEach((n, id) => {
      if (n < 2) return;
      dense[id] = counts.length;
      counts.push(n);
      covered += n;
    });
    if (counts.length < MIN_GROUPS || covered < MIN_COVERAGE * N) continue;
    const group = new Int32Array(covered);
    const members = new Float64Array(covered);
    let j = 0;
    of.forEach((id, i) => {
      if (id < 0 || dense[id]! < 0) return;
      group[j] = dense[id]!;
      members[j++] = values[i]!;
    });
    keys.push(key);
    eligible.push({ group, values: members, counts });
  }
  const alpha = ALPHA / eligible.length;
  let best: ClusterHint | undefined;
  eligible.forEach((g, i) => {
    const r = oneWay(g);
    if (!r || r.icc < MIN_ICC || r.p >= alpha || (best && r.icc <= best.icc)) return;
    const sparse = g.values.length - modeOf(g.values).count < SPARSE;
    const p = sparse ? permutationP(g, alpha, createRng(seed)) : r.p;
    if (p < alpha) best = { key: keys[i]!, icc: r.icc, groups: g.counts.length, p };
  });
  return best;
}

export function clusterWarning(h: ClusterHint): string {
  return (
    `cases sharing metadata.${h.key} have correlated outcomes (ICC ${h.icc.toFixed(2)} over ` +
    `${h.groups} groups); set gate.cluster_by: metadata.${h.key} so the intervals account for it`
  );
}
