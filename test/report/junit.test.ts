import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.js';
import type { Report } from '../../src/types.js';
import { makeReport, side } from './fixture.js';
import { expectCountsMatch, outcome, parseXml, suite } from './xml.js';

describe('the well-formedness check itself', () => {
  it('rejects broken XML', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a>x & y</a>')).toThrow();
    expect(() => parseXml('<a t="<"/>')).toThrow();
    expect(() => parseXml('<a>\u0000</a>')).toThrow();
    expect(() => parseXml('<a/><b/>')).toThrow();
    expect(parseXml('<a t="&lt;"><b>&amp;</b></a>').children[0]!.text).toBe('&');
  });
});

describe('renderJunit', () => {
  const report = makeReport();
  const xml = renderJunit(report);
  const root = parseXml(xml);

  it('is well-formed XML with a declaration and a testsuites root', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(root.name).toBe('testsuites');
  });

  it('has one testcase per golden case, failed where the candidate regressed or fails', () => {
    const cases = suite(root, 'evalgate cases');
    expectCountsMatch(cases);
    const tcs = cases.children.filter((c) => c.name === 'testcase');
    expect(tcs.map((t) => t.attrs.name)).toEqual(report.cases.map((c) => c.id));
    expect(Object.fromEntries(tcs.map((t) => [t.attrs.name, outcome(t)]))).toEqual({
      'refund-17': 'pass',
      'evil</summary>@octocat|`x`': 'failure',
      'timeout-3': 'failure',
      'both-fail-4': 'failure',
      'improved-5': 'pass',
      'newly-failing-6': 'failure',
    });
    expect(cases.attrs).toMatchObject({ tests: '6', failures: '4', skipped: '0' });
  });

  it('marks an improved case with a property and a system-out line, not a failure', () => {
    const tcs = suite(root, 'evalgate cases').children;
    const improved = tcs.find((t) => t.attrs.name === 'improved-5')!;
    expect(outcome(improved)).toBe('pass');
    expect(improved.children.map((c) => c.name)).toEqual(['properties', 'system-out']);
    expect(improved.children[0]!.children[0]!.attrs).toEqual({
      name: 'evalgate.improved',
      value: '0.50 → 1.00 (+0.50), now passing',
    });
    expect(improved.children[1]!.text).toBe('improved: 0.50 → 1.00 (+0.50), now passing');
    // Only improved cases carry it.
    const others = tcs.filter((t) => t.attrs.name !== 'improved-5');
    for (const t of others) expect(t.children.some((c) => c.name === 'properties')).toBe(false);
  });

  it('uses the first slice as classname, else evalgate', () => {
    const tcs = suite(root, 'evalgate cases').children;
    expect(tcs.map((t) => t.attrs.classname)).toEqual([
      'tags=billing',
      'tags=billing',
      'evalgate',
      'tags=shipping',
      'tags=shipping',
      'evalgate',
    ]);
  });

  it('gives the scores in the failure message', () => {
    const tcs = suite(root, 'evalgate cases').children;
    const failure = (id: string) =>
      tcs.find((t) => t.attrs.name === id)!.children.find((c) => c.name === 'failure')!;
    expect(failure('evil</summary>@octocat|`x`').attrs.message).toContain(
      'candidate score 0.20 < baseline 1.00',
    );
    expect(failure('timeout-3').attrs.message).toContain('candidate error (timeout)');
    expect(failure('timeout-3').attrs.message).toContain('baseline score 0.80');
    expect(failure('both-fail-4').attrs.message).toBe(
      'candidate fails (score 0.40; baseline 0.40)',
    );
    const body = failure('evil</summary>@octocat|`x`').text;
    expect(body).toContain('exact: baseline 1.00, candidate 0.00');
    expect(body).toContain('</details><img src=x onerror=alert(1)>');
  });

  it('keeps hostile text escaped and drops characters XML forbids', () => {
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe]/);
    expect(xml).not.toContain('\u001b');
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain('</details>');
    expect(xml).toContain('&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('has one testcase per check: failure when failing, skipped when inconclusive', () => {
    const checks = suite(root, 'evalgate checks');
    expectCountsMatch(checks);
    expect(checks.attrs).toMatchObject({ tests: '6', failures: '2', skipped: '1' });
    const byName = Object.fromEntries(
      checks.children.map((t) => [t.attrs.name, outcome(t)] as const),
    );
    expect(byName).toEqual({
      'pass rate': 'pass',
      'error rate [tags=shipping]': 'pass',
      'quality [tags=<b>billing</b>|@octocat]': 'failure',
      'latency p95': 'skipped',
      quality: 'failure',
      cost: 'pass',
    });
    const quality = checks.children.find((t) => t.attrs.name === 'quality')!;
    expect(quality.children[0]!.attrs.message).toBe(
      'quality -6.1 pts (95% CI -7.9..-4.4) exceeds the 2-pt budget',
    );
  });

  it('totals the suites on the root', () => {
    expect(root.attrs).toMatchObject({ tests: '12', failures: '6', skipped: '1', errors: '0' });
  });

  it('skips a case with no candidate result and handles an empty check list', () => {
    const r: Report = makeReport({
      checks: [],
      cases: [{ id: 'only-baseline', slices: [], baseline: side() }],
    });
    const tree = parseXml(renderJunit(r));
    const cases = suite(tree, 'evalgate cases');
    expectCountsMatch(cases);
    expect(cases.attrs).toMatchObject({ tests: '1', failures: '0', skipped: '1' });
    expect(suite(tree, 'evalgate checks').attrs.tests).toBe('0');
  });

  it('cuts a case id of megabytes to a readable test name', () => {
    const id = `x${'y'.repeat(5_000_000)}`;
    const r = makeReport({ checks: [], cases: [{ id, slices: [], candidate: side() }] });
    const xml = renderJunit(r);
    expect(xml.length).toBeLessThan(10_000);
    expect(xml).toMatch(/name="xy{198}…"/);
  });

  it('cuts slice names, the slice list and every other dataset or endpoint text of a case', () => {
    const tags = ['a', 'b', 'c', 'd'].map((t) => `tags=${t}${'z'.repeat(200_000)}`);
    const many = Array.from({ length: 5_000 }, (_, i) => `tags=t${i}`);
    const failing = (id: string, slices: string[]) => ({
      id,
      source: `golden/${'p'.repeat(100_000)}.jsonl:1`,
      slices,
      baseline: side({ scores: { [`s${'n'.repeat(100_000)}`]: 1 } }),
      candidate: side({
        score: 0,
        pass: false,
        error: { kind: 'scorer' as const, message: `boom ${'m'.repeat(100_000)}` },
      }),
    });
    const r = makeReport({
      checks: [],
      cases: [
        ...Array.from({ length: 40 }, (_, i) => failing(`case-${i}`, tags)),
        failing('many-tags', many),
      ],
    });
    const xml = renderJunit(r);
    // 41 failing cases at a few kilobytes each, not 32 MB of slice names.
    expect(xml.length).toBeLessThan(41 * 8_000);
    const tcs = suite(parseXml(xml), 'evalgate cases').children;
    expect(tcs[0]!.attrs.classname).toMatch(/^tags=az{193}…$/);
    const body = tcs[0]!.children[0]!.text;
    const line = body.split('\n').find((l) => l.startsWith('slices: '))!;
    expect(line).toMatch(/^slices: tags=az{193}…, tags=bz+/);
    expect(line.length).toBeLessThanOrEqual('slices: '.length + 1000);
    const manyLine = tcs[40]!.children[0]!.text.split('\n').find((l) => l.startsWith('slices: '))!;
    expect(manyLine).toMatch(/^slices: tags=t0, tags=t1, .*…$/);
    expect(manyLine.length).toBeLessThanOrEqual('slices: '.length + 1000);
    for (const l of body.split('\n')) expect(l.length).toBeLessThan(2_100);
  });

  it('records a one-side run: candidate failures still fail', () => {
    const r = makeReport({
      checks: [],
      cases: [
        { id: 'a', slices: [], candidate: side() },
        { id: 'b', slices: [], candidate: side({ score: 0, pass: false }) },
      ],
    });
    r.meta.only = 'candidate';
    const cases = suite(parseXml(renderJunit(r)), 'evalgate cases');
    expect(cases.attrs).toMatchObject({ tests: '2', failures: '1', skipped: '0' });
  });
});
