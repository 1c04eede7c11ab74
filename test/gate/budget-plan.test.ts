import { describe, expect, it } from 'vitest';
import { buildBudgetPlan, planProblems, renderBudgetPlan } from '../../src/gate/budget-plan.js';
import { casesToDecide, decidingSize, suggestBudget } from '../../src/gate/power.js';
import { normalQuantile } from '../../src/stats/normal-quantile.js';
import { MINIMAL, parse } from '../config/helpers.js';
import { goldenCases } from '../helpers/golden-case.js';

const O = { confidence: 0.95, minCases: 30 };

describe('casesToDecide', () => {
  it('quality on a deterministic endpoint: min_cases to pass, about 200 (not 2) to block twice a 5-pt budget', () => {
    const need = casesToDecide('quality', 0.05, { sd: 0 }, O);
    expect(need.pass).toBe(30);
    // Independent check: the normal answer with the variance at 2b on both sides is 222.6; the
    // bound sits where fewer cases flipped, so the figure is a little lower, never near 2.
    const z = normalQuantile(0.95) + normalQuantile(0.8);
    expect((z * z * 0.1 * 0.9) / 0.05 ** 2).toBeCloseTo(222.6, 1);
    expect(need.fail).toBeGreaterThanOrEqual(190);
    expect(need.fail).toBeLessThanOrEqual(225);
  });

  it('unknown spread: quality gives lower bounds, latency says nothing, a stricter fail level needs more', () => {
    expect(casesToDecide('quality', 0.05, {}, O)).toMatchObject({ pass: null, atLeast: true });
    expect(casesToDecide('latency_p95', 0.2, {}, O)).toEqual({
      pass: null,
      fail: null,
      atLeast: false,
    });
    const strict = casesToDecide('quality', 0.05, { sd: 0.3 }, { ...O, failAlpha: 0.01 });
    expect(strict.fail!).toBeGreaterThan(casesToDecide('quality', 0.05, { sd: 0.3 }, O).fail!);
  });

  it('error ceiling: 299 calls to pass 1% with no errors, never when the baseline errs above it', () => {
    expect(casesToDecide('error_rate', 0.01, {}, O)).toMatchObject({ pass: 299, atLeast: true });
    expect(casesToDecide('error_rate', 0.01, { errorRate: 0.02 }, O).pass).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('a relative budget: a regression of twice it needs more cases than passing', () => {
    const need = casesToDecide('latency_p95', 0.1, { sd: 0.5 }, O);
    expect(need.fail!).toBeGreaterThan(need.pass!);
    expect(decidingSize(need)).toBe(need.fail);
  });

  it('suggests the smallest budget that a set size decides both ways', () => {
    const b = suggestBudget('quality', { sd: 0 }, 120, O)!;
    expect(decidingSize(casesToDecide('quality', b, { sd: 0 }, O))!).toBeLessThanOrEqual(120);
    expect(decidingSize(casesToDecide('quality', b - 0.005, { sd: 0 }, O))!).toBeGreaterThan(120);
  });
});

describe('buildBudgetPlan', () => {
  const config = (extra: string) => parse(`${MINIMAL}${extra}`).config;

  it('says when gate.min_cases is above the set size, with the fix', () => {
    const plan = buildBudgetPlan({
      config: config('budgets: {quality: {max_drop: 0.05}}\ngate: {min_cases: 30}\n'),
      cases: goldenCases(12),
      sides: ['baseline', 'candidate'],
    });
    expect(plan.problems).toEqual([
      {
        path: 'gate.min_cases',
        message: expect.stringMatching(
          /is 30 but the golden set has 12 cases.*lower gate\.min_cases to 12 or add 18 cases/,
        ),
      },
    ]);
    expect(planProblems(plan, 'evalgate.yaml')[0]).toMatchObject({
      file: 'evalgate.yaml',
      path: 'gate.min_cases',
    });
  });

  it('says when an http target has no usage paths for a cost budget', () => {
    const text = `${MINIMAL.replace(
      / {2}candidate:\n[\s\S]*$/,
      '  candidate:\n    type: http\n    url: https://example.com/ask\n    output: answer\n    price: {input_per_mtok: 1, output_per_mtok: 1}\n',
    ).replace(
      'model: gpt-4o-mini\n',
      'model: gpt-4o-mini\n    price: {input_per_mtok: 1, output_per_mtok: 1}\n',
    )}budgets: {cost: {max_increase: 10%}}\n`;
    const plan = buildBudgetPlan({
      config: parse(text).config,
      cases: goldenCases(100),
      sides: ['baseline', 'candidate'],
    });
    expect(plan.problems.map((p) => p.path)).toEqual(['targets.candidate.usage']);
  });

  it('uses a stored baseline error rate for the pass figure', () => {
    const plan = buildBudgetPlan({
      config: config('budgets: {error_rate: {max: 0.05}}\n'),
      cases: goldenCases(1000),
      sides: ['candidate'],
      baselineErrorRate: 0.01,
    });
    expect(plan.problems).toEqual([]);
    expect(plan.rows[0]!.need.pass!).toBeGreaterThan(
      casesToDecide('error_rate', 0.05, {}, O).pass!,
    );
  });
  it('cuts slice names in the check column, the notes and the problems', () => {
    const names = Array.from({ length: 8 }, (_, i) => `${i}${'x'.repeat(200_000)}`);
    // Ten cases in each named slice; three in one below slices.min_cases, for the note.
    const few = `few${'y'.repeat(200_000)}`;
    const cases = goldenCases(83).map((c, i) => ({ ...c, tags: [names[i % 8]!] }));
    for (const c of cases.slice(80)) c.tags = [few];
    const plan = buildBudgetPlan({
      config: config(
        'slices: {by: [tags], min_cases: 10, budgets: {quality: {max_drop: 0.05}, error_rate: {max: 0}}}\n',
      ),
      cases,
      sides: ['baseline', 'candidate'],
    });
    expect(plan.rows.filter((r) => r.slice !== null)).toHaveLength(16);
    const text = renderBudgetPlan(plan);
    // 8 slices, 2 checks each, a note and 8 problems: a few kilobytes, not megabytes.
    expect(text.length).toBeLessThan(20_000);
    const rows = text.split('\n').filter((l) => l.startsWith('  quality ['));
    expect(rows).toHaveLength(8);
    expect(rows[0]).toMatch(/^ {2}quality \[tags=0x+…\s+5 pts/);
    expect(rows[0]!.indexOf('5 pts')).toBeLessThanOrEqual(2 + 60 + 2);
    for (const p of plan.problems) expect(p.message.length).toBeLessThan(1_000);
    expect(plan.notes[0]).toMatch(/: tags=fewy+… \(3\)$/);
    expect(plan.notes[0]!.length).toBeLessThan(1_000);
  });
});
