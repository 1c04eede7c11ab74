import { describe, expect, it } from 'vitest';
import { buildChecks } from '../../src/gate/checks.js';
import { clusterWarning, likelyClusterKey, oneWay } from '../../src/gate/cluster-hint.js';
import type { CaseReport, SideResult } from '../../src/types.js';
import { side as answer } from '../report/fixture.js';

describe('oneWay', () => {
  it('gives the ANOVA ICC(1) and F-test p of a worked example', () => {
    // Groups [1,2], [3,4], … [9,10]: MSB = 20, MSW = 0.5, n0 = 2.
    const r = oneWay({
      group: Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]),
      values: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      counts: [2, 2, 2, 2, 2],
    })!;
    expect(r.icc).toBeCloseTo(19.5 / 20.5, 12);
    expect(r.f).toBeCloseTo(40, 12);
    expect(r.p).toBeCloseTo(0.0005473683146337718, 12); // scipy.stats.f.sf(40, 4, 5)
  });

  it('says nothing of outcomes that never differ', () => {
    expect(
      oneWay({ group: Int32Array.from([0, 0, 1, 1]), values: new Float64Array(4), counts: [2, 2] }),
    ).toBeUndefined();
  });
});

describe('likelyClusterKey', () => {
  // 60 conversations of 3 turns; in 20 of them the candidate loses every turn, in 20 it wins.
  const n = 180;
  const diff = (i: number) => [0, -1, 1][Math.floor(i / 3) % 3]!;
  const meta = (i: number) => ({
    conversation: `c${Math.floor(i / 3)}`,
    id: `case-${i}`,
    suite: 'all',
    lang: ['en', 'fr'][i % 2],
  });

  it('names the shared key with correlated outcomes, and not a unique id, one value for all or two values', () => {
    const h = likelyClusterKey(
      Array.from({ length: n }, (_, i) => meta(i)),
      Array.from({ length: n }, (_, i) => diff(i)),
    )!;
    expect(h).toMatchObject({ key: 'conversation', groups: 60, icc: 1 });
    expect(clusterWarning({ ...h, icc: 0.4321 })).toBe(
      'cases sharing metadata.conversation have correlated outcomes (ICC 0.43 over 60 groups); set gate.cluster_by: metadata.conversation so the intervals account for it',
    );
  });

  it('stays quiet when the groups cover too few cases or outcomes are not correlated', () => {
    const few = Array.from({ length: n }, (_, i) => (i < 30 ? meta(i) : { id: `case-${i}` }));
    expect(
      likelyClusterKey(
        few,
        Array.from({ length: n }, (_, i) => diff(i)),
      ),
    ).toBeUndefined();
    // Each conversation holds one loss, one win and one tie: no correlation within it.
    const spread = Array.from({ length: n }, (_, i) => [0, -1, 1][i % 3]!);
    expect(
      likelyClusterKey(
        Array.from({ length: n }, (_, i) => meta(i)),
        spread,
      ),
    ).toBeUndefined();
  });

  it('skips keys it could not suggest as gate.cluster_by, and values that are not scalars', () => {
    const odd = Array.from({ length: n }, (_, i) => ({
      'conversation id': `c${Math.floor(i / 3)}`,
      thread: { id: Math.floor(i / 3) },
    }));
    expect(
      likelyClusterKey(
        odd,
        Array.from({ length: n }, (_, i) => diff(i)),
      ),
    ).toBeUndefined();
  });
});

describe('buildChecks', () => {
  const side = (score: number): SideResult => answer({ score, pass: score >= 1 });
  // 40 conversations of 4 turns: the candidate loses all of 8 and wins all of 8 others.
  const cases: CaseReport[] = Array.from({ length: 160 }, (_, i) => {
    const conv = Math.floor(i / 4);
    return {
      id: `c${i}`,
      slices: [],
      baseline: side(conv % 5 === 1 ? 1 : conv % 5 === 2 ? 0 : 1),
      candidate: side(conv % 5 === 1 ? 0 : conv % 5 === 2 ? 1 : 1),
    };
  });
  const meta = new Map(cases.map((c, i) => [c, { conversation: `k${Math.floor(i / 4)}` }]));
  const s = { budgets: { quality: { max_drop: 0.05 } }, confidence: 0.95, minCases: 30, seed: 1 };

  it('warns, given the metadata (no gate.cluster_by), naming the key', () => {
    const { warnings } = buildChecks(cases, { ...s, metadata: (c) => meta.get(c) });
    expect(warnings).toContain(
      'cases sharing metadata.conversation have correlated outcomes (ICC 1.00 over 40 groups); set gate.cluster_by: metadata.conversation so the intervals account for it',
    );
  });

  it('does not look without it (gate.cluster_by is set)', () => {
    expect(buildChecks(cases, s).warnings.filter((w) => w.includes('correlated'))).toEqual([]);
  });
});
