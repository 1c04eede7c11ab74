import { describe, expect, it } from 'vitest';
import { renderCaseTable } from '../../src/cli/show.js';
import { improvedCases } from '../../src/report/regressions.js';
import { HOSTILE_OUTPUT, makeReport, side } from '../report/fixture.js';

const report = makeReport({
  cases: [
    { id: 'same', slices: ['tags=a'], baseline: side(), candidate: side() },
    {
      id: 'worse',
      slices: ['tags=a'],
      baseline: side(),
      candidate: side({ score: 0.4, pass: false, output: HOSTILE_OUTPUT }),
    },
    {
      id: 'better',
      slices: [],
      baseline: side({ score: 0, pass: false }),
      candidate: side({ score: 1, latency_ms: 2000 }),
    },
    {
      id: 'slightly-better',
      slices: [],
      baseline: side({ score: 0.5 }),
      candidate: side({ score: 0.75 }),
    },
    {
      id: 'errored',
      slices: [],
      baseline: side(),
      candidate: side({
        output: null,
        score: 0,
        pass: false,
        error: { kind: 'timeout', message: 'no answer' },
      }),
    },
  ],
});

const idsOf = (table: string) =>
  table
    .split('\n')
    .slice(2)
    .filter(Boolean)
    .map((l) => l.split(/\s+/)[0]);

describe('--show', () => {
  it('all: every case, in report order, with scores, pass, latency, outputs and errors', () => {
    const t = renderCaseTable(report, 'all');
    expect(t.split('\n')[0]).toBe('All cases (5):');
    expect(t.split('\n')[1]).toMatch(
      /^Case\s+Slices\s+Baseline\s+Candidate\s+Change\s+Base ms\s+Cand ms/,
    );
    expect(idsOf(t)).toEqual(['same', 'worse', 'better', 'slightly-better', 'errored']);
    expect(t).toMatch(/worse\s+tags=a\s+1\.00 pass\s+0\.40 FAIL\s+-0\.60\s+812 ms\s+812 ms/);
    expect(t).toMatch(/errored .* candidate: timeout: no answer/);
    expect(t).toContain('2000 ms');
  });

  it('regressed: the regressed cases, worst first', () => {
    const t = renderCaseTable(report, 'regressed');
    expect(t.split('\n')[0]).toBe('Regressed cases (2 of 5):');
    expect(idsOf(t)).toEqual(['errored', 'worse']);
  });

  it('improved: the improved cases, largest gain first', () => {
    expect(improvedCases(report).map((r) => r.case.id)).toEqual(['better', 'slightly-better']);
    const t = renderCaseTable(report, 'improved');
    expect(t.split('\n')[0]).toBe('Improved cases (2 of 5):');
    expect(idsOf(t)).toEqual(['better', 'slightly-better']);
    expect(renderCaseTable(makeReport({ cases: [report.cases[0]!] }), 'improved')).toBe(
      'Improved cases (0 of 1): none\n',
    );
  });

  it('keeps endpoint text to one short line with nothing that drives a terminal', () => {
    const t = renderCaseTable(report, 'regressed');
    expect(t).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(t.split('\n')).toHaveLength(2 + 2 + 1);
    expect(t).toContain('…');
  });
});
