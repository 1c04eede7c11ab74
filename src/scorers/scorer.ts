import type { CallResult, GoldenCase, ScoringUsage } from '../types.js';

export interface ScoreResult {
  /** 0..1 */
  score: number;
  reason?: string;
  /** A scorer with its own verdict (the judge's `pass`) can veto: false fails it at any score. */
  pass?: boolean;
  /** What a judge call cost, to be reported apart from the target's cost. */
  usage?: ScoringUsage;
  /** classification: the normalised labels, for the per-target confusion matrix. */
  label?: { expected: string; predicted: string };
}

/**
 * What a scorer may read of an answer besides its text: the tool calls it made (every step's, in
 * order), an agent loop's steps, and the passages and source ids a RAG target returned. Text
 * scorers ignore it; it is optional so a caller with only text can still score.
 */
export type AnswerParts = Pick<CallResult, 'tool_calls' | 'steps' | 'context' | 'sources'>;

/** A scorer bound to its config: `(output, case) => score`, sync for the deterministic family. */
export interface Scorer {
  name: string;
  type: string;
  weight: number;
  threshold: number;
  /** Checks, before anything is sent, that this scorer can score the case (e.g. has a value). */
  check(c: GoldenCase): string | undefined;
  score(output: string, c: GoldenCase, answer?: AnswerParts): ScoreResult | Promise<ScoreResult>;
}

/** What a scorer family provides once bound to one config entry (see build.ts). */
export interface BoundScorer {
  /** Scores the normalised output against the normalised value (`value`, else `expected`). */
  score(
    output: string,
    value: unknown,
    c: GoldenCase,
    answer: AnswerParts,
  ): number | ScoreResult | Promise<ScoreResult>;
  /** A further pre-send check of one case (a value's shape, a rubric's placeholders). */
  check?(value: unknown, c: GoldenCase): string | undefined;
}

/**
 * A scorer could not score an answer. `judge` means a scoring endpoint failed (judge or
 * embeddings: not the target's fault, so not in its error rate); `scorer` means the scorer itself
 * did (a custom module threw, exited or returned nonsense); `scorer_timeout` that it ran past
 * run.scorer_timeout_ms and was stopped.
 */
export class ScorerError extends Error {
  constructor(
    readonly kind: 'judge' | 'scorer' | 'scorer_timeout',
    message: string,
    readonly usage?: ScoringUsage,
  ) {
    super(message);
    this.name = 'ScorerError';
  }
}

/**
 * The run was cancelled while an answer was being scored: the answer is dropped from the
 * (partial) report rather than reported as a scorer failure that never happened.
 */
export class ScoringCancelledError extends Error {
  constructor() {
    super('scoring was cancelled');
    this.name = 'ScoringCancelledError';
  }
}

/** A scorer config that cannot work (bad schema, missing module): bad input at `path`. */
export class ScorerSetupError extends Error {
  constructor(
    /** Field path inside the scorer, e.g. `schema` or `module`; '' for the scorer itself. */
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'ScorerSetupError';
  }
}

/** Default thresholds: yes/no scorers must be met fully, graded ones at least halfway. */
export const BINARY_THRESHOLD = 1;
export const GRADED_THRESHOLD = 0.5;
