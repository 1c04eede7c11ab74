import * as z from 'zod';
import { parseDuration } from './duration.js';

// The `live:` section: a Prometheus server and the metrics `evalgate canary` compares between
// the baseline (stable) and the candidate (canary) while both serve real traffic.

/** Prometheus answers at most 11,000 points per series in one range query. */
export const MAX_POINTS = 11_000;
export const MAX_LIVE_METRICS = 100;
/** A PromQL query is a line or a few, never a file's worth. */
const MAX_QUERY_CHARS = 8192;

const duration = (what: string) =>
  z
    .string()
    .refine((s) => parseDuration(s) !== undefined && parseDuration(s)! > 0, {
      message: `must be a duration such as 15s, 5m or 1h (${what})`,
    })
    .describe(what);

const envName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'must be the NAME of an environment variable, e.g. PROM_TOKEN',
  );

// A label value goes inside a double-quoted PromQL string: a quote or backslash would let it
// rewrite the query.
const labelValue = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^"\\\n\r]*$/, 'must not contain quotes, backslashes or line breaks');

const query = z
  .string()
  .min(1)
  .max(MAX_QUERY_CHARS, `must be at most ${MAX_QUERY_CHARS} characters`);

const budget = z
  .strictObject({
    max_increase: z
      .union([z.number(), z.string()])
      .transform((v, ctx) => {
        if (typeof v === 'number') return v;
        const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
        if (m) return Number(m[1]) / 100;
        ctx.addIssue({
          code: 'custom',
          message: `expected a number or a percent such as "20%", got "${v}"`,
        });
        return z.NEVER;
      })
      .pipe(z.number().min(0, 'must not be negative').max(100, 'is implausibly large'))
      .optional()
      .describe('the largest relative increase of the mean allowed: 0.2 or "20%" (bad: increase)'),
    max_drop: z
      .number()
      .min(0, 'must not be negative')
      .optional()
      .describe(
        "the largest absolute drop of the mean allowed, in the metric's units (bad: decrease)",
      ),
    max: z
      .number()
      .optional()
      .describe("the canary's highest allowed mean, in the metric's units (bad: increase)"),
  })
  .describe('exactly one of max_increase, max_drop, max');

export const liveMetricSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a name such as error_ratio (letters, digits, _)')
    .max(100)
    .describe('names the check in the report'),
  query: query.optional().describe('PromQL with {{target}}, filled from `targets` for each side'),
  targets: z
    .strictObject({
      baseline: labelValue.describe('what {{target}} becomes for the baseline'),
      candidate: labelValue.describe('what {{target}} becomes for the canary'),
    })
    .optional()
    .describe('what {{target}} becomes for each side'),
  baseline_query: query.optional().describe("the baseline's PromQL (instead of query + targets)"),
  candidate_query: query.optional().describe("the canary's PromQL (instead of query + targets)"),
  bad: z
    .enum(['increase', 'decrease'])
    .optional()
    .describe('which direction is a regression (default: what the budget implies)'),
  budget,
  critical: z
    .boolean()
    .default(false)
    .describe('blocks unless shown within budget: a fail or an inconclusive verdict blocks'),
  must_have_data: z
    .boolean()
    .default(false)
    .describe(
      'no samples on either side is "could not judge" (exit 3); else the check is inconclusive',
    ),
  missing: z
    .enum(['ignore', 'zero', 'fail'])
    .default('ignore')
    .describe(
      'a step with no sample: ignore it, count it as 0 (counters of rare events), or fail (exit 3)',
    ),
});

