import * as z from 'zod';
import { liveSchema } from '../live/config-schema.js';
import { checkToolKeys, toolKeys } from './tools-schema.js';

// Every object is strict: a typo such as `qualty:` or `budget:` must be an error, never a budget
// that silently stops gating.

const PERCENT = /^\s*(-?\d+(?:\.\d+)?)\s*%\s*$/;

/** The largest fraction a budget takes (100 = +10000%); a share on 0..1 stops at 1. */
const MAX_FRACTION = 100;

/**
 * The bounds of a fraction up to `max` for the published JSON Schema, which sees only the input
 * (a number or a string), not the transform and pipes that refuse the rest: `minimum`/`maximum`
 * bind the number, `pattern` the string. The pattern takes what PERCENT takes and the pipes let
 * through: a minus only before zeros (-0%), at most `max` as a percent; and, since `${VAR}` is
 * filled in before validation, any string holding one.
 */
function fractionBounds(max: 1 | typeof MAX_FRACTION) {
  const top = String(max * 100); // a power of ten: below it, one digit fewer
  const below = `\\d{1,${top.length - 1}}(?:\\.\\d+)?`;
  const number = `-?0+(?:\\.0+)?|0*(?:${below}|${top}(?:\\.0+)?)`;
  return { minimum: 0, maximum: max, pattern: `^\\s*(?:${number})\\s*%\\s*$|\\$\\{` };
}

