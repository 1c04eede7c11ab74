// Shared shapes that travel through the pipeline: load → run → score → compare → decide → report.
// The report types mirror the public report format in CONTRACT.md field for field (snake_case).

export type Side = 'baseline' | 'candidate';
export const SIDES: readonly Side[] = ['baseline', 'candidate'] as const;

/** The sides a run calls: the one `--only` names, the candidate against a recording, else both. */
export function calledSides(only: Side | undefined, recorded: boolean): Side[] {
  return only ? [only] : recorded ? ['candidate'] : [...SIDES];
}

export interface ChatMessage {
  role: string;
  content: string;
}

/**
 * A tool (function) call as evalgate records it, whatever the dialect: OpenAI `tool_calls`,
 * Anthropic `tool_use` blocks, or an http app's output path.
 */
export interface ToolCall {
  name: string;
  /** The parsed arguments (an object for a well-formed call); null when they were not valid JSON. */
  arguments: unknown;
  /** The provider's call id, when it sent one (an agent loop answers each call by it). */
  id?: string;
  /** Set only when the arguments were not valid JSON: the raw text as sent (masked, bounded). */
  invalid_arguments?: string;
}

/** One part of a message's content in the OpenAI chat shape (`{type: 'text', text}` and others). */
export interface ContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

/**
 * One turn of a conversation in the OpenAI chat shape: system, user, assistant (optionally with
 * tool_calls) and tool turns (answering a call by `tool_call_id`).
 */
export interface ConversationTurn {
  role: 'system' | 'user' | 'assistant' | 'tool' | 'developer';
  content: string | ContentPart[] | null;
  /** Assistant turns: the calls the model made (arguments parsed; the wire form is a JSON string). */
  tool_calls?: ToolCall[];
  /** Tool turns: the id of the call this answers. */
  tool_call_id?: string;
  /** Tool turns (optional): the tool's name. */
  name?: string;
}

/** A canned tool result an agent loop feeds back, matched by name and (when given) arguments. */
export interface ToolResult {
  name: string;
  /** Matched as a subset of the call's arguments; absent matches any call of this name. */
  arguments?: Record<string, unknown>;
  /** What the tool returns: a string is sent as is, anything else as JSON. */
  result: unknown;
}

/** One model call of an agent loop (target `max_steps` above 1 with the case's `tool_results`). */
export interface AgentStep {
  /** The step's text answer (null when the step only called tools or failed). */
  output: string | null;
  tool_calls: ToolCall[];
  latency_ms: number;
  ttft_ms?: number;
  input_tokens: number;
  output_tokens: number;
  /** Why the loop stopped after this step, on the last step only. */
  stop?: AgentStop;
}

/**
 * Why an agent loop ended: the model answered without calling a tool (`answered`), it called a
 * tool the case has no canned result for (`no_result`), it reached the target's `max_steps`
 * (`max_steps`), or a call failed (`error`).
 */
export type AgentStop = 'answered' | 'no_result' | 'max_steps' | 'error';

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
  /**
   * The conversation so far (OpenAI chat shape, tool turns included): sent as the history
   * instead of a rendered prompt. With `input` as well, `input` is a last user turn after it;
   * a case with messages alone has `input: ''`.
   */
  messages?: ConversationTurn[];
  /** The tool calls a right answer makes (the default for `tool_call`, `tool_call_f1`, `trajectory`). */
  expected_tool_calls?: ToolCall[];
  /** Canned results for an agent loop. */
  tool_results?: ToolResult[];
  /** RAG: the retrieved passages the answer should rest on (a string becomes one passage). */
  context?: string[];
  /** RAG: ids of the sources a good retrieval finds (`context_recall`). */
  expected_sources?: string[];
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
  | 'scorer'
  /** The reply was larger than run.max_response_bytes: not retried, the next try would be too. */
  | 'too_large'
  /** A scorer ran past run.scorer_timeout_ms and was stopped. */
  | 'scorer_timeout'
  /** A scoring endpoint (the judge or the embeddings model) failed: not the target's fault. */
  | 'judge';

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
  /** Every tool call the answer made, in order (across all steps of an agent loop; per step in `steps`). */
  tool_calls?: ToolCall[];
  /** Agent loops: each model call in order (latency, tokens and cost above are their sums). */
  steps?: AgentStep[];
  /** RAG: passages the target returned (an http app's `context` output path). */
  context?: string[];
  /** RAG: ids of the sources the target returned with its passages, when it names them. */
  sources?: string[];
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
  /** With run.repeats > 1: whether each repeat passed; `pass` needs a strict majority. */
  repeat_pass?: boolean[];
  /** With run.repeats > 1: each answered call's latency (`latency_ms` is their mean). */
  repeat_latency_ms?: number[];
  /** With run.repeats > 1: how many different answers came back (after trimming). */
  distinct_outputs?: number;
  /** Answered from the response cache (run.cache): no call was made for it. */
  cached?: boolean;
  /**
   * With run.repeats > 1, when some repeats but not all came from the cache: how many did. Their
   * timings were measured when they were fetched, so a timing check counts the answer as cached.
   */
  cached_repeats?: number;
  /** Why, by scorer name, for scorers that say (llm_judge, custom, json_schema failures). */
  reasons?: Record<string, string>;
  /** What the llm_judge calls for this answer used; not part of `cost_usd` (the target's). */
  judge?: ScoringUsage;
  /** The classification scorer's labels for this answer, after normalisation. */
  label?: { expected: string; predicted: string };
  /** The tool calls the answer made (every step's, in order, for an agent loop). */
  tool_calls?: ToolCall[];
  /** Agent loops: each model call in order, and why the loop stopped. */
  steps?: AgentStep[];
  /** RAG: passages the target returned itself (an http app's `context` output path). */
  context?: string[];
}

