// Shared shapes that travel through the pipeline: load → run → score → compare → decide → report.
// The report types mirror the public report format in CONTRACT.md field for field (snake_case).

export type Side = 'baseline' | 'candidate';
export const SIDES: readonly Side[] = ['baseline', 'candidate'] as const;

export interface ChatMessage {
  role: string;
  content: string;
}

/** Where a case came from, so errors and annotations can point at the file and line. */
export interface CaseSource {
  file: string;
  line: number;
}

/** A scorer as written in the config or in a case's `assert:` list (validated by the config schema). */
export interface ScorerSpec {
  type: string;
  name?: string;
  weight?: number;
  threshold?: number;
  value?: unknown;
  not?: boolean;
  [key: string]: unknown;
}

export interface GoldenCase {
  id: string;
  input: string | ChatMessage[];
  expected?: unknown;
  tags: string[];
  vars: Record<string, unknown>;
  metadata: Record<string, unknown>;
  assert: ScorerSpec[];
  source: CaseSource;
}

export type ErrorKind =
  | 'timeout'
  | 'rate_limit'
  | 'http_4xx'
  | 'http_5xx'
  | 'network'
  | 'bad_response'
  | 'stream_cut'
  | 'aborted'
  | 'scorer';

export interface CallError {
  kind: ErrorKind;
  message: string;
}

/** One call to a target, as measured by the runner (before scoring). */
export interface CallResult {
  output: string | null;
  latency_ms: number;
  ttft_ms?: number;
  tpot_ms?: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  error: CallError | null;
  attempts: number;
}

/** A side of a case in the report: the call plus its scores. */
export interface SideResult {
  output: string | null;
  score: number;
  pass: boolean;
  scores: Record<string, number>;
  latency_ms: number;
  ttft_ms?: number;
  tpot_ms?: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  error: CallError | null;
  /** With run.repeats > 1: every repeat's score in order; `score` is their mean. */
  repeat_scores?: number[];
}

export interface CaseReport {
  id: string;
  slices: string[];
  /** file:line in the golden set, for annotations and for finding a case by hand. */
  source?: string;
  /** Additive to the contract: what was asked and expected, so summaries can show the case. */
  input?: string | ChatMessage[];
  expected?: unknown;
  baseline?: SideResult;
  candidate?: SideResult;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface TargetMetrics {
  cases: number;
  quality: number;
  pass_rate: number;
  error_rate: number;
  latency_ms: Percentiles;
  ttft_ms?: { p50: number; p95: number };
  tpot_ms?: { p50: number; p95: number };
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export type MetricName = 'quality' | 'pass_rate' | 'latency_p95' | 'cost' | 'error_rate';
export type Verdict = 'pass' | 'fail' | 'inconclusive';
export type Decision = Verdict;

export interface Check {
  metric: MetricName;
  slice: string | null;
  baseline: number | null;
  candidate: number | null;
  /** candidate − baseline for absolute metrics; candidate / baseline − 1 for relative ones. */
  delta: number | null;
  /** [lower, upper]: each end is a one-sided bound at the gate's confidence. */
  ci: [number, number] | null;
  /** The budget as configured: an absolute amount or a relative fraction (0.2 = 20%). */
  budget: number;
  /** Evidence that the regression exceeds the budget (small = strong evidence). */
  p_value: number | null;
  n: number;
  verdict: Verdict;
  reason: string;
}

export interface Report {
  schema_version: 1;
  decision: Decision;
  summary: string;
  cases: CaseReport[];
  targets: Partial<Record<Side, TargetMetrics>>;
  checks: Check[];
  /** Everything below is additive to the contract. */
  meta: ReportMeta;
}

export interface ReportMeta {
  tool: 'evalgate';
  version: string;
  started_at: string;
  duration_ms: number;
  config: string;
  datasets: string[];
  confidence: number;
  seed: number;
  /** `candidate` when only one side was evaluated (`--only candidate`). */
  only?: Side;
  baseline_report?: string;
  models: Partial<Record<Side, string>>;
  warnings: string[];
}
