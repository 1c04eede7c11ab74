import { describe, expect, it } from 'vitest';
import { formatInterval } from '../../src/report/format.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/types.js';
import { decodeEntities, makeLongReport, makeReport } from './fixture.js';

const ALLOWED_TAGS = /<\/?(details|summary|code|pre|sub)>/g;

/** The checks table: the lines from its header row to the blank line after it. */
function checksTable(md: string): string[] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| Metric |'));
  expect(start).toBeGreaterThan(-1);
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start, end);
}

function firstCells(table: string[]): string[] {
  return table
    .slice(2)
    .map((row) => decodeEntities(row.split('|')[1]!.trim()).replaceAll('\u200b', ''));
}

/** Checks that nothing in the body can change its layout, run markup or ping anyone. */
function expectInert(md: string): void {
  expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  expect(md).not.toContain('```');
  expect(md.replace(ALLOWED_TAGS, '')).not.toContain('<');
  const count = (re: RegExp) => (md.match(re) ?? []).length;
  expect(count(/<details>/g)).toBe(count(/<\/details>/g));
  expect(count(/<pre>/g)).toBe(count(/<\/pre>/g));
  expect(count(/<summary>/g)).toBe(count(/<\/summary>/g));
  // Every <pre> opens at the start of a line, so Markdown treats it as an HTML block.
  expect(count(/<pre>/g)).toBe(count(/^<pre>/gm));
  const decoded = decodeEntities(md);
  expect(decoded).not.toMatch(/@[\w-]/);
  const outsidePre = decodeEntities(md.replace(/<pre>[\s\S]*?<\/pre>/g, ''));
  expect(outsidePre).not.toMatch(/#\d/);
  // Each table keeps one column count on every row: no stray pipe from content.
  let previous: number | null = null;
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) {
      previous = null;
      continue;
    }
    const pipes = (line.match(/\|/g) ?? []).length;
    if (previous !== null) expect(pipes, line).toBe(previous);
    previous = pipes;
  }
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
      `| latency p95 | 1000 ms | 1210 ms | +21.0% (95% CI ${latencyCi}) | +20% | ⚠️ inconclusive |`,
    );
    expect(table.some((r) => r.includes('≤ 1%') && r.endsWith('✅ pass |'))).toBe(true);
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

  it('shows the regressed cases worst first, collapsed, with scores, outputs and errors', () => {
    const summaries = [...md.matchAll(/<summary>(.*)<\/summary>/g)].map((m) =>
      decodeEntities(m[1]!).replaceAll('\u200b', ''),
    );
    expect(summaries).toHaveLength(3);
    expect(summaries[0]).toBe('<code>timeout-3</code> · 0.80 → error (timeout)');
    expect(summaries[1]).toContain('evil</summary>@octocat|`x`');
    expect(summaries[1]).toContain('1.00 → 0.20 (-0.80)');
    expect(summaries[2]).toContain('newly-failing-6');
    expect(md).not.toContain('improved-5');
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

  it('limits the cases shown with maxCases and says how many were omitted', () => {
    const out = renderMarkdown(report, { maxCases: 1 });
    expect((out.match(/<details>/g) ?? []).length).toBe(1);
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

  it('returns the whole body when it fits', () => {
    expect(renderMarkdown(long, { maxCases: 40, maxChars: full.length })).toBe(full);
  });

  it('never cuts the verdict, summary or checks table, even under a tiny cap', () => {
    const tiny = renderMarkdown(long, { maxCases: 40, maxChars: 300 });
    expect(tiny.startsWith(head)).toBe(true);
    expect(tiny).toContain(table);
    expect(tiny).not.toContain('<details>');
    expect(tiny).toContain('40 regressed cases omitted');
    expectInert(tiny);
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
