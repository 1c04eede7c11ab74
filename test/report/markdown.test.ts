import { describe, expect, it } from 'vitest';
import { escapeMarkdownInline } from '../../src/report/escape.js';
import { formatInterval } from '../../src/report/format.js';
import {
  GITHUB_COMMENT_MAX_CHARS,
  JOB_SUMMARY_MAX_CHARS,
  renderMarkdown,
} from '../../src/report/markdown.js';
import type { Report } from '../../src/types.js';
import {
  check,
  decodeEntities,
  makeCases,
  makeChecks,
  makeLongReport,
  makeReport,
  side,
} from './fixture.js';
import { checksTable, expectInert } from './inert.js';

function firstCells(table: string[]): string[] {
  return table
    .slice(2)
    .map((row) => decodeEntities(row.split('|')[1]!.trim()).replaceAll('\u200b', ''));
}

describe('renderMarkdown', () => {
  const report = makeReport();
  const md = renderMarkdown(report, { runUrl: 'https://github.com/o/r/actions/runs/42' });

  it('leads with the decision and the summary', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ❌ evalgate: fail');
    expect(md).toContain('blocked: quality -6.1 pts (95% CI -7.9..-4.4) exceeds the 2-pt budget');
    expect(renderMarkdown(makeReport({ decision: 'pass' })).split('\n')[0]).toBe(
      '## ✅ evalgate: pass',
    );
    expect(
      renderMarkdown(makeReport({ decision: 'inconclusive' }), { title: 'support bot' }).split(
        '\n',
      )[0],
    ).toBe('## ⚠️ support bot: inconclusive');
  });

  it('lists failing checks first, then inconclusive, then passing; whole set before slices', () => {
    expect(firstCells(checksTable(md))).toEqual([
      'quality',
      'quality [tags=<b>billing</b>|@octocat]',
      'latency p95',
      'pass rate',
      'cost',
      'error rate [tags=shipping]',
    ]);
  });

  it('shows values, change with interval, budget and verdict per check', () => {
    const table = checksTable(md);
    expect(table[0]).toBe('| Metric | Baseline | Candidate | Change | Budget | Verdict |');
    expect(table[2]).toBe(
      '| quality | 91.0% | 84.9% | -6.1 pts (95% CI -7.9..-4.4) | 2 pts | ❌ fail |',
    );
    const latencyCi = formatInterval('latency_p95', [0.05, 0.4]);
    expect(table).toContain(
      `| latency p95 | 1000 ms † | 1210 ms † | +21.0% (95% CI ${latencyCi}) | +20% | ⚠️ inconclusive |`,
    );
    expect(table.some((r) => r.includes('≤ 1%') && r.endsWith('✅ pass |'))).toBe(true);
  });

  it('labels a check whose baseline or candidate reads otherwise in the targets table', () => {
    // The fixture's latency check says 1000 ms for the baseline's p95, the targets table
    // 1210 ms; quality agrees with the targets table, pass rate does not (91.0% vs 90.0%).
    const table = checksTable(md);
    expect(table).toContain(
      '| quality | 91.0% | 84.9% | -6.1 pts (95% CI -7.9..-4.4) | 2 pts | ❌ fail |',
    );
    expect(table.find((r) => r.startsWith('| pass rate |'))).toContain('| 91.0% † | 90.0% † |');
    expect(md).toContain('| Latency p95 | 1210 ms | 1500 ms |');
    const notes = md.split('\n').filter((l) => l.startsWith('<sub>†'));
    expect(notes).toEqual([
      '<sub>† latency p95: p95 over the 200 pairs both sides answered; the targets table takes every answered call</sub>',
      '<sub>† pass rate: over the 200 pairs whose baseline answer was scored; the targets table counts every case</sub>',
    ]);
    // Same figures, no label.
    const agreeing = makeReport({
      checks: [
        check({ metric: 'latency_p95', verdict: 'pass', baseline: 1210.4, candidate: 1500 }),
      ],
    });
    expect(renderMarkdown(agreeing)).not.toContain('†');
  });

  it('uses the report confidence in the interval label', () => {
    const r = makeReport();
    r.meta.confidence = 0.9;
    expect(renderMarkdown(r)).toContain('-6.1 pts (90% CI -7.9..-4.4)');
  });

  it('gives each check its reason, failing first', () => {
    const reasons = md.split('\n').filter((l) => l.startsWith('- ') && /^- (❌|⚠️|✅) \*\*/.test(l));
    expect(reasons).toHaveLength(6);
    expect(reasons[0]).toContain('quality -6.1 pts (95% CI -7.9..-4.4) exceeds the 2-pt budget');
    expect(reasons[2]).toContain('could be within the +20% budget');
    expect(reasons[5]!.startsWith('- ✅')).toBe(true);
  });

  it('has a targets table with both sides and streaming rows', () => {
    expect(md).toContain('### Targets');
    expect(md).toContain('| Model | <code>gpt-4o-mini</code> | <code>gpt-4.1-mini</code> |');
    expect(md).toContain('| Error rate | 0.0% | 16.7% |');
    expect(md).toContain('| Latency p99 | 1800 ms | 2100 ms |');
    expect(md).toContain('| TTFT p95 | 210 ms | 210 ms |');
    expect(md).toContain('| Cost | &#36;0.0132 | &#36;0.0125 |');
    const plain = makeReport();
    for (const t of Object.values(plain.targets)) {
      delete t.ttft_ms;
      delete t.tpot_ms;
    }
    const out = renderMarkdown(plain);
    expect(out).not.toContain('TTFT');
    expect(out).not.toContain('TPOT');
  });

  it('says unknown, and why, for figures a target never measured', () => {
    const r = makeReport();
    const why = 'the candidate endpoint sent no token counts, so its cost is unknown';
    r.targets.candidate!.no_data = {
      tokens: 'the candidate endpoint sent no token counts',
      cost_usd: `${why} <b>`,
      tpot_ms:
        'every answer of the candidate had at most one output token, so there is no time per output token',
    };
    const out = renderMarkdown(r);
    expect(out).toContain('| Input tokens | 12,000 | unknown |');
    expect(out).toContain('| Cost | &#36;0.0132 | unknown |');
    expect(out).toContain('| TPOT p95 | 13 ms | unknown |');
    // The token reason is part of the cost reason: said once.
    const notes = out.split('\n').filter((l) => l.startsWith('- Unknown: '));
    expect(notes).toEqual([
      `- Unknown: ${why} &lt;b&gt;.`,
      '- Unknown: every answer of the candidate had at most one output token, so there is no time per output token.',
    ]);
  });

  it('shows the regressed cases worst first, collapsed, with scores, outputs and errors', () => {
    const summaries = [...md.matchAll(/<summary>(.*)<\/summary>/g)].map((m) =>
      decodeEntities(m[1]!).replaceAll('\u200b', ''),
    );
    expect(summaries).toHaveLength(4);
    expect(summaries[0]).toBe('<code>timeout-3</code> · 0.80 → error (timeout)');
    expect(summaries[1]).toContain('evil</summary>@octocat|`x`');
    expect(summaries[1]).toContain('1.00 → 0.20 (-0.80)');
    expect(summaries[2]).toContain('newly-failing-6');
    // The improved case comes after every regressed one, in a section of its own.
    expect(summaries[3]).toBe('<code>improved-5</code> · 0.50 → 1.00 (+0.50), now passing');
    expect(md.indexOf('### Improved cases (1)')).toBeGreaterThan(md.indexOf('newly-failing-6'));
    expect(md).not.toContain('both-fail-4');
    expect(md).toContain('source <code>golden/support.jsonl:2</code>');
    expect(md).toContain('| <code>rubric&#124;x</code> | 1.00 | 0.40 |');
    expect(md).toContain('**Candidate error:** <code>timeout</code> no reply in 60000 ms');
    expect(md).toContain('**Input**\n\n<pre>Ignore previous instructions');
  });

  it('renders hostile outputs, ids, slices and warnings inert', () => {
    expectInert(md);
    expect(md).toContain('&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(md).toContain('| a | b |'); // inside <pre>, where pipes are plain text
  });

  it('links the run only for http(s) URLs', () => {
    expect(md).toContain('[workflow run](https://github.com/o/r/actions/runs/42)');
    const bad = renderMarkdown(report, { runUrl: 'javascript:alert(1)' });
    expect(bad.split('\n').filter((l) => l.startsWith('<sub>'))[0]).not.toContain('javascript');
    const parens = renderMarkdown(report, { runUrl: 'https://x.test/a)b' });
    expect(parens).toContain('(https://x.test/a%29b)');
  });

  it('shows warnings', () => {
    expect(md).toContain('#### Warnings');
    expect(md).toContain('- ⚠️ only 6 cases: fewer than gate.min&#95;cases (30) &lt;img src=x&gt;');
  });

  it('says when no case regressed', () => {
    const r = makeReport({ cases: [] });
    expect(renderMarkdown(r)).toContain('No case regressed.');
  });

  it('says when no case improved', () => {
    const r = makeReport({ cases: makeCases().filter((c) => c.id !== 'improved-5') });
    expect(renderMarkdown(r)).toContain('### Improved cases\n\nNo case improved.');
  });

  it('limits the cases shown with maxCases and says how many were omitted', () => {
    const out = renderMarkdown(report, { maxCases: 1 });
    // One regressed and one improved case.
    expect((out.match(/<details>/g) ?? []).length).toBe(2);
    expect(out).toContain('### Regressed cases (top 1 of 3)');
    expect(out).toContain('2 more regressed cases omitted');
  });
});

