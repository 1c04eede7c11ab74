import * as z from 'zod';
import { MAX_SHARDS } from '../shard/select.js';
import type {
  CaseReport,
  Check,
  PowerEntry,
  Report,
  ReportMeta,
  SideResult,
  TargetMetrics,
} from '../types.js';
import { answerFigures, count, MAX_SUMMED_COUNT, ms, score, usd } from './measures.js';

// The report's shape as data, so it can be published as JSON Schema (schema/report.schema.json)
// and checked against real reports. src/types.ts stays the source the code is written against;
// the type test at the bottom fails to compile when the two part ways.

const side = z.enum(['baseline', 'candidate']);
const verdict = z.enum(['pass', 'fail', 'inconclusive']);
const metric = z.enum([
  'quality',
  'pass_rate',
  'latency_p95',
  'cost',
  'error_rate',
  'ttft_p95',
  'tpot_p95',
  'drift',
  'label_drift',
  'live_max_increase',
  'live_max_drop',
  'live_max',
]);
const errorKind = z.enum([
  'timeout',
  'rate_limit',
  'http_4xx',
  'http_5xx',
  'network',
  'bad_response',
  'stream_cut',
  'aborted',
  'scorer',
  'too_large',
  'scorer_timeout',
  'judge',
]);

// The ranges below are what evalgate writes, and what its statistics can take: a report is read
// back by `merge`, `view` and `plan --from-report`, and a hand-edited or corrupted value must fail
// here, with its field path, not later as NaN inside the statistics or as a sum past 1e308.

/** A share of cases or calls (quality, pass rate, error rate): 0..1, as a score. */
const share = score;
const summedCount = count.max(MAX_SUMMED_COUNT);
/** An aggregate of measures (a target's percentiles, its total cost): non-negative. */
const total = z.number().min(0);

/** When something happened: an ISO 8601 date-time, as Date.prototype.toISOString() writes. */
const DATE_TIME = 'must be an ISO 8601 date-time such as 2026-01-31T12:00:00.000Z';
const dateTime = z
  .string()
  .regex(z.regexes.datetime({ offset: true, precision: null, local: false }), {
    message: DATE_TIME,
    abort: true,
  })
  .refine((v) => !Number.isNaN(Date.parse(v)), DATE_TIME);

/** Both sides of the run, each optional: `--only` and stored baselines fill one. */
const perSide = <T extends z.ZodType>(value: T) =>
  z.strictObject({ baseline: value.optional(), candidate: value.optional() });

const chatMessage = z.strictObject({ role: z.string(), content: z.string() });

const toolCall = z.strictObject({
  name: z.string(),
  arguments: z.unknown(),
  id: z.string().optional(),
  invalid_arguments: z.string().optional(),
});

const conversationTurn = z.strictObject({
  role: z.enum(['system', 'user', 'assistant', 'tool', 'developer']),
  content: z
    .union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))])
    .nullable(),
  tool_calls: z.array(toolCall).optional(),
  tool_call_id: z.string().optional(),
  name: z.string().optional(),
});

const agentStep = z.strictObject({
  output: z.string().nullable(),
  tool_calls: z.array(toolCall),
  latency_ms: ms,
  ttft_ms: ms.optional(),
  input_tokens: count,
  output_tokens: count,
  stop: z.enum(['answered', 'no_result', 'max_steps', 'error']).optional(),
});

const scoringUsage = z.strictObject({
  calls: summedCount,
  input_tokens: summedCount,
  output_tokens: summedCount,
  cost_usd: usd,
});

const sideResult = z.strictObject({
  output: z.string().nullable(),
  ...answerFigures,
  error: z.strictObject({ kind: errorKind, message: z.string() }).nullable(),
  repeat_pass: z.array(z.boolean()).optional(),
  distinct_outputs: count.optional(),
  cached: z.boolean().optional(),
  cached_repeats: count.optional(),
  reasons: z.record(z.string(), z.string()).optional(),
  judge: scoringUsage.optional(),
  label: z.strictObject({ expected: z.string(), predicted: z.string() }).optional(),
  tool_calls: z.array(toolCall).optional(),
  steps: z.array(agentStep).optional(),
  context: z.array(z.string()).optional(),
});

