import {
  bootstrapPValueBelow,
  lowerOrderBound,
  populationStabilityIndex,
  sortReplicates,
  upperOrderBound,
} from '../stats/index.js';
import { emptyComparison } from './comparison.js';
import type { Resampled } from './resampled.js';

/** Case scores are binned into tenths of 0..1 (fixed bins, so runs compare with each other). */
export const SCORE_BINS = 10;

/**
 * The drift between two paired histograms: the population stability index of the candidate's
 * bins against the baseline's, with bounds from the paired bootstrap. The plug-in index is biased
 * upward (sampling noise alone makes two histograms differ), so the bounds are the "basic"
 * bootstrap ones, 2·PSI − the replicate quantiles, which subtract that bias instead of adding it
 * again; the p-value for "PSI exceeds the budget" is read off the same replicates, so it agrees
 * with the bounds.
 *
 * `binsB[i]`/`binsC[i]` is pair i's bin on each side, in [0, k); the value k marks a pair that
 * does not count (no label, say).
 */
function histogramDrift(
  binsB: Uint32Array,
  binsC: Uint32Array,
  k: number,
  maxPsi: number,
  confidence: number,
  note: string,
): Resampled {
  const n = binsB.length;
  const histB = new Float64Array(k + 1);
  const histC = new Float64Array(k + 1);
  for (let i = 0; i < n; i++) {
    histB[binsB[i]!]!++;
    histC[binsC[i]!]!++;
  }
  const used = n - histB[k]!;
  if (used < 2) return { ready: { ...emptyComparison(used), method: 'PSI', note } };
  if (k < 2) {
    // One bin (every pair predicted the same label): the distributions cannot differ.
    const none: [number, number] = [0, 0];
    return {
      ready: {
        ...emptyComparison(used),
        delta: 0,
        ci: none,
        regression: none,
        p_value: 1,
        optimisticAt: () => 0,
        method: 'PSI',
        note,
      },
    };
  }
  const psi = populationStabilityIndex(histB.subarray(0, k), histC.subarray(0, k));
  // Resamples count weight per joint cell (baseline bin, candidate bin). The most populous cell
  // (both sides scored 1, typically) gets what is left of the total, so only the other pairs are
  // read: with yes/no scorers that skips most of them. The rest go to four interleaved copies so
  // consecutive pairs in one cell do not wait on each other's store.
  const side = k + 1;
  const cellCount = new Float64Array(side * side);
  for (let i = 0; i < n; i++) cellCount[binsB[i]! * side + binsC[i]!]!++;
  let top = 0;
  for (let cell = 1; cell < cellCount.length; cell++)
    if (cellCount[cell]! > cellCount[top]!) top = cell;
  const rest: number[] = [];
  for (let i = 0; i < n; i++) if (binsB[i]! * side + binsC[i]! !== top) rest.push(i);
  const restIdx = Uint32Array.from(rest);
  const restCell = Uint32Array.from(rest, (i, j) => (binsB[i]! * side + binsC[i]!) * 4 + (j & 3));
  const joint = new Int32Array(side * side * 4);
  const hb = new Float64Array(k);
  const hc = new Float64Array(k);
  return {
    statistic: (w, total) => {
      joint.fill(0);
      let others = 0;
      for (let j = 0; j < restIdx.length; j++) {
        const wi = w[restIdx[j]!]!;
        joint[restCell[j]!]! += wi;
        others += wi;
      }
      joint[top * 4] = total - others;
      hb.fill(0);
      hc.fill(0);
      for (let x = 0; x < side; x++) {
        for (let y = 0; y < side; y++) {
          if (x === k || y === k) continue; // pairs that do not count
          const at = (x * side + y) * 4;
          const m = joint[at]! + joint[at + 1]! + joint[at + 2]! + joint[at + 3]!;
          hb[x]! += m;
          hc[y]! += m;
        }
      }
      return populationStabilityIndex(hb, hc);
    },
    finish: (replicates) => {
      // The k-th largest replicate falls below 2·PSI − budget exactly when the p-value below is
      // at most 1 − level (k = ⌊(1 − level)(B + 1)⌋), so bound and p-value agree at any level.
      const sorted = sortReplicates(replicates);
      const lowerAt = (level: number) => Math.max(0, 2 * psi - upperOrderBound(sorted, level));
      const lower = lowerAt(confidence);
      const upper = Math.max(0, 2 * psi - lowerOrderBound(sorted, confidence));
      return {
        baseline: null,
        candidate: null,
        delta: psi,
        ci: [lower, upper],
        regression: [lower, upper],
        p_value: bootstrapPValueBelow(replicates, 2 * psi - maxPsi),
        optimisticAt: lowerAt,
        n: used,
        method: 'PSI, paired bootstrap',
        note,
      };
    },
  };
}

function scoreBin(score: number): number {
  if (!(score > 0)) return 0;
  return Math.min(SCORE_BINS - 1, Math.floor(score * SCORE_BINS));
}

/** Drift of the case-score distribution, in tenths of 0..1. */
export function scoreDrift(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  maxPsi: number,
  confidence: number,
): Resampled {
  const binsB = Uint32Array.from({ length: baseline.length }, (_, i) => scoreBin(baseline[i]!));
  const binsC = Uint32Array.from({ length: candidate.length }, (_, i) => scoreBin(candidate[i]!));
  return histogramDrift(binsB, binsC, SCORE_BINS, maxPsi, confidence, `${SCORE_BINS} score bins`);
}

/**
 * Drift of the predicted labels (classification): one bin per label either side predicted, over
 * the pairs where both sides have a label. A shift in what gets predicted is a failure even when
 * accuracy holds (one class swallowing another, say).
 */
export function labelDrift(
  baseline: readonly (string | undefined)[],
  candidate: readonly (string | undefined)[],
  maxPsi: number,
  confidence: number,
): Resampled {
  const labels = new Set<string>();
  for (let i = 0; i < baseline.length; i++) {
    const b = baseline[i];
    const c = candidate[i];
    if (b !== undefined && c !== undefined) {
      labels.add(b);
      labels.add(c);
    }
  }
  const sorted = [...labels].sort();
  const k = sorted.length;
  const index = new Map(sorted.map((l, i) => [l, i]));
  const binsB = new Uint32Array(baseline.length);
  const binsC = new Uint32Array(candidate.length);
  for (let i = 0; i < baseline.length; i++) {
    const b = baseline[i];
    const c = candidate[i];
    const both = b !== undefined && c !== undefined;
    binsB[i] = both ? index.get(b)! : k;
    binsC[i] = both ? index.get(c)! : k;
  }
  return histogramDrift(
    binsB,
    binsC,
    k,
    maxPsi,
    confidence,
    `${k} ${k === 1 ? 'label' : 'labels'}`,
  );
}
