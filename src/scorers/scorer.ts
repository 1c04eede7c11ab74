import type { GoldenCase } from '../types.js';

export interface ScoreResult {
  /** 0..1 */
  score: number;
  reason?: string;
}

/** A scorer bound to its config: `(output, case) => score`, sync for the deterministic family. */
export interface Scorer {
  name: string;
  type: string;
  weight: number;
  threshold: number;
  /** Checks, before anything is sent, that this scorer can score the case (e.g. has a value). */
  check(c: GoldenCase): string | undefined;
  score(output: string, c: GoldenCase): ScoreResult | Promise<ScoreResult>;
}

/** Default thresholds: yes/no scorers must be met fully, graded ones at least halfway. */
export const BINARY_THRESHOLD = 1;
export const GRADED_THRESHOLD = 0.5;