const caseReport = z.strictObject({
  id: z.string(),
  slices: z.array(z.string()),
  source: z.string().optional(),
  input: z.union([z.string(), z.array(chatMessage)]).optional(),
  expected: z.unknown().optional(),
  messages: z.array(conversationTurn).optional(),
  expected_tool_calls: z.array(toolCall).optional(),
  context: z.array(z.string()).optional(),
  baseline: sideResult.optional(),
  candidate: sideResult.optional(),
  cluster: z.string().optional(),
});

const quantiles = { p50: total, p95: total };

const targetMetrics = z.strictObject({
  cases: count,
  quality: share,
  pass_rate: share,
  error_rate: share,
  latency_ms: z.strictObject({ ...quantiles, p99: total, mean: total }),
  ttft_ms: z.strictObject(quantiles).optional(),
  tpot_ms: z.strictObject(quantiles).optional(),
  input_tokens: count,
  output_tokens: count,
  cost_usd: total,
  judge: scoringUsage.optional(),
  classification: z
    .strictObject({
      cases: count,
      accuracy: z.number(),
      macro_f1: z.number(),
      labels: z.array(z.string()),
      confusion: z.array(z.array(count)),
    })
    .optional(),
  stability: z
    .strictObject({
      cases: count,
      identical_outputs: z.number(),
      pass_agreement: z.number(),
    })
    .optional(),
  cached: count.optional(),
  answers_without_tokens: count.optional(),
  no_data: z
    .strictObject({
      tokens: z.string().optional(),
      cost_usd: z.string().optional(),
      ttft_ms: z.string().optional(),
      tpot_ms: z.string().optional(),
    })
    .optional(),
});

const check = z.strictObject({
  metric,
  slice: z.string().nullable(),
  baseline: z.number().nullable(),
  candidate: z.number().nullable(),
  delta: z.number().nullable(),
  // JSON has no infinity: an end the data cannot bound at the check's level (a resampled
  // bound past the last replicate, a canary series at +Inf) is written as null. Its place says
  // which: a null lower end is −∞, a null upper end +∞.
  ci: z
    .tuple([z.number().nullable(), z.number().nullable()])
    .nullable()
    .describe('the interval [lower, upper]; null ends are unbounded (−∞ below, +∞ above)'),
  budget: z.number(),
  p_value: z.number().nullable(),
  n: z.number(),
  verdict,
  reason: z.string(),
  p_adjusted: z.number().nullable().optional(),
  adjustment: z
    .strictObject({ method: z.literal('weighted Holm'), tests: z.number(), level: z.number() })
    .optional(),
  mde: z.number().optional(),
  method: z.string().optional(),
  clusters: z.number().optional(),
  cached_pairs: z.number().optional(),
  pairs_without_tokens: z.number().optional(),
  look: z
    .strictObject({
      look: z.number(),
      looks: z.number(),
      cases: z.number(),
      level: z.number(),
      pass_level: z.number(),
    })
    .optional(),
  name: z.string().optional(),
  critical: z.boolean().optional(),
});

const powerEntry = z.strictObject({
  metric,
  slice: z.string().nullable(),
  n: z.number(),
  sd: z.number().optional(),
  se: z.number().optional(),
  mde: z.number().optional(),
  detectable_drop: z.number().optional(),
  budget: z.number(),
  cases_to_pass: z.number().nullable(),
  cases_to_fail: z.number().nullable(),
  cases_needed: z.number().nullable(),
  note: z.string().optional(),
});

/** A shard's index or count (`--shard I/N`): a whole number from 1 to MAX_SHARDS. */
const shardNumber = z.number().int().min(1).max(MAX_SHARDS);

