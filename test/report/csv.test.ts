import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_HEADER, renderCsv } from '../../src/report/csv.js';
import { HOSTILE_OUTPUT, makeReport, side } from './fixture.js';

const csv = (report: Parameters<typeof renderCsv>[0]) => [...renderCsv(report)].join('');
const rows = (text: string): Record<string, string>[] =>
  parse(text, { columns: true, relax_quotes: false, record_delimiter: '\r\n' });

describe('renderCsv', () => {
  it('writes one RFC 4180 record per case that a strict parser reads back cell for cell', () => {
    const report = makeReport();
    const text = csv(report);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe(CSV_HEADER.join(','));
    const back = rows(text);
    expect(back).toHaveLength(report.cases.length);
    const first = report.cases[0]!;
    expect(back[0]).toMatchObject({
      id: first.id,
      slices: first.slices.join(';'),
      baseline_score: String(first.baseline!.score),
      baseline_pass: String(first.baseline!.pass),
      candidate_latency_ms: String(first.candidate!.latency_ms),
      score_delta: String(first.candidate!.score - first.baseline!.score),
    });
  });

  it('keeps commas, quotes and line breaks inside a cell', () => {
    const output = 'He said "yes", then\nleft, twice\r\nend';
    const report = makeReport({
      cases: [{ id: 'a,b', slices: [], baseline: side({ output }), candidate: side() }],
    });
    const back = rows(csv(report));
    expect(back[0]!.id).toBe('a,b');
    expect(back[0]!.baseline_output).toBe('He said "yes", then\nleft, twice\nend');
  });

  it("makes a text cell that a spreadsheet would run as a formula inert with a leading '", () => {
    const report = makeReport({
      cases: ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)'].map((output, i) => ({
        id: i === 0 ? '=cmd|x' : `c${i}`,
        slices: [],
        input: '@input',
        baseline: side({ output, score: 1 }),
        candidate: side({ output: 'fine', score: 0.25, pass: false }),
      })),
    });
    const back = rows(csv(report));
    expect(back.map((r) => r.baseline_output)).toEqual([
      `'=HYPERLINK("http://x")`,
      "'+1",
      "'-2+3",
      "'@SUM(A1)",
    ]);
    expect(back[0]!.id).toBe("'=cmd|x");
    expect(back[0]!.input).toBe("'@input");
    // Numbers evalgate writes stay numbers, negative ones included.
    expect(back[0]!.score_delta).toBe('-0.75');
  });

  it('strips terminal escapes and control characters from text cells', () => {
    const report = makeReport({
      cases: [
        { id: 'h', slices: [], baseline: side({ output: HOSTILE_OUTPUT }), candidate: side() },
      ],
    });
    const text = csv(report);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
    expect(rows(text)[0]!.baseline_output).toContain('RED');
  });

  it('leaves the cells of a side that was not run empty, and writes errors and chat inputs', () => {
    const report = makeReport({
      cases: [
        {
          id: 'one-side',
          slices: ['tags=x'],
          input: [{ role: 'user', content: 'hi' }],
          candidate: side({
            output: null,
            error: { kind: 'timeout', message: 'no answer in 5 s' },
          }),
        },
      ],
    });
    const [r] = rows(csv(report));
    expect(r).toMatchObject({
      baseline_output: '',
      baseline_score: '',
      candidate_output: '',
      candidate_error_kind: 'timeout',
      candidate_error_message: 'no answer in 5 s',
      score_delta: '',
      input: '[{"role":"user","content":"hi"}]',
    });
  });
});