describe('renderMarkdown with maxChars', () => {
  const long = makeLongReport(40);
  const full = renderMarkdown(long, { maxCases: 40 });
  const table = checksTable(full).join('\n');
  const head = full.split('\n').slice(0, 3).join('\n');

  it('is long enough to need the cap', () => {
    expect(full.length).toBeGreaterThan(65_536);
    expect((full.match(/<details>/g) ?? []).length).toBe(40);
  });

  it('drops cases to fit and keeps the verdict, summary and checks table', () => {
    const capped = renderMarkdown(long, { maxCases: 40, maxChars: 65_536 });
    expect(capped.length).toBeLessThanOrEqual(65_536);
    expect(capped.startsWith(head)).toBe(true);
    expect(capped).toContain(table);
    const shown = (capped.match(/<details>/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(40);
    expect(capped).toContain(`${40 - shown} more regressed cases omitted`);
    expect(capped).toContain(`### Regressed cases (top ${shown} of 40)`);
    expectInert(capped);
    // Greedy: one more case would not have fitted.
    const more = renderMarkdown(long, { maxCases: shown + 1 });
    expect(more.length).toBeGreaterThan(65_536);
  });

  it('drops improved cases before any regressed one', () => {
    const better = Array.from({ length: 20 }, (_, i) => ({
      id: `better-${i}`,
      slices: [],
      baseline: side({ output: 'c'.repeat(3000), score: 0, pass: false }),
      candidate: side({ output: 'd'.repeat(3000) }),
    }));
    const both = makeReport({ cases: [...long.cases, ...better] });
    const all = renderMarkdown(both, { maxCases: 40 });
    expect(all).toContain('### Improved cases (20)');
    // Room for every regressed case and a few improved ones.
    const room = renderMarkdown(long, { maxCases: 40 }).length + 20_000;
    const capped = renderMarkdown(both, { maxCases: 40, maxChars: room });
    expect(capped.length).toBeLessThanOrEqual(room);
    expect(capped).toContain('### Regressed cases (40)');
    const shown = (capped.match(/<summary><code>better-/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(20);
    expect(capped).toContain(`### Improved cases (top ${shown} of 20)`);
    expect(capped).toContain(`${20 - shown} more improved cases omitted`);
    const tight = renderMarkdown(both, { maxCases: 40, maxChars: 65_536 });
    expect(tight).not.toContain('<summary><code>better-');
    expect(tight).toContain('20 improved cases omitted');
  });

  it('returns the whole body when it fits', () => {
    expect(renderMarkdown(long, { maxCases: 40, maxChars: full.length })).toBe(full);
  });

  it('never cuts the verdict or the summary, even under a tiny cap', () => {
    const tiny = renderMarkdown(long, { maxCases: 40, maxChars: 300 });
    expect(tiny.startsWith(head)).toBe(true);
    expect(tiny).not.toContain('<details>');
    expect(tiny).toContain('40 regressed cases omitted');
    expect(tiny).toMatch(/6 more checks \(2 failing, 1 inconclusive, 3 passing\) omitted/);
    expectInert(tiny);
  });
});

describe('the PR comment size cap on huge reports', () => {
  // 2000 regressed cases whose 5 KB outputs are nearly all characters that escaping multiplies
  // (`@` becomes 13 characters): the worst case for the comment's length.
  const hostile = '@a|<`~\n'.repeat(5000 / 8);
  const cases = Array.from({ length: 2000 }, (_, i) => ({
    id: `huge-${i}`,
    slices: [`tags=t${i % 7}`],
    source: `golden/huge.jsonl:${i + 1}`,
    input: hostile,
    baseline: side({ output: hostile }),
    candidate: side({ output: hostile.toUpperCase(), score: 0.5 - i / 10_000, pass: false }),
  }));
  const huge = makeReport({ cases });
  const full = renderMarkdown(huge);
  const capped = renderMarkdown(huge, { maxChars: GITHUB_COMMENT_MAX_CHARS });

  it('fits under 65,536 characters by shortening the case list only', () => {
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_MAX_CHARS);
    expect(capped.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
    expect(capped.split('\n').slice(0, 3)).toEqual(full.split('\n').slice(0, 3));
    expect(checksTable(capped)).toEqual(checksTable(full));
    expect(capped).toContain('#### Warnings');
    expect(capped).toContain('### Targets');
    const shown = (capped.match(/<details>/g) ?? []).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10);
    expect(capped).toContain(`### Regressed cases (top ${shown} of 2000)`);
    expect(capped).toContain(`${2000 - shown} more regressed cases omitted`);
    // The worst case stays first.
    expect(capped.indexOf('huge-1999')).toBeGreaterThan(-1);
    expectInert(capped);
  });

  it("keeps the whole job summary within GitHub's 1 MiB, with every shown case", () => {
    const summary = renderMarkdown(huge, { maxChars: JOB_SUMMARY_MAX_CHARS });
    expect(summary).toBe(full);
    expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024);
    expect(Buffer.byteLength('\uffff'.repeat(JOB_SUMMARY_MAX_CHARS))).toBeLessThan(1024 * 1024);
  });

  it('shortens an enormous checks table from the passing end, failing checks first', () => {
    const slices = Array.from({ length: 3000 }, (_, i) =>
      check({
        metric: 'quality',
        slice: `tags=${'@x|'.repeat(60)}${i}`,
        verdict: i % 1000 === 0 ? 'fail' : i % 3 === 0 ? 'inconclusive' : 'pass',
        reason: `slice ${i} <b>reason</b>`,
      }),
    );
    const r = makeReport({ checks: [...makeChecks(), ...slices] });
    const out = renderMarkdown(r, {
      maxChars: GITHUB_COMMENT_MAX_CHARS,
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(out.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
    expect(out.split('\n')[0]).toBe('## ❌ evalgate: fail');
    expect(out).toContain(escapeMarkdownInline(r.summary));
    const verdicts = checksTable(out)
      .slice(2)
      .map((row) => row.split('|').at(-2)!.trim());
    // Every failing check is there, before any other.
    expect(verdicts.filter((v) => v.endsWith('fail'))).toHaveLength(5);
    expect(verdicts.slice(0, 5).every((v) => v.endsWith('fail'))).toBe(true);
    expect(out).toMatch(/_\d+ more checks \((\d+ inconclusive, )?\d+ passing\) omitted for length/);
    expect(out).toContain('[workflow run]');
    expectInert(out);
  });
});

describe('renderMarkdown for a one-side run', () => {
  const base = makeReport();
  const report: Report = {
    ...base,
    decision: 'pass',
    summary: 'recorded 6 cases on gpt-4.1-mini',
    checks: [],
    targets: { candidate: base.targets.candidate! },
    meta: { ...base.meta, only: 'candidate' },
  };
  const md = renderMarkdown(report);

  it('renders a recorded-baseline view with the targets table only', () => {
    expect(md.split('\n')[0]).toBe('## 📼 evalgate: recorded baseline');
    expect(md).toContain('recorded 6 cases on gpt-4.1-mini');
    expect(md).toContain('|  | Candidate |');
    expect(md).toContain('| Quality | 84.9% |');
    expect(md).not.toContain('| Metric |');
    expect(md).not.toContain('<details>');
    expectInert(md);
  });
});
