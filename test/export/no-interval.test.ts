import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderOpenMetrics } from '../../src/export/openmetrics.js';
import type { Report } from '../../src/types.js';
import { needTools } from '../helpers/system-tools.js';
import { check, makeReport } from '../report/fixture.js';
import { parseExposition } from './fixture.js';

// docs/metrics.md: a check without an interval has no interval, change or p-value series; its
// budget, sample size and verdict are still written. A report's check may keep what the
// comparison computed without drawing an interval (a change of 0 and a p-value of 1 on three
// cases, the error ratio's binomial tail), which must not be exported as measurements.

/** What the tester saw: three cases, and an endpoint that answered 404 to every call. */
function tooFewCases(): Report {
  return makeReport({
    decision: 'inconclusive',
    checks: [
      check({
        metric: 'quality',
        verdict: 'inconclusive',
        delta: 0,
        ci: null,
        p_value: 1,
        n: 3,
        reason:
          'quality: insufficient data: 3 usable pairs, fewer than the 30 required (min_cases).',
      }),
      // The error ceiling's binomial tail (0.05³ for 3 errors in 3 calls) stays in the report.
      check({
        metric: 'error_rate',
        verdict: 'inconclusive',
        baseline: 0,
        candidate: 1,
        delta: 1,
        ci: null,
        budget: 0.05,
        p_value: 0.000125,
        p_adjusted: null,
        n: 3,
        reason:
          'error rate: insufficient data: 3 usable calls, fewer than the 30 required (min_cases).',
      }),
    ],
  });
}

describe('renderOpenMetrics: a check without an interval', () => {
  const text = renderOpenMetrics(tooFewCases());
  const { samples } = parseExposition(text);
  const of = (metric: string) =>
    Object.fromEntries(
      samples
        .filter((s) => s.labels.metric === metric && s.labels.slice === 'all')
        .map((s) => [s.labels.state ? `${s.name}:${s.labels.state}` : s.name, s.value]),
    );

  it('writes its budget, sample size and verdict, and no change, interval or p-value', () => {
    expect(of('quality')).toEqual({
      evalgate_check_budget: 0.02,
      evalgate_check_sample_size: 3,
      'evalgate_check_verdict:pass': 0,
      'evalgate_check_verdict:fail': 0,
      'evalgate_check_verdict:inconclusive': 1,
    });
    expect(of('error_rate')).toEqual({
      evalgate_check_budget: 0.05,
      evalgate_check_sample_size: 3,
      'evalgate_check_verdict:pass': 0,
      'evalgate_check_verdict:fail': 0,
      'evalgate_check_verdict:inconclusive': 1,
    });
  });

  it('still writes every figure of a check that has one, a p-adjusted included', () => {
    const withInterval = makeReport({
      checks: [check({ metric: 'quality', verdict: 'pass', p_adjusted: 0.4 })],
    });
    const names = parseExposition(renderOpenMetrics(withInterval))
      .samples.filter((s) => s.name.startsWith('evalgate_check_') && !s.labels.state)
      .map((s) => s.name);
    expect(names).toEqual([
      'evalgate_check_change',
      'evalgate_check_interval_lower',
      'evalgate_check_interval_upper',
      'evalgate_check_budget',
      'evalgate_check_p_value',
      'evalgate_check_adjusted_p_value',
      'evalgate_check_sample_size',
    ]);
  });

  const tools = needTools('promtool');
  it.skipIf(tools.skip)('passes promtool check metrics', () => {
    const r = spawnSync(tools.path.promtool, ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
    });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });
});