const meta = z.strictObject({
  tool: z.literal('evalgate'),
  version: z.string(),
  started_at: dateTime,
  duration_ms: z.number(),
  config: z.string(),
  datasets: z.array(z.string()),
  confidence: z.number(),
  seed: z.number(),
  only: side.optional(),
  baseline_report: z.string().optional(),
  models: perSide(z.string()),
  warnings: z.array(z.string()),
  fingerprints: z
    .strictObject({ datasets: z.record(z.string(), z.string()), config: z.string() })
    .optional(),
  stored_baseline: z
    .strictObject({
      file: z.string(),
      recorded_at: z.string().optional(),
      paired: count,
      not_recorded: z.array(z.string()),
      not_in_dataset: z.array(z.string()),
      changed: z.array(z.string()).optional(),
    })
    .optional(),
  repeats: count.min(1).optional(),
  calls: z
    .strictObject({
      planned: summedCount,
      done: summedCount,
      cached: summedCount,
      retries: summedCount,
      failed: summedCount,
    })
    .optional(),
  sequential: z
    .strictObject({
      method: z.string(),
      planned_cases: count,
      planned_looks: z.array(count),
      stopped_at_case: count,
      reason: z.string(),
      looks: z.array(
        z.strictObject({
          cases: count,
          fail_level: z.number(),
          pass_level: z.number(),
          failed: count,
          passed: count,
          open: count,
        }),
      ),
    })
    .optional(),
  shard: z
    .strictObject({
      index: shardNumber,
      count: shardNumber,
      cases: count,
      config_file: z.string(),
      config_values: z.string().optional(),
      config_value_fields: z.record(z.string(), z.string()).optional(),
      baseline_report: z.string().optional(),
    })
    .refine((s) => s.index <= s.count, {
      path: ['index'],
      message: 'must be at most meta.shard.count: shard I of N counts from 1 to N',
    })
    .optional(),
  merged: z.strictObject({ shards: shardNumber, reports: z.array(z.string()) }).optional(),
  live: z
    .strictObject({
      prometheus: z.string(),
      step_s: z.number(),
      looks: z.array(
        z.strictObject({
          start: dateTime,
          end: dateTime,
          alpha: z.number(),
          decision: verdict,
        }),
      ),
      stopped: z.enum(['fail', 'pass', 'end', 'signal']),
    })
    .optional(),
});

export const reportSchema = z.strictObject({
  schema_version: z.literal(1),
  decision: verdict,
  summary: z.string(),
  cases: z.array(caseReport),
  targets: perSide(targetMetrics),
  checks: z.array(check),
  blocked: z.boolean().optional(),
  blocked_by: z.enum(['budget', 'on_inconclusive', 'critical']).optional(),
  power: z
    .strictObject({ power: z.number(), confidence: z.number(), checks: z.array(powerEntry) })
    .optional(),
  incomplete: z.literal(true).optional(),
  incomplete_reason: z.string().optional(),
  scoring: z
    .strictObject({
      judge: scoringUsage.extend({ errors: summedCount }).optional(),
      embeddings: z
        .strictObject({
          calls: summedCount,
          texts: summedCount,
          input_tokens: summedCount,
          cost_usd: usd,
          errors: summedCount,
        })
        .optional(),
    })
    .optional(),
  meta,
});

/** A report as JSON holds it: a check's unbounded interval end is null (see `ci` above). */
export type WrittenReport = Omit<Report, 'checks'> & {
  checks: (Omit<Check, 'ci'> & { ci: [number | null, number | null] | null })[];
};

// Compile-time drift check: each type must be assignable to the other, so a field added,
// removed, renamed, retyped or made optional on one side only stops the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Parsed = z.output<typeof reportSchema>;
export const REPORT_SCHEMA_MATCHES_TYPE: Same<Parsed, WrittenReport> = true;

// Assignability alone lets an OPTIONAL field exist on one side only (an object without it is
// assignable to one with it). The same keys, object by object, close that gap.
type SameKeys<A, B> = Same<keyof A, keyof B>;
export const REPORT_SCHEMA_KEYS_MATCH: [
  SameKeys<Parsed, Report>,
  SameKeys<z.output<typeof caseReport>, CaseReport>,
  SameKeys<z.output<typeof sideResult>, SideResult>,
  SameKeys<z.output<typeof targetMetrics>, TargetMetrics>,
  SameKeys<z.output<typeof check>, Check>,
  SameKeys<z.output<typeof powerEntry>, PowerEntry>,
  SameKeys<z.output<typeof meta>, ReportMeta>,
] = [true, true, true, true, true, true, true];
