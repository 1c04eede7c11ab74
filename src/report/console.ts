import type { Report, Side, Verdict } from '../types.js';
import { escapeTerminal } from './escape.js';
import { allRegressions } from './regressions.js';
import {
  CHECK_HEADERS,
  checkCells,
  regressionChange,
  reportSides,
  sideLabel,
  sortChecks,
  targetRows,
} from './table.js';

// A plain-text report for terminals and CI logs: aligned columns, colour only when asked for,
// and no byte from a dataset or an endpoint that could move the cursor or recolour the screen.

export interface ConsoleOptions {
  /** ANSI colour (default false). */
  color?: boolean;
  /** Regressed cases to list (default 5). */
  maxCases?: number;
}

const CODES = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;
type Style = keyof typeof CODES;

const VERDICT_STYLE: Record<Verdict, Style> = {
  pass: 'green',
  fail: 'red',
  inconclusive: 'yellow',
};

const ID_CHARS = 60;
const METRIC_CHARS = 60;

/** Terminal columns a string takes: combining marks and zero-width characters 0, wide ones 2. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (/[\p{Mn}\p{Me}\p{Cf}]/u.test(ch)) continue;
    if (
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x1f300 && cp <= 0x1faff) ||
      (cp >= 0x20000 && cp <= 0x3fffd)
    ) {
      width += 2;
    } else {
      width += 1;
    }
  }
  return width;
}

function fill(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export interface Column {
  header: string;
  right?: boolean;
}

/**
 * Aligned rows (also the CLI's `--show` table); `style` picks a colour for a cell (around the
 * text only, so widths hold).
 */
export function grid(
  columns: Column[],
  rows: string[][],
  paint: (s: string, style: Style | undefined) => string,
  style?: (row: number, col: number) => Style | undefined,
): string[] {
  const widths = columns.map((c, i) =>
    Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i] ?? ''))),
  );
  const line = (cells: string[], styleOf: (col: number) => Style | undefined) =>
    cells
      .map((cell, i) => {
        const space = fill(cell, widths[i]!);
        const text = paint(cell, styleOf(i));
        return columns[i]?.right ? space + text : text + space;
      })
      .join('  ')
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      () => 'bold',
    ),
    ...rows.map((r, ri) => line(r, (ci) => style?.(ri, ci))),
  ];
}

/**
 * Decision line, checks table (failing first, same columns as the Markdown summary) and the
 * worst regressed cases. One-side runs (`--only`) show the recorded targets instead.
 */
export function renderConsole(report: Report, options: ConsoleOptions = {}): string {
  const paint = (s: string, style: Style | undefined) =>
    options.color && style && s.trim() ? `\u001b[${CODES[style]}m${s}\u001b[0m` : s;
  const summary = escapeTerminal(report.summary ?? '');
  const out: string[] = [];

  if (report.meta.only) {
    out.push(
      `${paint('evalgate: RECORDED', 'bold')} (${report.meta.only} only, nothing compared)${summary ? `  ${summary}` : ''}`,
    );
    const sides: Side[] = reportSides(report);
    if (sides.length > 0) {
      out.push('');
      const rows = targetRows(report).map((r) => [
        r.label,
        ...sides.map((s) => escapeTerminal(r.values[s] ?? '–', ID_CHARS)),
      ]);
      out.push(
        ...grid(
          [{ header: '' }, ...sides.map((s) => ({ header: sideLabel(report, s), right: true }))],
          rows,
          paint,
        ),
      );
    }
    return `${out.join('\n')}\n`;
  }

  const decision = report.decision;
  out.push(
    `${paint(`evalgate: ${decision.toUpperCase()}`, VERDICT_STYLE[decision] ?? 'yellow')}${summary ? `  ${summary}` : ''}`,
  );

  out.push('');
  const checks = sortChecks(report.checks);
  if (checks.length === 0) {
    out.push('No checks: no budgets are configured.');
  } else {
    const confidence = report.meta.confidence;
    const rows = checks.map((check) => {
      const c = checkCells(check, confidence);
      return [
        escapeTerminal(c.metric, METRIC_CHARS),
        c.baseline,
        c.candidate,
        c.change,
        c.budget,
        c.verdict.toUpperCase(),
      ];
    });
    const columns: Column[] = CHECK_HEADERS.map((header) => ({
      header,
      right: header === 'Baseline' || header === 'Candidate',
    }));
    out.push(
      ...grid(columns, rows, paint, (ri, ci) =>
        ci === columns.length - 1 ? VERDICT_STYLE[checks[ri]!.verdict] : undefined,
      ),
    );
  }

  const regressions = allRegressions(report);
  const limit = Math.max(0, Math.floor(options.maxCases ?? 5));
  const shown = regressions.slice(0, limit);
  out.push('');
  if (regressions.length === 0) {
    out.push('No case regressed.');
  } else {
    out.push(paint(`Top regressed cases (${shown.length} of ${regressions.length}):`, 'bold'));
    const rows = shown.map((r) => {
      const note = r.candidateError
        ? `${escapeTerminal(r.candidateError.kind, 20)}: ${escapeTerminal(r.candidateError.message, 80)}`
        : escapeTerminal(r.case.source ?? '', 80);
      return [escapeTerminal(r.case.id, ID_CHARS), escapeTerminal(regressionChange(r)), note];
    });
    const lines = grid([{ header: 'Case' }, { header: 'Score' }, { header: '' }], rows, paint);
    out.push(...lines.slice(1).map((l) => `  ${l}`));
    if (regressions.length > shown.length) {
      out.push(paint(`  … ${regressions.length - shown.length} more in the report`, 'dim'));
    }
  }
  return `${out.join('\n')}\n`;
}