export const liveSchema = z
  .strictObject({
    prometheus: z
      .strictObject({
        url: z
          .url({
            protocol: /^https?$/,
            message: 'must be an http(s) URL, e.g. http://127.0.0.1:9090',
          })
          .describe("the server's root (the API is at {url}/api/v1)"),
        token_env: envName.optional().describe('the env var holding a bearer token (optional)'),
        ca_file: z
          .string()
          .min(1)
          .optional()
          .describe("a PEM file of CA certificates for https (relative to the config's folder)"),
        insecure_skip_verify: z
          .boolean()
          .default(false)
          .describe('accept any TLS certificate (test servers only)'),
        timeout_ms: z.number().int().min(1).max(600_000).default(30_000).describe('per query'),
      })
      .describe('the Prometheus server (or anything speaking its HTTP API)'),
    step: duration('the resolution of the range queries').default('15s'),
    min_samples: z
      .number()
      .int()
      .min(3)
      .max(MAX_POINTS)
      .default(10)
      .describe('fewer samples on a side is inconclusive (or exit 3 with must_have_data and none)'),
    metrics: z
      .array(liveMetricSchema)
      .min(1, 'needs at least one metric')
      .max(MAX_LIVE_METRICS, `at most ${MAX_LIVE_METRICS} metrics`)
      .describe('what to compare between the baseline and the canary'),
  })
  .superRefine((live, ctx) => {
    const seen = new Set<string>();
    live.metrics.forEach((m, i) => {
      const at = (...rest: (string | number)[]) => ['metrics', i, ...rest];
      if (seen.has(m.name)) {
        ctx.addIssue({ code: 'custom', path: at('name'), message: `"${m.name}" is named twice` });
      }
      seen.add(m.name);
      const pair = m.baseline_query !== undefined || m.candidate_query !== undefined;
      if (m.query !== undefined && pair) {
        ctx.addIssue({
          code: 'custom',
          path: at('query'),
          message:
            'give either query (with targets) or baseline_query and candidate_query, not both',
        });
      } else if (m.query !== undefined) {
        if (!m.query.includes('{{target}}'))
          ctx.addIssue({ code: 'custom', path: at('query'), message: 'must contain {{target}}' });
        if (!m.targets)
          ctx.addIssue({
            code: 'custom',
            path: at('targets'),
            message: 'is required with query: what {{target}} becomes for baseline and candidate',
          });
      } else if (pair) {
        for (const k of ['baseline_query', 'candidate_query'] as const)
          if (m[k] === undefined)
            ctx.addIssue({
              code: 'custom',
              path: at(k),
              message: `is required (with the other side's query)`,
            });
        if (m.targets)
          ctx.addIssue({ code: 'custom', path: at('targets'), message: 'only goes with query' });
      } else {
        ctx.addIssue({
          code: 'custom',
          path: at('query'),
          message: 'is required (or baseline_query and candidate_query)',
        });
      }
      const keys = Object.keys(m.budget).filter(
        (k) => m.budget[k as keyof typeof m.budget] !== undefined,
      );
      if (keys.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: at('budget'),
          message: `needs exactly one of max_increase, max_drop, max${keys.length ? `; got ${keys.join(', ')}` : ''}`,
        });
      } else if (m.bad !== undefined && m.bad !== impliedBad(keys[0] as LiveBudgetKey)) {
        ctx.addIssue({
          code: 'custom',
          path: at('budget', keys[0]!),
          message: `bounds ${impliedBad(keys[0] as LiveBudgetKey) === 'increase' ? 'an increase' : 'a drop'}, but bad is ${m.bad}: use ${m.bad === 'increase' ? 'max_increase or max' : 'max_drop'}`,
        });
      }
    });
  })
  .describe('judge a live canary from Prometheus (`evalgate canary`)');

export type LiveBudgetKey = 'max_increase' | 'max_drop' | 'max';
export type LiveConfig = z.output<typeof liveSchema>;
export type LiveMetricConfig = z.output<typeof liveMetricSchema>;

export function impliedBad(key: LiveBudgetKey): 'increase' | 'decrease' {
  return key === 'max_drop' ? 'decrease' : 'increase';
}

/** The metric's one budget: its kind and amount (the schema checked there is exactly one). */
export function budgetOf(m: LiveMetricConfig): { kind: LiveBudgetKey; amount: number } {
  for (const kind of ['max_increase', 'max_drop', 'max'] as const) {
    const amount = m.budget[kind];
    if (amount !== undefined) return { kind, amount };
  }
  throw new Error(`live metric ${m.name} has no budget`);
}
