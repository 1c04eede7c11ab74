import { describe, expect, it } from 'vitest';
import { populationNote } from '../../src/report/population.js';
import { formatChange } from '../../src/report/table.js';
import type { Report } from '../../src/types.js';
import { check, makeReport } from './fixture.js';

// gate.sequential: a check settled at an early look shows the interval that look decided on,
// whose ends are at the look's levels (near 100% at first), and the figures of that look's cases.

const look = { look: 1, looks: 4, cases: 100, level: 0.9999, pass_level: 0.9998 };

function sequentialReport(): Report {
  const report = makeReport();
  report.meta.sequential = {
    method: 'group-sequential',
    planned_cases: 400,
    planned_looks: [100, 200, 300, 400],
    stopped_at_case: 200,
    reason: 'settled: every check failed',
    looks: [],
  };
  return report;
}

describe('a check settled at an earlier look', () => {
  const settled = check({
    metric: 'quality',
    verdict: 'fail',
    baseline: 0.95,
    candidate: 0.47,
    delta: -0.48,
    ci: [-0.676, -0.284],
    look,
  });

  it('does not call its interval a 95% CI', () => {
    expect(formatChange(settled, 0.95)).toBe('-48.0 pts (group-sequential CI -67.6..-28.4)');
    // A check of a fixed-size run keeps the gate's confidence.
    expect(formatChange({ ...settled, look: undefined }, 0.95)).toBe(
      '-48.0 pts (95% CI -67.6..-28.4)',
    );
  });

  it('says its figures are the look’s cases, not that baselines went unscored', () => {
    const note = populationNote(settled, sequentialReport());
    expect(note).toBe(
      'settled at look 1 of 4, over the first 100 cases of the shuffled order; the targets table counts all 200 cases the run used',
    );
  });
});
