import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/gate/decide.js';
import { renderConsole } from '../../src/report/console.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { check, makeReport } from './fixture.js';
import { outcome, parseXml, suite } from './xml.js';

// gate.on_inconclusive: fail turns an inconclusive run into a block (exit 1) while `decision`
// stays `inconclusive`: every surface must say the step blocked, and why.
const LEAD = 'blocked: inconclusive, and gate.on_inconclusive is fail: ';

const checks = [
  check({ metric: 'quality', verdict: 'pass', ci: [-0.01, 0.01] }),
  check({
    metric: 'error_rate',
    verdict: 'inconclusive',
    baseline: 0,
    candidate: 0,
    delta: 0,
    ci: [0, 0.0099],
    budget: 0.005,
    reason: 'error rate 0.0% (95% CI 0.0%..1.0%) may be above or below the ceiling of 0.5%',
  }),
];

describe('a run blocked because it was inconclusive', () => {
  const summary = summarize('inconclusive', checks, 0.95, 'fail');
  const report = makeReport({
    decision: 'inconclusive',
    blocked: true,
    blocked_by: 'on_inconclusive',
    summary,
    checks,
  });

  it('says so at the start of the one-line summary', () => {
    expect(summary).toBe(`${LEAD}error rate 0.0% (95% CI 0.0%..1.0%) vs ceiling 0.5%`);
    expect(summarize('inconclusive', checks, 0.95, 'pass')).toMatch(/^inconclusive: error rate/);
    expect(summarize('inconclusive', checks, 0.95)).toMatch(/^inconclusive: /);
  });

  it('heads the terminal report with BLOCKED, in red', () => {
    expect(renderConsole(report).split('\n')[0]).toBe(
      `evalgate: BLOCKED (INCONCLUSIVE)  ${summary}`,
    );
    expect(renderConsole(report, { color: true })).toMatch(
      /^\u001b\[31mevalgate: BLOCKED \(INCONCLUSIVE\)\u001b\[0m/,
    );
  });

  it('heads the job summary and PR comment with the block', () => {
    const md = renderMarkdown(report).split('\n');
    expect(md[0]).toBe('## ❌ evalgate: blocked (inconclusive, and gate.on_inconclusive is fail)');
    expect(md[2]).toContain('blocked: inconclusive, and gate.on&#95;inconclusive is fail: ');
  });

  it('fails the inconclusive check testcases in JUnit instead of skipping them', () => {
    const tcs = suite(parseXml(renderJunit(report)), 'evalgate checks').children;
    const byName = new Map(tcs.map((t) => [t.attrs.name, t]));
    expect(outcome(byName.get('quality')!)).toBe('pass');
    const error = byName.get('error rate')!;
    expect(outcome(error)).toBe('failure');
    expect(error.children[0]!.attrs).toMatchObject({
      type: 'inconclusive_blocks',
      message: `inconclusive, and gate.on_inconclusive is fail: ${checks[1]!.reason}`,
    });
  });

  it('leaves an inconclusive run that does not block as it was', () => {
    const open = makeReport({ decision: 'inconclusive', blocked: false, checks });
    expect(renderConsole(open)).toMatch(/^evalgate: INCONCLUSIVE/);
    expect(renderMarkdown(open)).toMatch(/^## ⚠️ evalgate: inconclusive\n/);
    const tcs = suite(parseXml(renderJunit(open)), 'evalgate checks').children;
    expect(outcome(tcs.find((t) => t.attrs.name === 'error rate')!)).toBe('skipped');
  });
});

describe('a check below min_cases', () => {
  it('gives the summary the check’s own words, with no interval', () => {
    const few = check({
      metric: 'quality',
      verdict: 'inconclusive',
      ci: null,
      n: 12,
      reason:
        'quality: insufficient data: 12 usable pairs, fewer than the 30 required (min_cases).',
    });
    expect(summarize('inconclusive', [few], 0.95)).toBe(
      'inconclusive: quality: insufficient data: 12 usable pairs, fewer than the 30 required (min_cases)',
    );
  });
});
