import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Budgets } from '../../src/config/schema.js';
import { buildChecks, type CheckSettings } from '../../src/gate/checks.js';
import { decide, summarize } from '../../src/gate/decide.js';
import { renderConsole } from '../../src/report/console.js';
import { formatInterval } from '../../src/report/format.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { pastBudget } from '../../src/stats/past-budget.js';
import { createRng } from '../../src/stats/rng.js';
import type { CaseReport, Check, MetricName, SideResult } from '../../src/types.js';
import { makeReport, side } from '../report/fixture.js';

// One interval, one verdict (issue 10, item 1): over thousands of generated runs (case counts,
// scores, latencies, errors, costs, clusters, slices, budgets, confidence), every check that
// shows an interval fails exactly when the whole interval is past its budget, passes exactly when
// it is wholly within, and is inconclusive otherwise; its adjusted p-value is at most α exactly
// when it fails. Rendered, every interval a surface prints for a check is that check's interval.

const DROPS: ReadonlySet<MetricName> = new Set(['quality', 'pass_rate']);

/** Where the check's interval sits against its budget, read off the interval alone. */
function placement(c: Check): 'past' | 'within' | 'straddles' {
  const [lo, hi] = c.ci!;
  // As a reader would: an end that equals the budget up to float rounding is within it.
  const [optimistic, pessimistic] = DROPS.has(c.metric) ? [-hi, -lo] : [lo, hi];
  return pastBudget(optimistic, c.budget)
    ? 'past'
    : pastBudget(pessimistic, c.budget)
      ? 'straddles'
      : 'within';
}

const VERDICT = { past: 'fail', within: 'pass', straddles: 'inconclusive' } as const;

const option = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

const runs = fc.record({
  n: fc.integer({ min: 3, max: 150 }),
  slices: fc.integer({ min: 0, max: 4 }),
  binary: fc.boolean(),
  drop: fc.double({ min: -0.1, max: 0.5, noNaN: true }),
  slowdown: fc.double({ min: 0.7, max: 1.8, noNaN: true }),
  errors: fc.constantFrom(0, 0, 0.02, 0.1, 0.3),
  pricier: fc.double({ min: 0.8, max: 1.5, noNaN: true }),
  clustered: fc.boolean(),
  streamed: fc.boolean(),
  confidence: fc.constantFrom(0.8, 0.9, 0.95, 0.975, 0.99),
  minCases: fc.integer({ min: 2, max: 40 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  budgets: fc.record({
    quality: option(fc.double({ min: 0, max: 0.15, noNaN: true })),
    pass_rate: option(fc.double({ min: 0, max: 0.15, noNaN: true })),
    latency_p95: option(fc.double({ min: 0, max: 0.5, noNaN: true })),
    ttft_p95: option(fc.double({ min: 0, max: 0.5, noNaN: true })),
    cost: option(fc.double({ min: 0, max: 0.5, noNaN: true })),
    error_rate: option(fc.double({ min: 0.001, max: 0.3, noNaN: true })),
    drift: option(fc.double({ min: 0.01, max: 0.5, noNaN: true })),
  }),
});

type Run = typeof runs extends fc.Arbitrary<infer T> ? T : never;

function budgetsOf(b: Run['budgets']): Budgets {
  const out: Budgets = {};
  if (b.quality !== undefined) out.quality = { max_drop: b.quality };
  if (b.pass_rate !== undefined) out.pass_rate = { max_drop: b.pass_rate };
  if (b.latency_p95 !== undefined) out.latency_p95 = { max_increase: b.latency_p95 };
  if (b.ttft_p95 !== undefined) out.ttft_p95 = { max_increase: b.ttft_p95 };
  if (b.cost !== undefined) out.cost = { max_increase: b.cost };
  if (b.error_rate !== undefined) out.error_rate = { max: b.error_rate };
  if (b.drift !== undefined) out.drift = { max_psi: b.drift };
  return out;
}

function generate(r: Run): { cases: CaseReport[]; settings: CheckSettings } {
  const rng = createRng(r.seed);
  const failed = (x: SideResult): SideResult => ({
    ...x,
    score: 0,
    pass: false,
    error: { kind: 'http_5xx', message: 'HTTP 500' },
  });
  const cases: CaseReport[] = [];
  for (let i = 0; i < r.n; i++) {
    const b = r.binary ? (rng() < 0.8 ? 1 : 0) : rng();
    let c: number;
    if (r.binary) c = b === 1 ? (rng() < r.drop ? 0 : 1) : rng() < 0.1 ? 1 : 0;
    else c = Math.min(1, Math.max(0, b - r.drop * rng() + 0.2 * (rng() - 0.5)));
    const latency = 200 + 800 * rng();
    const ttft = r.streamed ? { ttft_ms: latency / 4 } : { ttft_ms: undefined };
    let baseline = side({ score: b, pass: b >= 0.5, latency_ms: latency, cost_usd: 1e-4, ...ttft });
    let candidate = side({
      score: c,
      pass: c >= 0.5,
      latency_ms: latency * r.slowdown * (0.8 + 0.4 * rng()),
      ...(r.streamed ? { ttft_ms: (latency / 4) * r.slowdown } : { ttft_ms: undefined }),
      cost_usd: 1e-4 * r.pricier * (0.9 + 0.2 * rng()),
    });
    if (rng() < r.errors) candidate = failed(candidate);
    if (rng() < r.errors / 3) baseline = failed(baseline);
    cases.push({
      id: `c${i}`,
      slices: r.slices ? [`tags=s${i % r.slices}`] : [],
      baseline,
      candidate,
      ...(r.clustered ? { cluster: `conv=${Math.floor(i / 3)}` } : {}),
    });
  }
  const budgets = budgetsOf(r.budgets);
  return {
    cases,
    settings: {
      budgets,
      confidence: r.confidence,
      minCases: r.minCases,
      seed: r.seed,
      resamples: 199,
      ...(r.slices ? { slices: { by: ['tags'], min_cases: r.minCases, budgets } } : {}),
    },
  };
}

function expectCoherent(checks: Check[], confidence: number): void {
  const alpha = 1 - confidence;
  for (const c of checks) {
    const where = `${c.metric} [${c.slice}]: ${c.reason}`;
    if (c.ci === null) {
      expect(c.verdict, where).toBe('inconclusive');
      expect(c.p_adjusted ?? null, where).toBeNull();
      continue;
    }
    expect(c.verdict, where).toBe(VERDICT[placement(c)]);
    if (c.p_adjusted !== null && c.p_adjusted !== undefined)
      expect(c.p_adjusted <= alpha, where).toBe(c.verdict === 'fail');
    else expect(c.verdict, where).not.toBe('fail');
    // The reason states the interval the verdict is based on, and says when it is adjusted.
    expect(c.reason, where).toContain(formatInterval(c.metric, c.ci));
    if (c.adjustment) {
      expect(c.adjustment.tests, where).toBeGreaterThan(1);
      expect(c.adjustment.level, where).toBeGreaterThanOrEqual(confidence);
      expect(c.reason, where).toContain(`adjusted for ${c.adjustment.tests} `);
    }
  }
}

/** Every `CI a..b` a rendered surface prints. */
function printedIntervals(text: string): string[] {
  return [...text.matchAll(/CI ([^\s,;)|<]+\.\.[^\s,;)|<]+)/g)].map((m) => m[1]!);
}

