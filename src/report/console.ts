import type { Check, Report, Side, Verdict } from '../types.js';
import { escapeTerminal, noWorkflowCommands } from './escape.js';
import { allRegressions, improvedCases } from './regressions.js';
import {
  CHECK_HEADERS,
  checkCells,
  figureLine,
  improvementChange,
  populationLine,
  populationNotes,
  regressionChange,
  reportSides,
  sideLabel,
  sortChecks,
  targetNotes,
  targetRows,
} from './table.js';
import { toolCallContrast } from './tool-calls.js';

// A plain-text report for terminals and CI logs: aligned columns, colour only when asked for,
// and no byte from a dataset or an endpoint that could move the cursor or recolour the screen.

export interface ConsoleOptions {
  /** ANSI colour (default false). */
  color?: boolean;
  /** Regressed cases to list, and improved ones (default 5 each). */
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
const MAX_REASONS = 10;
const REASON_CHARS = 400;
const METRIC_CHARS = 60;
/** A regressed case's tool calls on its line: each call shortened, both sides together. */
const CALL_CHARS = 60;
const CALLS_CHARS = 300;

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
      for (const note of targetNotes(report)) out.push(`Unknown: ${escapeTerminal(note)}.`);
    }
    return noWorkflowCommands(`${out.join('\n')}\n`);
  }

  const decision = report.decision;
  // The decision stays as judged; the header says when it blocked all the same.
  const head =
    report.blocked_by === 'on_inconclusive'
      ? paint('evalgate: BLOCKED (INCONCLUSIVE)', 'red')
      : paint(`evalgate: ${decision.toUpperCase()}`, VERDICT_STYLE[decision] ?? 'yellow');
  out.push(`${head}${summary ? `  ${summary}` : ''}`);

  out.push('');
  const checks = sortChecks(report.checks);
  if (checks.length === 0) {
    out.push('No checks: no budgets are configured.');
  } else {
    const confidence = report.meta.confidence;
    const notes = populationNotes(checks, report);
    const rows = checks.map((check, i) => {
      const c = checkCells(check, confidence, notes[i] !== undefined, report);
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
    checks.forEach((c, i) => {
      const note = notes[i];
      if (note) out.push(escapeTerminal(populationLine(c, note), METRIC_CHARS * 4));
    });
    for (const c of checks) {
      const line = figureLine(c, report);
      if (line) out.push(escapeTerminal(line, METRIC_CHARS * 4));
    }
    out.push(...whyNotPassing(checks, paint));
  }

  // A live canary has no golden cases: nothing to list below the checks.
  if (report.meta.live !== undefined && report.cases.length === 0)
    return noWorkflowCommands(`${out.join('\n')}\n`);
  const limit = Math.max(0, Math.floor(options.maxCases ?? 5));
  const regressions = allRegressions(report);
  out.push('');
  out.push(
    ...caseList(
      'regressed',
      regressions.slice(0, limit).map((r) => {
        const calls = toolCallContrast(r.case, CALL_CHARS);
        const note = r.candidateError
          ? `${escapeTerminal(r.candidateError.kind, 20)}: ${escapeTerminal(r.candidateError.message, 80)}`
          : [
              escapeTerminal(r.case.source ?? '', 80),
              calls ? escapeTerminal(calls, CALLS_CHARS) : '',
            ]
              .filter(Boolean)
              .join(' · ');
        return [escapeTerminal(r.case.id, ID_CHARS), escapeTerminal(regressionChange(r)), note];
      }),
      regressions.length,
      paint,
    ),
  );
  const improved = improvedCases(report);
  out.push('');
  out.push(
    ...caseList(
      'improved',
      improved
        .slice(0, limit)
        .map((r) => [
          escapeTerminal(r.case.id, ID_CHARS),
          escapeTerminal(improvementChange(r)),
          escapeTerminal(r.case.source ?? '', 80),
        ]),
      improved.length,
      paint,
    ),
  );
  return noWorkflowCommands(`${out.join('\n')}\n`);
}

/** Every check that did not pass says why in one line (the table has no room for it). */
function whyNotPassing(
  checks: readonly Check[],
  paint: (s: string, style: Style | undefined) => string,
): string[] {
  const open = checks.filter((c) => c.verdict !== 'pass' && c.reason);
  if (open.length === 0) return [];
  const shown = open.slice(0, MAX_REASONS);
  const out = ['', paint('Why:', 'bold')];
  for (const c of shown)
    out.push(`  ${paint(escapeTerminal(c.reason, REASON_CHARS), VERDICT_STYLE[c.verdict])}`);
  if (open.length > shown.length)
    out.push(paint(`  … ${open.length - shown.length} more in the report`, 'dim'));
  return out;
}

/** `Top regressed cases (5 of 12):` and the rows, indented; or `No case regressed.` */
function caseList(
  kind: 'regressed' | 'improved',
  rows: string[][],
  total: number,
  paint: (s: string, style: Style | undefined) => string,
): string[] {
  if (total === 0) return [`No case ${kind}.`];
  const out = [paint(`Top ${kind} cases (${rows.length} of ${total}):`, 'bold')];
  const lines = grid([{ header: 'Case' }, { header: 'Score' }, { header: '' }], rows, paint);
  out.push(...lines.slice(1).map((l) => `  ${l}`));
  if (total > rows.length) out.push(paint(`  … ${total - rows.length} more in the report`, 'dim'));
  return out;
}
