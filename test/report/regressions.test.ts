import { describe, expect, it } from 'vitest';
import {
  allRegressions,
  improvedCases,
  improvementOf,
  regressionOf,
  topRegressions,
} from '../../src/report/regressions.js';
import type { CaseReport } from '../../src/types.js';
import { makeReport, side } from './fixture.js';

function c(id: string, base: number | null, cand: number | null, extra: Partial<CaseReport> = {}) {
  return {
    id,
    slices: [],
    ...(base === null ? {} : { baseline: side({ score: base, pass: base >= 0.5 }) }),
    ...(cand === null ? {} : { candidate: side({ score: cand, pass: cand >= 0.5 }) }),
    ...extra,
  } as CaseReport;
}

describe('regressionOf', () => {
  it('finds score drops, candidate errors and new failures; ignores the rest', () => {
    expect(regressionOf(c('same', 1, 1))).toBeNull();
    expect(regressionOf(c('better', 0.5, 1))).toBeNull();
    expect(regressionOf(c('noise', 0.7, 0.7 - 1e-12))).toBeNull();
    expect(regressionOf(c('no-candidate', 1, null))).toBeNull();
    expect(regressionOf(c('drop', 1, 0.6))).toMatchObject({ drop: 0.4, baselineScore: 1 });
    const err = c('err', 0.5, 0.5);
    err.candidate!.error = { kind: 'http_5xx', message: '502' };
    expect(regressionOf(err)).toMatchObject({ drop: 0.5, candidateError: { kind: 'http_5xx' } });
    const flip = c('flip', 0.7, 0.7);
    flip.candidate!.pass = false;
    expect(regressionOf(flip)).toMatchObject({ drop: 0, newlyFailing: true });
    const lone = c('lone', null, 0);
    lone.candidate!.error = { kind: 'timeout', message: 't' };
    expect(regressionOf(lone)).toMatchObject({ baselineScore: null, drop: 0 });
  });
});

describe('topRegressions', () => {
  const report = makeReport({
    cases: [
      c('small', 1, 0.9),
      c('big', 1, 0.1),
      c('better', 0, 1),
      c('mid-b', 1, 0.5),
      c('mid-a', 1, 0.5),
    ],
  });

  it('orders by largest drop, then id', () => {
    expect(allRegressions(report).map((r) => r.case.id)).toEqual([
      'big',
      'mid-a',
      'mid-b',
      'small',
    ]);
  });

  it('puts an error ahead of an equal score drop and counts it as a drop to 0', () => {
    const err = c('err', 1, 0);
    err.candidate!.error = { kind: 'timeout', message: 'slow' };
    const r = makeReport({ cases: [c('zero', 1, 0), err, c('big', 1, 0.1)] });
    expect(allRegressions(r).map((x) => x.case.id)).toEqual(['err', 'zero', 'big']);
  });

  it('limits', () => {
    expect(topRegressions(report, 2).map((r) => r.case.id)).toEqual(['big', 'mid-a']);
    expect(topRegressions(report, 0)).toEqual([]);
    expect(topRegressions(report)).toHaveLength(4);
  });
});

describe('improvementOf', () => {
  it('finds score gains, fixed baseline errors and new passes; never a regressed case', () => {
    expect(improvementOf(c('same', 1, 1))).toBeNull();
    expect(improvementOf(c('worse', 1, 0.5))).toBeNull();
    expect(improvementOf(c('noise', 0.7, 0.7 + 1e-12))).toBeNull();
    expect(improvementOf(c('no-baseline', null, 1))).toBeNull();
    expect(improvementOf(c('no-candidate', 0, null))).toBeNull();
    expect(improvementOf(c('gain', 0.25, 1))).toMatchObject({ gain: 0.75, newlyPassing: true });
    const fixed = c('fixed', 0, 0.4);
    fixed.baseline!.error = { kind: 'http_5xx', message: '502' };
    expect(improvementOf(fixed)).toMatchObject({ gain: 0.4, baselineError: { kind: 'http_5xx' } });
    const flip = c('flip', 0.7, 0.7);
    flip.baseline!.pass = false;
    expect(improvementOf(flip)).toMatchObject({ gain: 0, newlyPassing: true });
    // Higher score but a new failure (another scorer's threshold): a regression, not both.
    const mixed = c('mixed', 0.6, 0.9);
    mixed.candidate!.pass = false;
    expect(regressionOf(mixed)).not.toBeNull();
    expect(improvementOf(mixed)).toBeNull();
    // A candidate error is a regression even when the baseline errored too.
    const both = c('both', 0, 0);
    both.baseline!.error = { kind: 'timeout', message: 't' };
    both.candidate!.error = { kind: 'timeout', message: 't' };
    expect(improvementOf(both)).toBeNull();
  });
});

describe('improvedCases', () => {
  it('orders by largest gain, then fixed errors, then new passes, then id, and limits', () => {
    const fixed = c('fixed', 0, 0.5);
    fixed.baseline!.error = { kind: 'timeout', message: 'slow' };
    const flip = c('flip', 0.7, 0.7);
    flip.baseline!.pass = false;
    const report = makeReport({
      cases: [
        c('small', 0.8, 0.9),
        flip,
        c('big', 0, 1),
        c('mid', 0.5, 1),
        fixed,
        c('worse', 1, 0),
      ],
    });
    expect(improvedCases(report).map((r) => r.case.id)).toEqual([
      'big',
      'fixed',
      'mid',
      'small',
      'flip',
    ]);
    expect(improvedCases(report, 2).map((r) => r.case.id)).toEqual(['big', 'fixed']);
    expect(improvedCases(report, 0)).toEqual([]);
  });
});