/** Calls made to a scoring endpoint (judge or embeddings) and what they cost. */
export interface ScoringUsage {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/** Accuracy, macro-F1 (sklearn's `average='macro'`) and the confusion matrix of one target. */
export interface ClassificationMetrics {
  /** Answered cases with a label (errored calls have none). */
  cases: number;
  accuracy: number;
  macro_f1: number;
  /** Row and column order of `confusion`. */
  labels: string[];
  /** confusion[i][j]: cases whose expected label is labels[i] and predicted label labels[j]. */
  confusion: number[][];
}

export interface CaseReport {
  id: string;
  slices: string[];
  /** file:line in the golden set, for annotations and for finding a case by hand. */
  source?: string;
  /** Additive to the contract: what was asked and expected, so summaries can show the case. */
  input?: string | ChatMessage[];
  expected?: unknown;
  /** The case's conversation (its `messages`), as sent before any agent steps. */
  messages?: ConversationTurn[];
  /** The tool calls the case expects. */
  expected_tool_calls?: ToolCall[];
  /** RAG: the case's own passages (a target may return its own: SideResult.context). */
  context?: string[];
  baseline?: SideResult;
  candidate?: SideResult;
  /** With gate.cluster_by: the case's cluster, e.g. `metadata.conversation_id=c17`. */
  cluster?: string;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

/**
 * Figures a target never measured, each with why in one sentence ("the baseline endpoint sent no
 * token counts, so its cost is unknown"): its zeros there mean "unknown", not zero.
 */
export interface NoData {
  /** `input_tokens` and `output_tokens`. */
  tokens?: string;
  cost_usd?: string;
  ttft_ms?: string;
  tpot_ms?: string;
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
  /** llm_judge calls made to score this target's answers (not included in `cost_usd`). */
  judge?: ScoringUsage;
  classification?: ClassificationMetrics;
  /** With run.repeats > 1: how often the target's k answers to one case agree. */
  stability?: Stability;
  /** Cases answered from the response cache. */
  cached?: number;
  /**
   * Answered cases whose reply carried no token counts (neither input nor output tokens, or an
   * agent step without them), when some others did: the token and cost totals leave them out.
   */
  answers_without_tokens?: number;
  /** Figures this target has no data for, and why (see NoData). */
  no_data?: NoData;
}

/** Agreement of a target's k answers per case, over cases whose k calls were all answered. */
export interface Stability {
  cases: number;
  /** Share of cases whose k outputs are identical after trimming. */
  identical_outputs: number;
  /** Mean over cases of the share of repeat pairs that agree on pass/fail. */
  pass_agreement: number;
}

export type MetricName =
  | 'quality'
  | 'pass_rate'
  | 'latency_p95'
  | 'cost'
  | 'error_rate'
  /** Time to first token and time per output token, p95, relative (streaming targets). */
  | 'ttft_p95'
  | 'tpot_p95'
  /** Population stability index of the case-score distribution. */
  | 'drift'
  /** Population stability index of the predicted labels (classification). */
  | 'label_drift'
  /**
   * A live canary metric (`evalgate canary`), by its budget: the relative increase of its mean,
   * the absolute drop of its mean, or the canary's mean against a ceiling. `Check.name` names it.
   */
  | 'live_max_increase'
  | 'live_max_drop'
  | 'live_max';
export type Verdict = 'pass' | 'fail' | 'inconclusive';
export type Decision = Verdict;

export interface CheckAdjustment {
  method: 'weighted Holm';
  /** Tests in the family (quality and pass rate on the same 0/1 scores count once). */
  tests: number;
  /** The one-sided confidence level of the interval's optimistic end. */
  level: number;
}

/** The look of a sequential run (`gate.sequential`) a check was judged at. */
export interface CheckLook {
  /** 1-based, of `looks`. */
  look: number;
  looks: number;
  /** Cases in the look (the first of the seeded shuffled order). */
  cases: number;
  /** One-sided confidence level of the interval's optimistic end (the fail side). */
  level: number;
  /** One-sided confidence level of the interval's pessimistic end (the pass side). */
  pass_level: number;
}

export interface Check {
  metric: MetricName;
  slice: string | null;
  baseline: number | null;
  candidate: number | null;
  /** candidate − baseline for absolute metrics; candidate / baseline − 1 for relative ones. */
  delta: number | null;
  /**
   * [lower, upper]: the interval the verdict is based on (null without enough data). Each end is
   * a one-sided bound at the gate's confidence, except that where `adjustment` is present the
   * optimistic end (the one a fail is decided on) is at `adjustment.level`. The check fails
   * exactly when the whole interval is past the budget and passes exactly when it is within.
   */
  ci: [number, number] | null;
  /** The budget as configured: an absolute amount or a relative fraction (0.2 = 20%). */
  budget: number;
  /** Evidence that the regression exceeds the budget (small = strong evidence). */
  p_value: number | null;
  n: number;
  verdict: Verdict;
  reason: string;
  /**
   * The multiplicity-adjusted p_value (weighted Holm across every check that can fail; null when
   * this one cannot): at most 1 − confidence exactly when the check fails.
   */
  p_adjusted?: number | null;
  /** How `ci` was adjusted for multiplicity, when the family holds more than one test. */
  adjustment?: CheckAdjustment;
  /**
   * `gate.sequential`: the look the check was settled at (or, when it never settled, the last
   * look); `ci` is at this look's levels rather than the gate's confidence.
   */
  look?: CheckLook;
  /** Quality and pass rate: the smallest change this run detects at 80% power, as a share. */
  mde?: number;
  /** How the interval was computed ("paired t", "exact McNemar", "cluster-robust t", …). */
  method?: string;
  /** Cluster-robust checks: the number of clusters behind the interval. */
  clusters?: number;
  /**
   * Latency, TTFT and TPOT checks: pairs with an answer from the response cache on either side,
   * whose timings were measured when it was fetched, not alongside the other side's.
   */
  cached_pairs?: number;
  /**
   * Cost and TPOT checks: answered pairs left out because a side's reply carried no token counts
   * (its cost would read as $0 and its time per output token is unknown).
   */
  pairs_without_tokens?: number;
  /** Live canary checks: the metric's name in `live.metrics`. */
  name?: string;
  /** Live canary checks marked `critical`: anything short of a pass blocks. */
  critical?: boolean;
}

/** What the run could detect (80% power at the gate's confidence), per quality/pass-rate check. */
export interface PowerEntry {
  metric: MetricName;
  slice: string | null;
  n: number;
  /**
   * Quality, pass rate: SD of one paired difference (with any cluster design effect folded in).
   * Latency, TTFT, TPOT, cost: SD of one case's relative change (bootstrap SE · √n).
   */
  sd?: number;
  /** Quality, pass rate: standard error of the change. */
  se?: number;
  /** Quality, pass rate: (t_{confidence} + t_{0.8}) · se, the change detectable from zero. */
  mde?: number;
  /** Quality, pass rate: budget + mde, the smallest drop this check blocks four times in five. */
  detectable_drop?: number;
  budget: number;
  /** Cases (calls, for the error rate) for an unchanged candidate to pass 80% of the time; null when no size will do (see `note`). */
  cases_to_pass: number | null;
  /** Cases for a regression of twice the budget to fail 80% of the time; null for a zero budget. */
  cases_to_fail: number | null;
  /** The larger of the two, the size that decides both ways; null when an unchanged candidate can never pass. */
  cases_needed: number | null;
  /** Why a figure is null. */
  note?: string;
}

export interface PowerReport {
  power: number;
  confidence: number;
  checks: PowerEntry[];
}

export interface Report {
  schema_version: 1;
  decision: Decision;
  summary: string;
  cases: CaseReport[];
  targets: Partial<Record<Side, TargetMetrics>>;
  checks: Check[];
  /**
   * Additive: whether the step blocked (exit 1). `decision` stays as judged; an inconclusive run
   * blocks too when `gate.on_inconclusive` is `fail`. Absent on a recording (`--only`) and on an
   * incomplete run, which blocks nothing: it could not judge (exit 3).
   */
  blocked?: boolean;
  /**
   * Why it blocked: a check `fail`ed its budget, or the run was inconclusive and `on_inconclusive`
   * is `fail`, or (`evalgate canary`) a `critical` check was inconclusive.
   */
  blocked_by?: 'budget' | 'on_inconclusive' | 'critical';
  /** Additive: what this run could detect, and whether the golden set is big enough. */
  power?: PowerReport;
  /** The run stopped early (cancelled, cost budget, endpoint down): nothing was judged. */
  incomplete?: true;
  incomplete_reason?: string;
  /** What this run's scoring endpoints were asked and cost (present when they were used). */
  scoring?: { judge?: ScoringUsage & { errors: number }; embeddings?: EmbeddingsUsage };
  /** Everything below is additive to the contract. */
  meta: ReportMeta;
}

/** Embedding requests are batched across cases, so usage is reported for the run only. */
export interface EmbeddingsUsage {
  /** HTTP requests (batches). */
  calls: number;
  /** Texts embedded (each distinct expected text once). */
  texts: number;
  input_tokens: number;
  cost_usd: number;
  errors: number;
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
  /** What this run measured, so a later `--baseline-report` run can tell whether it still matches. */
  fingerprints?: Fingerprints;
  /** With `--baseline-report`: how the recording lines up with this run's dataset. */
  stored_baseline?: StoredBaselineMatch;
  /** `run.repeats` when above 1. */
  repeats?: number;
  /** What the runner did: calls planned and done, answered from cache, retried, failed. */
  calls?: { planned: number; done: number; cached: number; retries: number; failed: number };
  /** `gate.sequential`: how many cases were used and why the run stopped there. */
  sequential?: SequentialMeta;
  /** A shard report (`run --shard I/N`): one part of a run, no decision of its own. */
  shard?: ShardMeta;
  /** A report merged from shard reports (`evalgate merge`). */
  merged?: { shards: number; reports: string[] };
  /** `evalgate canary`: where the series came from and each analysis made. */
  live?: LiveMeta;
}

/** One look of a sequential run, as it was evaluated. */
export interface SequentialLookRecord {
  cases: number;
  /** The one-sided level of a fail at a check's full share of α at this look. */
  fail_level: number;
  /** The one-sided level of a pass at this look. */
  pass_level: number;
  failed: number;
  passed: number;
  /** Checks not yet settled. */
  open: number;
}

export interface SequentialMeta {
  /** How the looks are tested, in a few words. */
  method: string;
  planned_cases: number;
  /** The case counts the run planned to look at (the last is every case). */
  planned_looks: number[];
  /** Cases evaluated: `planned_cases` unless the run stopped early. */
  stopped_at_case: number;
  /** `settled: every check …` when it stopped early, else `all cases used`. */
  reason: string;
  looks: SequentialLookRecord[];
}

/** Which part of a sharded run a report holds, and what `evalgate merge` checks it against. */
export interface ShardMeta {
  index: number;
  count: number;
  /** Cases in this shard. */
  cases: number;
  /** `sha256:` of the config file as written: every shard must have run the same config. */
  config_file: string;
  /**
   * `sha256:` of every string of it that held a `${VAR}`, as it became (defaults included; a value
   * that may be a credential cut out, so it counts only by where it went): every shard must have
   * filled it in alike. Absent in reports from before it was recorded.
   */
  config_values?: string;
  /**
   * The same, one `sha256:` per field that held a `${VAR}` (`budgets.quality.max_drop`): the merge
   * fills the config in again and names the field it filled in otherwise.
   */
  config_value_fields?: Record<string, string>;
  /**
   * With `--baseline-report`: `sha256:` of that file's bytes. The merge must be given the very
   * recording the shards ran against.
   */
  baseline_report?: string;
}

/** How a live canary was judged: the server, the resolution and each look at the data. */
export interface LiveMeta {
  /** The Prometheus URL, without any credentials. */
  prometheus: string;
  step_s: number;
  /** Every analysis in order: one, or one per `--every` until it settled. */
  looks: LiveLook[];
  /**
   * Why it stopped: `fail` (a check failed), `pass` (every check passed), `end` (the last look
   * was made, or the only one), `signal` (cancelled before anything was settled).
   */
  stopped: 'fail' | 'pass' | 'end' | 'signal';
}

export interface LiveLook {
  /** The window analysed (ISO timestamps). */
  start: string;
  end: string;
  /** The false-block rate this look may spend (α itself without --every). */
  alpha: number;
  decision: Decision;
}

/** `sha256:<hex>` digests; never the content itself, never a secret. */
export interface Fingerprints {
  /** Each dataset file's content, by the file's name as in `meta.datasets`. */
  datasets: Record<string, string>;
  /** The config that decides how answers are measured and scored (not targets, not budgets). */
  config: string;
}

export interface StoredBaselineMatch {
  file: string;
  /** `meta.started_at` of the recorded run. */
  recorded_at?: string;
  /** Cases found on both sides and compared. */
  paired: number;
  /** Ids in this run's dataset that the recording lacks: not compared. */
  not_recorded: string[];
  /** Ids in the recording that this run's dataset no longer has. */
  not_in_dataset: string[];
  /** Ids whose input, conversation or passages changed since the recording: not compared. */
  changed?: string[];
}
