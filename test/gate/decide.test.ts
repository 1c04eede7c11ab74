import { describe, expect, it } from 'vitest';
import { decide, sortChecks, summarize } from '../../src/gate/decide.js';
import { blocks, exitCodeForDecision } from '../../src/gate/exit-code.js';
import type { Check, Decision, Verdict } from '../../src/types.js';

function check(
  metric: Check['metric'],
  verdict: Verdict,
  slice: string | null = null,
  extra: Partial<Check> = {},
): Check {
  return {
    metric,
    slice,
    baseline: 0.91,
    candidate: 0.849,
    delta: -0.061,
    ci: [-0.079, -0.044],
    budget: 0.02,
    p_value: 0.0001,
    n: 2000,
    verdict,
    reason: `${metric} ${verdict}`,
    ...extra,
  };
}

describe('decide', () => {
  it.each<[Verdict[], Decision]>([
    [[], 'pass'],
    [['pass', 'pass'], 'pass'],
    [['pass', 'inconclusive'], 'inconclusive'],
    [['inconclusive', 'fail', 'pass'], 'fail'],
    [['fail'], 'fail'],
  ])('%j → %s', (verdicts, decision) => {
    expect(decide(verdicts.map((v) => check('quality', v)))).toBe(decision);
  });
});

describe('sortChecks', () => {
  it('puts failures first, then inconclusive, then passes; the whole set before slices', () => {
    const checks = [
      check('quality', 'pass', 'tags=a'),
      check('cost', 'pass'),
      check('quality', 'fail', 'tags=billing'),
      check('latency_p95', 'inconclusive'),
      check('pass_rate', 'fail'),
      check('quality', 'inconclusive', 'tags=b'),
      check('error_rate', 'pass'),
    ];
    const copy = [...checks];
    const sorted = sortChecks(checks);
    expect(sorted.map((c) => `${c.verdict} ${c.metric} ${c.slice ?? '*'}`)).toEqual([
      'fail pass_rate *',
      'fail quality tags=billing',
      'inconclusive latency_p95 *',
      'inconclusive quality tags=b',
      'pass cost *',
      'pass error_rate *',
      'pass quality tags=a',
    ]);
    expect(checks).toEqual(copy); // the input is left as it was
  });
});

describe('summarize', () => {
  it('says when nothing was gated', () => {
    expect(summarize('pass', [], 0.95)).toBe(
      'pass: no budgets are configured, so nothing was gated',
    );
  });

  it('counts the checks of a pass', () => {
    expect(summarize('pass', [check('quality', 'pass'), check('cost', 'pass')], 0.95)).toBe(
      'pass: all 2 checks within budget',
    );
  });

  it('leads a block with the worst check on the whole set, and counts the other failures', () => {
    const checks = [
      check('quality', 'fail', 'tags=billing'),
      check('cost', 'pass'),
      check('quality', 'fail'),
      check('latency_p95', 'fail', null, { delta: 0.31, ci: [0.22, 0.4], budget: 0.2 }),
    ];
    expect(summarize('fail', checks, 0.95)).toBe(
      'blocked: quality -6.1 pts (95% CI -7.9..-4.4) vs the 2 pts budget (and 2 more)',
    );
  });

  it('words an error-rate block as a ceiling', () => {
    const checks = [
      check('error_rate', 'fail', null, { candidate: 0.05, ci: [0.03, 0.07], budget: 0.01 }),
    ];
    expect(summarize('fail', checks, 0.9)).toBe(
      'blocked: error rate 5.0% (90% CI 3.0%..7.0%) vs ceiling 1%',
    );
  });

  it('says "insufficient data" for an inconclusive check without an interval', () => {
    const checks = [
      check('cost', 'pass'),
      check('quality', 'inconclusive', 'tags=x', { ci: null, delta: null }),
    ];
    expect(summarize('inconclusive', checks, 0.95)).toBe(
      'inconclusive: quality [tags=x]: insufficient data',
    );
  });
});

describe('blocks / exitCodeForDecision', () => {
  it.each<[Decision, 'pass' | 'fail', boolean, number]>([
    ['pass', 'pass', false, 0],
    ['pass', 'fail', false, 0],
    ['fail', 'pass', true, 1],
    ['fail', 'fail', true, 1],
    ['inconclusive', 'pass', false, 0],
    ['inconclusive', 'fail', true, 1],
  ])(
    '%s with on_inconclusive %s → blocks %s, exit %d',
    (decision, onInconclusive, blocked, code) => {
      expect(blocks(decision, onInconclusive)).toBe(blocked);
      expect(exitCodeForDecision(decision, onInconclusive)).toBe(code);
    },
  );
});