describe('one interval, one verdict', () => {
  // 1,500 generated runs: the limit only guards a hang on a loaded machine.
  it('fail ⇔ the interval is past the budget, pass ⇔ within, p_adjusted ≤ α ⇔ fail', {
    timeout: 180_000,
  }, () => {
    let shown = 0;
    let adjusted = 0;
    let fails = 0;
    fc.assert(
      fc.property(runs, (r) => {
        const { cases, settings } = generate(r);
        const { checks } = buildChecks(cases, settings);
        expectCoherent(checks, r.confidence);
        shown += checks.filter((c) => c.ci).length;
        adjusted += checks.filter((c) => c.adjustment).length;
        fails += checks.filter((c) => c.verdict === 'fail').length;
      }),
      { seed: 31, numRuns: 1500 },
    );
    // The generator reaches what the property is about: intervals, adjustments and failures.
    expect(shown).toBeGreaterThan(3000);
    expect(adjusted).toBeGreaterThan(1500);
    expect(fails).toBeGreaterThan(300);
  });

  it('prints for each check its own interval and no other, on every surface', {
    timeout: 180_000,
  }, () => {
    fc.assert(
      fc.property(runs, (r) => {
        const { cases, settings } = generate(r);
        const { checks } = buildChecks(cases, settings);
        const decision = decide(checks);
        const base = makeReport();
        const report = makeReport({
          decision,
          summary: summarize(decision, checks, r.confidence),
          checks,
          meta: { ...base.meta, confidence: r.confidence },
        });
        const own = new Set(checks.flatMap((c) => (c.ci ? [formatInterval(c.metric, c.ci)] : [])));
        for (const [surface, text] of [
          ['markdown', renderMarkdown(report)],
          ['console', renderConsole(report)],
          ['junit', renderJunit(report)],
          ['summary', report.summary],
        ] as const) {
          for (const printed of printedIntervals(text))
            expect(own.has(printed), `${surface} printed CI ${printed}`).toBe(true);
        }
        // The checks table shows every check's interval (the summary line shows the first).
        const table = renderMarkdown(report);
        for (const shownCi of own) expect(table).toContain(`CI ${shownCi}`);
      }),
      { seed: 32, numRuns: 150 },
    );
  });
});
