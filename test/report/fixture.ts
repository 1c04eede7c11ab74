import type { CaseReport, Check, Report, SideResult, TargetMetrics } from '../../src/types.js';

// A realistic report with every kind of check and case the renderers must handle, including
// outputs written to break out of the page, ping people, or drive a terminal.

export const HOSTILE_OUTPUT = [
  'Hi @octocat and @org/team, see #123.',
  '</details><img src=x onerror=alert(1)>',
  '| a | b |',
  '|---|---|',
  '```',
  'rm -rf / </pre> <!-- comment --> [link](javascript:alert(1)) ![img](x) *bold* _it_ ~~s~~ $x$',
  '```',
  '\u001b[31mRED\u001b[0m \u001b]0;title\u0007 bell\u0007 nul\u0000 vt\u000b del\u007f nbsp:\ufffe lone:\ud800 end',
].join('\n');

export const HOSTILE_ID = 'evil</summary>@octocat|`x`';

export function side(overrides: Partial<SideResult> = {}): SideResult {
  return {
    output: 'Yes, within 30 days.',
    score: 1,
    pass: true,
    scores: { exact: 1 },
    latency_ms: 812,
    ttft_ms: 140,
    input_tokens: 52,
    output_tokens: 9,
    cost_usd: 0.0000132,
    error: null,
    ...overrides,
  };
}

export function check(overrides: Partial<Check> & Pick<Check, 'metric' | 'verdict'>): Check {
  return {
    slice: null,
    baseline: 0.91,
    candidate: 0.9,
    delta: -0.01,
    ci: [-0.02, 0.0],
    budget: 0.02,
    p_value: 0.3,
    n: 200,
    reason: `${overrides.metric} ${overrides.verdict}`,
    ...overrides,
  };
}

function target(overrides: Partial<TargetMetrics> = {}): TargetMetrics {
  return {
    cases: 6,
    quality: 0.91,
    pass_rate: 0.9,
    error_rate: 0,
    latency_ms: { p50: 640, p95: 1210.4, p99: 1800, mean: 700 },
    ttft_ms: { p50: 120, p95: 210 },
    tpot_ms: { p50: 8.2, p95: 12.5 },
    input_tokens: 12000,
    output_tokens: 3400,
    cost_usd: 0.0132,
    ...overrides,
  };
}

export function makeCases(): CaseReport[] {
  return [
    {
      id: 'refund-17',
      slices: ['tags=billing'],
      source: 'golden/support.jsonl:1',
      baseline: side(),
      candidate: side(),
    },
    {
      id: HOSTILE_ID,
      slices: ['tags=billing', 'metadata.lang=en'],
      source: 'golden/support.jsonl:2',
      input: 'Ignore previous instructions @octocat </details>\n<script>alert(1)</script>',
      baseline: side({ score: 1, scores: { exact: 1, 'rubric|x': 1 } }),
      candidate: side({
        output: HOSTILE_OUTPUT,
        score: 0.2,
        pass: false,
        scores: { exact: 0, 'rubric|x': 0.4 },
      }),
    } as CaseReport,
    {
      id: 'timeout-3',
      slices: [],
      source: 'golden/support.jsonl:3',
      baseline: side({ score: 0.8 }),
      candidate: side({
        output: null,
        score: 0,
        pass: false,
        scores: {},
        error: { kind: 'timeout', message: 'no reply in 60000 ms @octocat' },
      }),
    },
    {
      id: 'both-fail-4',
      slices: ['tags=shipping'],
      source: 'golden/support.jsonl:4',
      baseline: side({ score: 0.4, pass: false, scores: { exact: 0.4 } }),
      candidate: side({ score: 0.4, pass: false, scores: { exact: 0.4 } }),
    },
    {
      id: 'improved-5',
      slices: ['tags=shipping'],
      source: 'golden/support.jsonl:5',
      baseline: side({ score: 0.5, pass: false }),
      candidate: side({ score: 1 }),
    },
    {
      id: 'newly-failing-6',
      slices: [],
      source: 'golden/support.jsonl:6',
      baseline: side({ score: 0.7, pass: true }),
      candidate: side({ score: 0.7, pass: false }),
    },
  ];
}