/** A fraction written as a number (0.2) or a percent string ("20%"). */
const fraction = z
  .union([z.number(), z.string()], { error: 'expected a number or a percent such as "20%"' })
  .transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const m = PERCENT.exec(v);
    if (!m) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a number or a percent such as "20%", got "${v}"`,
      });
      return z.NEVER;
    }
    return Number(m[1]) / 100;
  })
  .pipe(z.number().min(0, 'must not be negative').max(MAX_FRACTION, 'is implausibly large'))
  .meta(fractionBounds(MAX_FRACTION));

const absoluteShare = fraction
  .pipe(z.number().max(1, 'is a share on 0..1 and cannot exceed 1'))
  .meta(fractionBounds(1));

const templateSource = z.union(
  [
    z.string(),
    z.strictObject({
      file: z.string().min(1).describe("a file, relative to the config's folder"),
      /** `base`: read the file as it is at the pull request's base commit. */
      ref: z
        .string()
        .min(1)
        .optional()
        .describe("`base`: read the file as it is at the pull request's base commit"),
    }),
  ],
  { error: 'must be a string or {file: path}' },
);

/**
 * USD per million tokens. The dearest models cost a few hundred; past this bound a price is a
 * typo, and near 1e308 the run's cost sums overflow to Infinity and the statistics to NaN.
 */
export const MAX_PRICE_PER_MTOK = 10_000;
const pricePerMtok = z
  .number()
  .min(0, 'must not be negative')
  .max(MAX_PRICE_PER_MTOK, `must be at most ${MAX_PRICE_PER_MTOK} (USD per million tokens)`);
const price = z.strictObject({
  input_per_mtok: pricePerMtok.describe('USD per million input tokens'),
  output_per_mtok: pricePerMtok.describe('USD per million output tokens'),
});

/**
 * Per-minute quotas. Below 1 request (or 100 tokens) a minute the rate limiter waits longer
 * between calls than any run lasts (`rpm: 1e-9` waited forever); above 1e8 the limit is no limit.
 */
export const RATE_BOUNDS = { rpm: { min: 1, max: 1e8 }, tpm: { min: 100, max: 1e8 } } as const;
const perMinute = (min: number, max: number, unit: string) =>
  z
    .number()
    .min(min, `must be at least ${min} (${unit} per minute)`)
    .max(max, `must be at most ${max} (${unit} per minute)`);

/** Headers a target sends on every request: a few in practice, each short. */
export const MAX_HEADERS = 100;
export const MAX_HEADER_VALUE_CHARS = 8192;
const headers = z
  .record(
    z.string().max(256, 'a header name must be at most 256 characters'),
    z.string().max(MAX_HEADER_VALUE_CHARS, `must be at most ${MAX_HEADER_VALUE_CHARS} characters`),
  )
  .refine((h) => Object.keys(h).length <= MAX_HEADERS, `at most ${MAX_HEADERS} headers`)
  // The JSON Schema generator cannot see a refinement: the same bound, for the published schema.
  .meta({ maxProperties: MAX_HEADERS });

/** Request parameters (temperature, max_tokens...): a handful; the bound keeps requests sane. */
export const MAX_PARAMS = 100;
const params = z
  .record(z.string(), z.unknown())
  .refine((p) => Object.keys(p).length <= MAX_PARAMS, `at most ${MAX_PARAMS} parameters`)
  .meta({ maxProperties: MAX_PARAMS });

/** `run.max_cost_usd`: a stop for a run's spending, not a budget for a year of them. */
export const MAX_RUN_COST_USD = 1_000_000;
/** A scorer's weight relative to the others on a case. */
export const MAX_SCORER_WEIGHT = 1000;

/** node's timers treat anything above 2^31−1 ms as 1 ms: an hour is the most a call may take. */
const MAX_TIMEOUT_MS = 3_600_000;
const timeoutMs = z
  .number()
  .int()
  .min(1)
  .max(MAX_TIMEOUT_MS, `must be at most ${MAX_TIMEOUT_MS} ms (one hour)`);

/** Large enough for any real chat answer, small enough that a few in flight fit in memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_SCORER_TIMEOUT_MS = 10_000;

/** `new URL` also accepts `localhost:11434/v1` (scheme "localhost:"), ftp: and file:. */
const httpUrl = z.url({
  protocol: /^https?$/,
  message: 'must be an http(s) URL, e.g. http://localhost:11434/v1',
});

const commonTarget = {
  price: price.optional().describe('what the tokens cost; needed by a cost budget'),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(1024)
    .optional()
    .describe('calls in flight to this target (default: run.concurrency)'),
  timeout_ms: timeoutMs.optional().describe('per attempt (default: run.timeout_ms)'),
  headers: headers.optional().describe('extra HTTP headers sent on every request, as given'),
  /** Requests / tokens per minute this target may use (a shared key's quota). */
  rpm: perMinute(RATE_BOUNDS.rpm.min, RATE_BOUNDS.rpm.max, 'requests')
    .optional()
    .describe("requests per minute this target may use (a shared key's quota)"),
  tpm: perMinute(RATE_BOUNDS.tpm.min, RATE_BOUNDS.tpm.max, 'tokens')
    .optional()
    .describe('tokens per minute this target may use'),
  /** Use the response cache (run.cache) for this target; overrides run.cache.baseline/candidate. */
  cache: z
    .boolean()
    .optional()
    .describe('use the answer cache (run.cache) for this target; overrides run.cache.<side>'),
};

/** The header that carries the key: `authorization` sends `Bearer <key>`, any other name the
 *  bare key, as Azure OpenAI (`api-key`) and many gateways expect. */
const keyHeader = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name such as api-key')
  .optional()
  .describe(
    'the header that carries the key: authorization sends Bearer <key>, any other the bare key (default authorization; anthropic: x-api-key)',
  );

const llmTarget = {
  base_url: httpUrl.describe(
    'openai: the API root, e.g. https://api.openai.com/v1 (evalgate appends /chat/completions); anthropic: the host root (evalgate appends /v1/messages)',
  ),
  model: z.string().min(1).describe('the model name sent with every request'),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the NAME of an environment variable, not a key')
    .optional()
    .describe('the NAME of the environment variable that holds the key, never the key'),
  prompt: templateSource
    .optional()
    .describe('the user message template, or {file: path} (default: the case input as it is)'),
  system: templateSource.optional().describe('the system message template, or {file: path}'),
  params: params
    .optional()
    .describe('request parameters sent as given, e.g. temperature, max_tokens'),
  stream: z
    .boolean()
    .optional()
    .describe('read the answer as a stream and record time to first token and per output token'),
  /** openai: the `api-version` query parameter (Azure); anthropic: the `anthropic-version` header. */
  api_version: z
    .string()
    .min(1)
    .optional()
    .describe(
      'openai: the api-version query parameter (Azure); anthropic: the anthropic-version header',
    ),
  key_header: keyHeader,
  ...commonTarget,
};

const openaiTarget = z.strictObject({ type: z.literal('openai'), ...llmTarget });
const anthropicTarget = z.strictObject({ type: z.literal('anthropic'), ...llmTarget });
// Tools, structured output and agent loops belong to the targets under test, not the judge.
const openaiToolTarget = openaiTarget.extend(toolKeys).superRefine(checkToolKeys);
const anthropicToolTarget = anthropicTarget.extend(toolKeys).superRefine(checkToolKeys);
const httpTarget = z.strictObject({
  type: z.literal('http'),
  url: httpUrl.describe("your app's endpoint; templated, each value URL-encoded"),
  method: z.enum(['POST', 'PUT', 'GET']).optional().describe('default POST; GET sends no body'),
  api_key_env: llmTarget.api_key_env,
  key_header: keyHeader,
  body: z.unknown().optional().describe('the JSON body; its strings are templates'),
  output: z.string().min(1).describe('dot path to the answer in the JSON reply, e.g. result.text'),
  usage: z
    .strictObject({
      input_tokens: z.string().min(1).optional().describe('dot path to the input token count'),
      output_tokens: z.string().min(1).optional().describe('dot path to the output token count'),
    })
    .optional()
    .describe('where the reply says how many tokens it used'),
  tool_calls: z
    .string()
    .min(1)
    .optional()
    .describe(
      'dot path to the tool calls your app made, a list in the OpenAI or the plain {name, arguments} shape',
    ),
  context: z
    .string()
    .min(1)
    .optional()
    .describe(
      'dot path to the passages your app retrieved: strings, or objects with text/content and id/source',
    ),
  ...commonTarget,
});

export const targetSchema = z.discriminatedUnion('type', [
  openaiToolTarget,
  anthropicToolTarget,
  httpTarget,
]);

/** Rewrites applied to the output before scoring (trim and lowercase also to a text `value`). */
const normalize = z.strictObject({
  trim: z.boolean().optional().describe('trim whitespace at both ends'),
  lowercase: z.boolean().optional().describe('compare in lower case'),
  /** Score the content of a Markdown code fence (```json ... ```) instead of the whole output. */
  strip_fence: z
    .boolean()
    .optional()
    .describe('score the content of a Markdown code fence instead of the whole output'),
});

const scorerCommon = {
  name: z.string().min(1).optional().describe('the name in the report (default: the type)'),
  weight: z
    .number()
    .min(0)
    .max(MAX_SCORER_WEIGHT, `must be at most ${MAX_SCORER_WEIGHT}`)
    .optional()
    .describe("this scorer's weight in the case score, a weighted mean (default 1)"),
  threshold: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('a score at or above it passes (default 1 for yes/no scorers, 0.5 for graded ones)'),
  value: z.unknown().optional().describe("what to compare with (default: the case's expected)"),
  not: z.boolean().optional().describe('negate: the score becomes 1 − score'),
  normalize: normalize.optional().describe('rewrites applied to the output before scoring'),
};

/** An inline JSON Schema, or `{file: path}` relative to the config's folder (.json/.yaml). */
const jsonSchemaSource = z.union(
  [
    z.strictObject({ file: z.string().min(1).describe("a file, relative to the config's folder") }),
    z.record(z.string(), z.unknown()),
  ],
  { error: 'must be a JSON Schema object or {file: path}' },
);

const simpleScorer = <T extends string>(type: T) =>
  z.strictObject({ type: z.literal(type), ...scorerCommon });

/** How a made call's arguments must agree with an expected call's (tool_call, trajectory). */
const toolMatch = z
  .enum(['exact', 'subset', 'schema'])
  .optional()
  .describe(
    "how arguments are compared: subset (default: the expected keys with equal values), exact, or schema (the expected call's arguments are a JSON Schema)",
  );

/** The judge-graded RAG scorers: a built-in rubric, which `rubric:` replaces. */
const ragJudge = <T extends string>(type: T) =>
  z.strictObject({
    type: z.literal(type),
    ...scorerCommon,
    rubric: templateSource
      .optional()
      .describe('replaces the built-in rubric; inline text or {file: path}'),
  });

export const scorerSchema = z.discriminatedUnion('type', [
  simpleScorer('exact'),
  simpleScorer('contains'),
  simpleScorer('icontains'),
  simpleScorer('starts_with'),
  z
    .strictObject({
      type: z.literal('regex'),
      ...scorerCommon,
      flags: z.string().optional().describe('regular expression flags, e.g. i'),
    })
    // Compile the pattern now: a bad one is bad input, not a scorer error in every case of a run.
    .superRefine((spec, ctx) => {
      const flags = (spec.flags ?? '').replace(/g/g, '');
      try {
        new RegExp('', flags);
      } catch {
        ctx.addIssue({
          code: 'custom',
          path: ['flags'],
          message: `invalid regular expression flags "${spec.flags}"`,
        });
        return;
      }
      if (typeof spec.value !== 'string') return;
      try {
        new RegExp(spec.value, flags);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          path: ['value'],
          message: `is not a valid regular expression (${(err as Error).message})`,
        });
      }
    }),
  simpleScorer('json_valid'),
  simpleScorer('levenshtein'),
  simpleScorer('token_f1'),
  z.strictObject({
    type: z.literal('numeric'),
    ...scorerCommon,
    tolerance: z.number().min(0).optional().describe('absolute tolerance (default 0)'),
    /** Relative tolerance: passes when |got − want| ≤ max(tolerance, rel_tolerance·|want|). */
    rel_tolerance: z
      .number()
      .min(0)
      .optional()
      .describe(
        'relative tolerance: passes when |got − want| ≤ max(tolerance, rel_tolerance·|want|)',
      ),
  }),
  z.strictObject({
    type: z.literal('json_schema'),
    ...scorerCommon,
    schema: jsonSchemaSource.describe('an inline JSON Schema, or {file: path} (.json or .yaml)'),
  }),
  simpleScorer('rouge_l'),
  simpleScorer('bleu'),
  z.strictObject({
    type: z.literal('llm_judge'),
    ...scorerCommon,
    rubric: templateSource.describe('what the judge grades against, or {file: path}'),
  }),
  simpleScorer('embedding_similarity'),
  z.strictObject({
    type: z.literal('classification'),
    ...scorerCommon,
    labels: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        'the allowed labels: an expected label outside them is bad input, a predicted one counts as other (default: any)',
      ),
  }),
  z.strictObject({ type: z.literal('tool_call'), ...scorerCommon, match: toolMatch }),
  simpleScorer('tool_call_f1'),
  z.strictObject({
    type: z.literal('trajectory'),
    ...scorerCommon,
    order: z
      .enum(['strict', 'any'])
      .optional()
      .describe('strict (default): the expected calls in that order; any: in any order'),
    allow_extra: z
      .boolean()
      .optional()
      .describe('whether calls beyond the expected ones are allowed (default false)'),
    match: toolMatch,
  }),
  simpleScorer('context_recall'),
  ragJudge('faithfulness'),
  ragJudge('answer_relevance'),
  z.strictObject({
    type: z.literal('custom'),
    ...scorerCommon,
    module: z
      .string()
      .min(1)
      .describe('a JS/TS file whose default export is (output, case) => score or {score, reason}'),
  }),
]);

const maxDrop = absoluteShare.describe(
  'the largest drop allowed, absolute on 0..1 (0.02 = 2 points)',
);
const maxIncrease = fraction.describe('the largest increase allowed, relative: 0.2 or "20%"');
const budgets = z.strictObject({
  quality: z.strictObject({ max_drop: maxDrop }).optional().describe('the mean case score (0..1)'),
  pass_rate: z
    .strictObject({ max_drop: maxDrop })
    .optional()
    .describe('the share of cases that pass'),
  latency_p95: z
    .strictObject({ max_increase: maxIncrease })
    .optional()
    .describe('the 95th percentile of latency'),
  cost: z
    .strictObject({ max_increase: maxIncrease })
    .optional()
    .describe("the run's total cost (the targets need a price)"),
  error_rate: z
    .strictObject({
      max: absoluteShare.describe("the candidate's highest share of failed calls, 0..1"),
    })
    .optional()
    .describe('the share of calls that failed'),
  /** Streaming targets: time to first token and time per output token, p95, relative. */
  ttft_p95: z
    .strictObject({ max_increase: maxIncrease })
    .optional()
    .describe('time to first token, p95 (targets with stream: true)'),
  tpot_p95: z
    .strictObject({ max_increase: maxIncrease })
    .optional()
    .describe('time per output token, p95 (targets with stream: true)'),
  /** Population stability index of the score (and, for classification, label) distribution. */
  drift: z
    .strictObject({
      max_psi: z
        .number()
        .min(0, 'must not be negative')
        .max(10, 'is implausibly large')
        .describe('the largest population stability index allowed (0.2 is a common choice)'),
    })
    .optional()
    .describe('how far the score (and predicted label) distribution moved'),
});

const sliceKey = z
  .string()
  .regex(/^(tags|metadata\.[A-Za-z0-9_.-]+)$/, 'must be "tags" or "metadata.<key>"')
  .describe('"tags" or "metadata.<key>"');

export const configSchema = z.strictObject({
  version: z.literal(1, { message: 'must be 1' }).describe('the config format; always 1'),
  dataset: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
      error: 'must be a path, a glob, or a list of them',
    })
    .describe('the golden set: a path, a glob, or a list of them (.jsonl .json .yaml .yml .csv)'),
  targets: z
    .strictObject({
      baseline: targetSchema.describe('what the candidate is compared against'),
      candidate: targetSchema.describe('the change under test'),
    })
    .describe('the two endpoints every case is sent to'),
  // The judge speaks a chat dialect; embeddings speak OpenAI's /embeddings.
  judge: z
    .discriminatedUnion('type', [openaiTarget, anthropicTarget])
    .optional()
    .describe('the endpoint llm_judge, faithfulness and answer_relevance scorers call'),
  embeddings: openaiTarget
    .extend({
      batch_size: z
        .number()
        .int()
        .min(1)
        .max(2048)
        .optional()
        .describe('texts per /embeddings request'),
    })
    .optional()
    .describe('the /embeddings endpoint embedding_similarity calls'),
  scorers: z
    .array(scorerSchema)
    .default([])
    .describe('applied to every case; a case may add its own under `assert`'),
  budgets: budgets.default({}).describe('what the candidate may lose before the gate blocks it'),
  slices: z
    .strictObject({
      by: z.array(sliceKey).min(1).describe('what to slice by'),
      min_cases: z
        .number()
        .int()
        .min(1)
        .default(20)
        .describe('smaller slices are reported, not gated'),
      budgets: budgets.default({}).describe('budgets for each slice'),
    })
    .optional()
    .describe(
      'per-slice checks: a regression in one segment blocks even when the whole set is fine',
    ),
  gate: z
    .strictObject({
      confidence: z
        .number()
        .gt(0.5)
        .lt(1)
        .default(0.95)
        .describe('confidence of the intervals the verdicts rest on'),
      min_cases: z
        .number()
        .int()
        .min(1)
        .default(30)
        .describe('fewer usable pairs is inconclusive, never pass'),
      on_inconclusive: z
        .enum(['pass', 'fail'])
        .default('pass')
        .describe('the exit code of an inconclusive decision: 0 (pass) or 1 (fail)'),
      /** Cases sharing this metadata value are one cluster: cluster-robust intervals. */
      cluster_by: z
        .string()
        .regex(/^metadata\.[A-Za-z0-9_.-]+$/, 'must be "metadata.<key>"')
        .optional()
        .describe(
          '"metadata.<key>": cases sharing its value are one cluster (cluster-robust intervals)',
        ),
      sequential: z
        .boolean()
        .default(false)
        .describe(
          'stop once every check has failed or passed: looks at 25/50/75/100% of the cases in the seeded order, with group-sequential bounds (docs/sequential.md)',
        ),
    })
    .default({ confidence: 0.95, min_cases: 30, on_inconclusive: 'pass', sequential: false })
    .describe('how sure the gate must be'),
  run: z
    .strictObject({
      concurrency: z
        .number()
        .int()
        .min(1)
        .max(1024)
        .default(16)
        .describe('calls in flight per target'),
      timeout_ms: timeoutMs.default(60_000).describe('per attempt'),
      retries: z
        .number()
        .int()
        .min(0)
        .max(20)
        .default(4)
        .describe('on 408/429/5xx, network errors, timeouts and malformed replies'),
      repeats: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(1)
        .describe('calls per case per target; above 1, scores are means and stability is reported'),
      seed: z.number().int().default(1).describe('same seed, same case order and same decision'),
      /** First retry waits about this long; each later one doubles it (with jitter). */
      backoff_ms: z
        .number()
        .int()
        .min(0)
        .max(60_000)
        .default(500)
        .describe('the first retry waits about this long; each later one doubles it'),
      /**
       * This many failed cases in a row on one target (after retries, in the order they were sent)
       * means it is down: stop. Never fewer than the target's concurrency plus its current pace
       * (twice the concurrency unless rate limits cut it; targets/outage.ts).
       */
      max_consecutive_errors: z
        .number()
        .int()
        .min(1)
        .default(5)
        .describe(
          'this many failed cases in a row (at least 2 × concurrency, or concurrency + 1 once rate limits cut it to 1) means down: exit 3',
        ),
      /** Stop (exit 3) at this many US dollars; see CostBudget for what calls in flight may add. */
      max_cost_usd: z
        .number()
        .positive()
        .max(MAX_RUN_COST_USD, `must be at most ${MAX_RUN_COST_USD} USD`)
        .optional()
        .describe(
          'in US dollars: no call starts that would not fit, and the run stops (exit 3) at it; only calls already in flight can pass it',
        ),
      /** A reply (or a whole stream) larger than this fails the call as `too_large`. */
      max_response_bytes: z
        .number()
        .int()
        .min(1024, 'must be at least 1024 bytes')
        .max(MAX_RESPONSE_BYTES, `must be at most ${MAX_RESPONSE_BYTES} bytes (256 MiB)`)
        .default(DEFAULT_MAX_RESPONSE_BYTES)
        .describe('a longer reply or stream fails the call as too_large'),
      /** A stream that sends nothing for this long is cut (`stream_cut`), whatever timeout_ms says. */
      stream_idle_timeout_ms: timeoutMs
        .default(DEFAULT_STREAM_IDLE_TIMEOUT_MS)
        .describe('a stream silent this long is cut (stream_cut)'),
      /** One scorer on one answer may take this long; past it the answer fails as `scorer_timeout`. */
      scorer_timeout_ms: z
        .number()
        .int()
        .min(10)
        .max(MAX_TIMEOUT_MS, `must be at most ${MAX_TIMEOUT_MS} ms (one hour)`)
        .default(DEFAULT_SCORER_TIMEOUT_MS)
        .describe('one scorer on one answer; past it the answer fails as scorer_timeout'),
      /** An on-disk cache of successful answers; on for the baseline only unless said otherwise. */
      cache: z
        .strictObject({
          dir: z.string().min(1).default('.evalgate-cache').describe('where the answers are kept'),
          baseline: z.boolean().default(true).describe("reuse the baseline's answers"),
          candidate: z.boolean().default(false).describe("reuse the candidate's answers"),
        })
        .optional()
        .describe('an on-disk cache of successful answers (the baseline only, unless said)'),
    })
    .default({
      concurrency: 16,
      timeout_ms: 60_000,
      retries: 4,
      repeats: 1,
      seed: 1,
      backoff_ms: 500,
      max_consecutive_errors: 5,
      max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
      stream_idle_timeout_ms: DEFAULT_STREAM_IDLE_TIMEOUT_MS,
      scorer_timeout_ms: DEFAULT_SCORER_TIMEOUT_MS,
    })
    .describe('how the calls are made: concurrency, timeouts, retries, repeats, limits'),
  live: liveSchema.optional(),
});

/**
 * `evalgate canary` reads the same file, but needs only `live:`: a deploy pipeline judging a
 * canary from Prometheus has no golden set, and `run` keeps requiring one.
 */
export const canaryConfigSchema = configSchema.extend({
  dataset: configSchema.shape.dataset.optional(),
  targets: configSchema.shape.targets.optional(),
  live: liveSchema,
});

export type Config = z.output<typeof configSchema>;
export type CanaryConfig = z.output<typeof canaryConfigSchema>;
export type TargetConfig = z.output<typeof targetSchema>;
export type ScorerConfig = z.output<typeof scorerSchema>;
export type Budgets = z.output<typeof budgets>;
export type TemplateSource = z.output<typeof templateSource>;
