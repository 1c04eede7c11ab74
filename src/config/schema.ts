import { z } from 'zod';

// Every object is strict: a typo such as `qualty:` or `budget:` must be an error, never a budget
// that silently stops gating.

const PERCENT = /^\s*(-?\d+(?:\.\d+)?)\s*%\s*$/;

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
  .pipe(z.number().min(0, 'must not be negative').max(100, 'is implausibly large'));

const absoluteShare = fraction.pipe(z.number().max(1, 'is a share on 0..1 and cannot exceed 1'));

const templateSource = z.union(
  [
    z.string(),
    z.strictObject({
      file: z.string().min(1),
      /** `base`: read the file as it is at the pull request's base commit. */
      ref: z.string().min(1).optional(),
    }),
  ],
  { error: 'must be a string or {file: path}' },
);

const price = z.strictObject({
  input_per_mtok: z.number().min(0),
  output_per_mtok: z.number().min(0),
});

const commonTarget = {
  price: price.optional(),
  concurrency: z.number().int().min(1).max(1024).optional(),
  timeout_ms: z.number().int().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
};

const llmTarget = {
  base_url: z.url({ message: 'must be an http(s) URL' }),
  model: z.string().min(1),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the NAME of an environment variable, not a key')
    .optional(),
  prompt: templateSource.optional(),
  system: templateSource.optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  stream: z.boolean().optional(),
  ...commonTarget,
};

const openaiTarget = z.strictObject({ type: z.literal('openai'), ...llmTarget });
const anthropicTarget = z.strictObject({ type: z.literal('anthropic'), ...llmTarget });
const httpTarget = z.strictObject({
  type: z.literal('http'),
  url: z.url({ message: 'must be an http(s) URL' }),
  method: z.enum(['POST', 'PUT', 'GET']).optional(),
  api_key_env: llmTarget.api_key_env,
  body: z.unknown().optional(),
  output: z.string().min(1),
  usage: z
    .strictObject({
      input_tokens: z.string().min(1).optional(),
      output_tokens: z.string().min(1).optional(),
    })
    .optional(),
  ...commonTarget,
});

export const targetSchema = z.discriminatedUnion('type', [
  openaiTarget,
  anthropicTarget,
  httpTarget,
]);

const scorerCommon = {
  name: z.string().min(1).optional(),
  weight: z.number().min(0).optional(),
  threshold: z.number().min(0).max(1).optional(),
  value: z.unknown().optional(),
  not: z.boolean().optional(),
};

const simpleScorer = <T extends string>(type: T) =>
  z.strictObject({ type: z.literal(type), ...scorerCommon });

export const scorerSchema = z.discriminatedUnion('type', [
  simpleScorer('exact'),
  simpleScorer('contains'),
  simpleScorer('icontains'),
  simpleScorer('starts_with'),
  z
    .strictObject({ type: z.literal('regex'), ...scorerCommon, flags: z.string().optional() })
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
    tolerance: z.number().min(0).optional(),
  }),
]);

const budgets = z.strictObject({
  quality: z.strictObject({ max_drop: absoluteShare }).optional(),
  pass_rate: z.strictObject({ max_drop: absoluteShare }).optional(),
  latency_p95: z.strictObject({ max_increase: fraction }).optional(),
  cost: z.strictObject({ max_increase: fraction }).optional(),
  error_rate: z.strictObject({ max: absoluteShare }).optional(),
});

const sliceKey = z
  .string()
  .regex(/^(tags|metadata\.[A-Za-z0-9_.-]+)$/, 'must be "tags" or "metadata.<key>"');

export const configSchema = z.strictObject({
  version: z.literal(1, { message: 'must be 1' }),
  dataset: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
    error: 'must be a path, a glob, or a list of them',
  }),
  targets: z.strictObject({ baseline: targetSchema, candidate: targetSchema }),
  judge: targetSchema.optional(),
  embeddings: targetSchema.optional(),
  scorers: z.array(scorerSchema).default([]),
  budgets: budgets.default({}),
  slices: z
    .strictObject({
      by: z.array(sliceKey).min(1),
      min_cases: z.number().int().min(1).default(20),
      budgets: budgets.default({}),
    })
    .optional(),
  gate: z
    .strictObject({
      confidence: z.number().gt(0.5).lt(1).default(0.95),
      min_cases: z.number().int().min(1).default(30),
      on_inconclusive: z.enum(['pass', 'fail']).default('pass'),
    })
    .default({ confidence: 0.95, min_cases: 30, on_inconclusive: 'pass' }),
  run: z
    .strictObject({
      concurrency: z.number().int().min(1).max(1024).default(16),
      timeout_ms: z.number().int().min(1).default(60_000),
      retries: z.number().int().min(0).max(20).default(4),
      repeats: z.number().int().min(1).max(100).default(1),
      seed: z.number().int().default(1),
      /** First retry waits about this long; each later one doubles it (with jitter). */
      backoff_ms: z.number().int().min(0).max(60_000).default(500),
      /** This many failed cases in a row on one target (after retries) means it is down: stop. */
      max_consecutive_errors: z.number().int().min(1).default(5),
    })
    .default({
      concurrency: 16,
      timeout_ms: 60_000,
      retries: 4,
      repeats: 1,
      seed: 1,
      backoff_ms: 500,
      max_consecutive_errors: 5,
    }),
});

export type Config = z.output<typeof configSchema>;
export type TargetConfig = z.output<typeof targetSchema>;
export type ScorerConfig = z.output<typeof scorerSchema>;
export type Budgets = z.output<typeof budgets>;
export type TemplateSource = z.output<typeof templateSource>;
