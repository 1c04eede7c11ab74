import { describe, expect, it } from 'vitest';
import { displayWidth, renderConsole } from '../../src/report/console.js';
import type { CaseReport } from '../../src/types.js';
import { makeReport, side } from './fixture.js';

const SGR = /\u001b\[\d+m/g;

describe('renderConsole', () => {
  const report = makeReport();
  const plain = renderConsole(report);
  const lines = plain.split('\n');

  it('starts with the decision and the summary', () => {
    expect(lines[0]).toBe(
      'evalgate: FAIL  blocked: quality -6.1 pts (95% CI -7.9..-4.4) exceeds the 2-pt budget',
    );
  });

  it('prints the checks table failing first, whole set before slices, in aligned columns', () => {
    const header = lines.findIndex((l) => l.startsWith('Metric'));
    expect(header).toBeGreaterThan(-1);
    const table = lines.slice(header, header + 7);
    expect(table[0]).toMatch(/^Metric\s+Baseline\s+Candidate\s+Change\s+Budget\s+Verdict$/);
    const verdicts = table.slice(1).map((l) => l.split(/\s+/).at(-1));
    expect(verdicts).toEqual(['FAIL', 'FAIL', 'INCONCLUSIVE', 'PASS', 'PASS', 'PASS']);
    expect(table[1]!.startsWith('quality ')).toBe(true);
    expect(table[2]!.startsWith('quality [tags=<b>billing</b>|@octocat]')).toBe(true);
    expect(table[1]).toContain('-6.1 pts (95% CI -7.9..-4.4)');
    // Every column starts at the same place on every row.
    for (const title of ['Budget', 'Verdict']) {
      const col = table[0]!.indexOf(title);
      for (const row of table.slice(1)) expect(row[col - 1], row).toBe(' ');
      for (const row of table.slice(1)) expect(row[col], row).not.toBe(' ');
    }
    // Numbers are right-aligned: they end where the header ends.
    const candidateEnd = table[0]!.indexOf('Candidate') + 'Candidate'.length;
    for (const row of table.slice(1)) {
      expect(row[candidateEnd - 1], row).not.toBe(' ');
      expect(row[candidateEnd], row).toBe(' ');
    }
  });

  it('lists the top regressed cases with their score change', () => {
    const start = lines.findIndex((l) => l.startsWith('Top regressed cases'));
    expect(lines[start]).toBe('Top regressed cases (3 of 3):');
    expect(lines[start + 1]).toMatch(
      /^ {2}timeout-3\s+0\.80 → error \(timeout\)\s+timeout: no reply/,
    );
    expect(lines[start + 2]).toMatch(
      /^ {2}evil<\/summary>@octocat\|`x`\s+1\.00 → 0\.20 \(-0\.80\)/,
    );
    expect(lines[start + 3]).toContain('newly-failing-6');
  });

  it('lists the top improved cases after the regressed ones', () => {
    const start = lines.findIndex((l) => l.startsWith('Top improved cases'));
    expect(start).toBeGreaterThan(lines.findIndex((l) => l.startsWith('Top regressed cases')));
    expect(lines[start]).toBe('Top improved cases (1 of 1):');
    expect(lines[start + 1]).toMatch(
      /^ {2}improved-5\s+0\.50 → 1\.00 \(\+0\.50\), now passing\s+golden\/support\.jsonl:5$/,
    );
    const none = renderConsole(makeReport({ cases: [] }));
    expect(none).toContain('No case regressed.\n\nNo case improved.');
  });

  it('shows at most 5 cases and says how many more there are', () => {
    const cases: CaseReport[] = Array.from({ length: 8 }, (_, i) => ({
      id: `drop-${i}`,
      slices: [],
      baseline: side(),
      candidate: side({ score: 0.9 - i / 10, pass: false }),
    }));
    const out = renderConsole(makeReport({ cases })).split('\n');
    const start = out.findIndex((l) => l.startsWith('Top regressed cases'));
    expect(out[start]).toBe('Top regressed cases (5 of 8):');
    expect(out.slice(start + 1, start + 6).map((l) => l.trim().split(/\s+/)[0])).toEqual([
      'drop-7',
      'drop-6',
      'drop-5',
      'drop-4',
      'drop-3',
    ]);
    expect(out[start + 6]).toBe('  … 3 more in the report');
  });

  it('has no escape or control characters without colour, even from hostile cases', () => {
    const hostile = makeReport();
    hostile.cases[1]!.id = '\u001b[2J\u001b]0;pwned\u0007evil\r\nid';
    hostile.cases[2]!.candidate!.error!.message = '\u001b[31mred\u001b[0m\u0000';
    const out = renderConsole(hostile);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('evil id');
    expect(out).toContain('timeout: red');
  });

  it('colours only when asked, and only around padded cells', () => {
    const coloured = renderConsole(report, { color: true });
    expect(coloured).toContain('\u001b[31mevalgate: FAIL\u001b[0m');
    expect(coloured).toMatch(/\u001b\[33mINCONCLUSIVE\s*\u001b\[0m/);
    expect(coloured.replace(SGR, '')).toBe(plain);
    expect(plain).not.toContain('\u001b');
  });

  it('labels rows whose figures read otherwise in the targets table', () => {
    const row = lines.find((l) => l.startsWith('latency p95 '))!;
    expect(row).toMatch(/1000 ms †\s+1210 ms †/);
    expect(lines).toContain(
      '† latency p95: p95 over the 200 pairs both sides answered; the targets table takes every answered call',
    );
    expect(lines.find((l) => l.startsWith('quality '))).not.toContain('†');
  });

  it('says under the table why each check did not pass', () => {
    const start = lines.indexOf('Why:');
    expect(start).toBeGreaterThan(lines.findIndex((l) => l.startsWith('Metric')));
    expect(lines.slice(start + 1, start + 4)).toEqual([
      '  quality -6.1 pts (95% CI -7.9..-4.4) exceeds the 2-pt budget',
      '  quality [tags=billing] -15.0 pts exceeds the 5-pt budget',
      '  latency p95 +21.0% could be within the +20% budget',
    ]);
    expect(lines[start + 4]).toBe('');
  });

  it('says unknown, and why, in a recording whose endpoint sent no token counts', () => {
    const r = makeReport({ checks: [], cases: [] });
    r.meta.only = 'candidate';
    r.targets = {
      candidate: {
        ...r.targets.candidate!,
        no_data: {
          tokens: 'the candidate endpoint sent no token counts',
          cost_usd: 'the candidate endpoint sent no token counts, so its cost is unknown',
        },
      },
    };
    const out = renderConsole(r);
    expect(out).toMatch(/Cost\s+unknown\n/);
    expect(out).toContain(
      'Unknown: the candidate endpoint sent no token counts, so its cost is unknown.',
    );
  });

  it('shows a one-side run as recorded targets', () => {
    const r = makeReport({ checks: [], cases: [] });
    r.meta.only = 'candidate';
    r.targets = { candidate: r.targets.candidate! };
    const out = renderConsole(r);
    expect(out.split('\n')[0]).toContain('evalgate: RECORDED (candidate only, nothing compared)');
    expect(out).toMatch(/Quality\s+84\.9%/);
    expect(out).not.toContain('Verdict');
  });
});

describe('displayWidth', () => {
  it('counts wide characters twice and zero-width ones not at all', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('a\u200bb')).toBe(2);
    expect(displayWidth('–≤…')).toBe(3);
  });
});
