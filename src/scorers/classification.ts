import type { ClassificationMetrics, SideResult } from '../types.js';
import { foldCase } from './normalize.js';
import type { BoundScorer } from './scorer.js';

/** A prediction outside the configured `labels:`. */
export const OTHER_LABEL = '(other)';

const OPENING = new Set('"\'`*_“‘«');
const CLOSING = new Set('"\'`*_”’».!?:;,');

/**
 * A label as compared: trimmed, case-folded, inner whitespace collapsed, and stripped of the
 * quotes, Markdown emphasis and final punctuation models put around a one-word answer
 * ("**Positive**." is `positive`).
 */
export function normalizeLabel(text: string): string {
  const s = foldCase(text.trim()).replace(/\s+/g, ' ');
  // One pass from each end rather than `[.!?]+$`-style replaces in a loop: those rescan the text
  // from every position, so a hostile answer of 50 KB of dots took seconds.
  let start = 0;
  let end = s.length;
  while (start < end && (OPENING.has(s[start]!) || s[start] === ' ')) start++;
  while (end > start && (CLOSING.has(s[end - 1]!) || s[end - 1] === ' ')) end--;
  return s.slice(start, end);
}

function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** classification: 1 when the normalised output is the expected label. */
export function classificationScorer(labels: string[] | undefined): BoundScorer {
  const allowed = labels ? new Set(labels.map(normalizeLabel)) : undefined;
  return {
    check(value) {
      if (Array.isArray(value)) return 'the expected label must be one label, not a list';
      const want = normalizeLabel(asText(value));
      if (want === '') return 'the expected label is empty';
      if (allowed && !allowed.has(want)) {
        return `the expected label "${want}" is not one of labels: ${[...allowed].join(', ')}`;
      }
      return undefined;
    },
    score(output, value) {
      const expected = normalizeLabel(asText(value));
      let predicted = normalizeLabel(output);
      if (allowed && !allowed.has(predicted)) predicted = OTHER_LABEL;
      return { score: predicted === expected ? 1 : 0, label: { expected, predicted } };
    },
  };
}

// Beyond this many labels (free-text answers without `labels:`) the matrix would dwarf the
// report; accuracy and macro-F1 are still given.
const MAX_MATRIX_LABELS = 100;

/**
 * Accuracy, macro-F1 and the confusion matrix over the answers that carry a label, as
 * scikit-learn computes them: labels are the sorted union of expected and predicted labels;
 * macro-F1 is the unweighted mean over those labels of F1 = 2·TP / (2·TP + FP + FN).
 * Returns undefined when no answer was classified.
 */
export function classificationMetrics(
  rows: readonly (SideResult | undefined)[],
): ClassificationMetrics | undefined {
  const pairs: NonNullable<SideResult['label']>[] = [];
  for (const r of rows) if (r?.label) pairs.push(r.label);
  if (pairs.length === 0) return undefined;
  const labels = [...new Set(pairs.flatMap((p) => [p.expected, p.predicted]))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const tp = new Array<number>(labels.length).fill(0);
  const trueCount = new Array<number>(labels.length).fill(0);
  const predCount = new Array<number>(labels.length).fill(0);
  const matrix =
    labels.length <= MAX_MATRIX_LABELS
      ? labels.map(() => new Array<number>(labels.length).fill(0))
      : undefined;
  let correct = 0;
  for (const p of pairs) {
    const i = index.get(p.expected)!;
    const j = index.get(p.predicted)!;
    trueCount[i]!++;
    predCount[j]!++;
    if (i === j) {
      tp[i]!++;
      correct++;
    }
    if (matrix) matrix[i]![j]!++;
  }
  let f1Sum = 0;
  for (let k = 0; k < labels.length; k++) {
    const denominator = trueCount[k]! + predCount[k]!; // = 2·TP + FP + FN
    f1Sum += denominator > 0 ? (2 * tp[k]!) / denominator : 0;
  }
  return {
    cases: pairs.length,
    accuracy: correct / pairs.length,
    macro_f1: f1Sum / labels.length,
    labels,
    confusion: matrix ?? [],
  };
}