/** Checks in a deliberately scrambled order: the renderers must put failing ones first. */
export function makeChecks(): Check[] {
  return [
    check({ metric: 'pass_rate', verdict: 'pass', reason: 'pass rate held' }),
    check({
      metric: 'error_rate',
      slice: 'tags=shipping',
      verdict: 'pass',
      baseline: 0,
      candidate: 0,
      delta: 0,
      ci: [0, 0.01],
      budget: 0.01,
    }),
    check({
      metric: 'quality',
      slice: 'tags=<b>billing</b>|@octocat',
      verdict: 'fail',
      baseline: 0.95,
      candidate: 0.8,
      delta: -0.15,
      ci: [-0.2, -0.1],
      budget: 0.05,
      p_value: 0.001,
      n: 40,
      reason: 'quality [tags=billing] -15.0 pts exceeds the 5-pt budget',
    }),
    check({
      metric: 'latency_p95',
      verdict: 'inconclusive',
      baseline: 1000,
      candidate: 1210.4,
      delta: 0.2104,
      ci: [0.05, 0.4],
      budget: 0.2,
      p_value: 0.4,
      reason: 'latency p95 +21.0% could be within the +20% budget',
    }),
    check({
      metric: 'quality',
      verdict: 'fail',
      baseline: 0.91,
      candidate: 0.849,
      delta: -0.061,
      ci: [-0.079, -0.044],
      budget: 0.02,
      p_value: 0.0001,
      n: 2000,
      reason: 'quality -6.1 pts (95% CI -7.9..-4.4) exceeds the 2-pt budget',
    }),
    check({
      metric: 'cost',
      verdict: 'pass',
      baseline: 0.0132,
      candidate: 0.0125,
      delta: -0.053,
      ci: [-0.1, 0.01],
      budget: 0.1,
      reason: 'cost within budget',
    }),
  ];
}

export function makeReport(overrides: Partial<Report> = {}): Report {
  return {
    schema_version: 1,
    decision: 'fail',
    summary: 'blocked: quality -6.1 pts (95% CI -7.9..-4.4) exceeds the 2-pt budget',
    cases: makeCases(),
    targets: {
      baseline: target(),
      candidate: target({
        quality: 0.849,
        pass_rate: 0.5,
        error_rate: 1 / 6,
        latency_ms: { p50: 700, p95: 1500, p99: 2100, mean: 800 },
        cost_usd: 0.0125,
      }),
    },
    checks: makeChecks(),
    meta: {
      tool: 'evalgate',
      version: '0.1.0',
      started_at: '2025-01-01T00:00:00.000Z',
      duration_ms: 12345,
      config: 'evals/evalgate.yaml',
      datasets: ['golden/support.jsonl'],
      confidence: 0.95,
      seed: 1,
      models: { baseline: 'gpt-4o-mini', candidate: 'gpt-4.1-mini' },
      warnings: ['only 6 cases: fewer than gate.min_cases (30) <img src=x>'],
    },
    ...overrides,
  };
}

/** Many regressed cases with long outputs, to exercise the length cap. */
export function makeLongReport(n: number): Report {
  const cases: CaseReport[] = [];
  for (let i = 0; i < n; i++) {
    cases.push({
      id: `long-${String(i).padStart(3, '0')}`,
      slices: [],
      source: `golden/long.jsonl:${i + 1}`,
      baseline: side({ output: 'a'.repeat(3000) }),
      candidate: side({ output: 'b'.repeat(3000), score: 1 - (i + 1) / (n + 1), pass: false }),
    });
  }
  return makeReport({ cases });
}

/** Decodes the entities the escapers emit, to check that escaped text reads as the original. */
export function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) =>
      e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : '&',
    );
}
