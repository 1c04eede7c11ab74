import { describe, expect, it } from 'vitest';
import { renderConsole } from '../../src/report/console.js';
import { formatMilliseconds, formatValue } from '../../src/report/format.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { formatMs } from '../../src/report/table.js';
import type { Report } from '../../src/types.js';
import { check, makeReport } from './fixture.js';

// Time per output token is stored unrounded and is often a few hundredths of a millisecond: every
// surface must show it, not `0.0 ms`.

/** Figures every renderer is checked with, and how each reads. */
const FIGURES: [number, string][] = [
  [0.02, '0.02 ms'],
  [0.005, '0.005 ms'],
  [0.8, '0.8 ms'],
  [8.26, '8.3 ms'],
  [1234, '1234 ms'],
];

describe('formatMilliseconds', () => {
  it.each(FIGURES)('writes %d as %s', (ms, text) => {
    expect(formatMilliseconds(ms)).toBe(text);
    expect(formatMs(ms)).toBe(text);
    for (const metric of ['latency_p95', 'ttft_p95', 'tpot_p95'] as const) {
      expect(formatValue(metric, ms)).toBe(text);
    }
  });

  it.each([
    [0.0213, '0.021 ms'],
    [0.0999, '0.1 ms'],
    [0.96, '0.96 ms'],
    [0.999, '1.0 ms'],
    [1, '1.0 ms'],
    [9.95, '9.9 ms'],
    [9.96, '10 ms'],
    [10, '10 ms'],
    [1210.4, '1210 ms'],
    [1e-7, '0.0000001 ms'],
    [0, '0.0 ms'],
  ])('keeps two significant digits below 1 ms and the usual style above: %d as %s', (ms, text) => {
    expect(formatMilliseconds(ms)).toBe(text);
  });

  it('never writes a non-zero figure as zero', () => {
    for (let e = -12; e <= 0; e++) {
      for (const m of [1, 1.5, 4.99, 9.4]) {
        const text = formatMilliseconds(m * 10 ** e);
        expect(text).not.toMatch(/^0(\.0*)? ms$/);
        expect(text).not.toContain('e');
      }
    }
  });

  it('has no figure for a missing or non-finite value', () => {
    expect(formatMs(null)).toBe('–');
    expect(formatMs(undefined)).toBe('–');
    expect(formatMs(Number.NaN)).toBe('–');
    expect(formatValue('tpot_p95', null)).toBe('–');
  });
});

/** A report whose TPOT p95 is `ms` on both sides, in the targets and in the TPOT check. */
function tpotReport(ms: number): Report {
  const r = makeReport();
  r.targets.baseline!.tpot_ms = { p50: ms, p95: ms };
  r.targets.candidate!.tpot_ms = { p50: ms, p95: ms };
  r.checks.push(
    check({
      metric: 'tpot_p95',
      verdict: 'pass',
      baseline: ms,
      candidate: ms,
      delta: 0,
      ci: [-0.05, 0.05],
      budget: 0.2,
      reason: 'TPOT p95 held',
    }),
  );
  return r;
}

describe('TPOT in the text renderers', () => {
  it.each(FIGURES)('the terminal table shows %d ms as %s', (ms, text) => {
    const row = renderConsole(tpotReport(ms))
      .split('\n')
      .find((l) => l.startsWith('TPOT p95'));
    expect(row).toMatch(new RegExp(`^TPOT p95\\s+${text}\\s+${text}\\s`));
  });

  it.each(FIGURES)('the recorded targets in the terminal show %d ms as %s', (ms, text) => {
    const r = tpotReport(ms);
    r.meta.only = 'candidate';
    r.targets = { candidate: r.targets.candidate! };
    r.checks = [];
    expect(renderConsole(r)).toMatch(new RegExp(`\\nTPOT p95\\s+${text}\\n`));
  });

  it.each(FIGURES)('the Markdown summary shows %d ms as %s', (ms, text) => {
    const md = renderMarkdown(tpotReport(ms));
    // The checks table, then the targets table.
    expect(md).toContain(`| TPOT p95 | ${text} | ${text} | 0.0% (95% CI`);
    expect(md).toContain(`| TPOT p95 | ${text} | ${text} |\n`);
  });
});
