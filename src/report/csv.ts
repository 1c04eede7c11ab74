import type { CaseReport, Report, Side, SideResult } from '../types.js';
import { stripControlChars } from './escape.js';

// The per-case results as CSV (`run --csv PATH`), for a spreadsheet or a notebook. RFC 4180:
// CRLF between records, a field quoted when it holds a comma, a quote or a line break, quotes
// doubled. The text comes from datasets and endpoints, and a spreadsheet runs a cell that starts
// with = + - @ as a formula (CSV injection): such a text cell gets a leading '. Numbers evalgate
// writes itself are left as numbers. Secrets are already masked: this renders the report, which
// the engine masked before returning it.

const SIDES: readonly Side[] = ['baseline', 'candidate'];

const SIDE_COLUMNS = [
  'output',
  'score',
  'pass',
  'latency_ms',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'error_kind',
  'error_message',
] as const;

export const CSV_HEADER = [
  'id',
  'slices',
  'source',
  'input',
  'expected',
  ...SIDES.flatMap((side) => SIDE_COLUMNS.map((c) => `${side}_${c}`)),
  'score_delta',
];

/** A cell from untrusted text: controls removed, formula starters made inert. */
function text(value: string): string {
  const clean = stripControlChars(value);
  return /^[=+\-@\t\r]/.test(clean) ? `'${clean}` : clean;
}

function num(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}

/** Strings as they are; anything else (a chat message array, a JSON answer) as JSON. */
function anyText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return text(typeof value === 'string' ? value : JSON.stringify(value));
}

function sideCells(r: SideResult | undefined): string[] {
  if (!r) return SIDE_COLUMNS.map(() => '');
  return [
    anyText(r.output),
    num(r.score),
    String(r.pass),
    num(r.latency_ms),
    num(r.input_tokens),
    num(r.output_tokens),
    num(r.cost_usd),
    r.error ? text(r.error.kind) : '',
    r.error ? text(r.error.message) : '',
  ];
}

function caseRow(c: CaseReport): string[] {
  const delta = c.baseline && c.candidate ? c.candidate.score - c.baseline.score : null;
  return [
    text(c.id),
    text(c.slices.join(';')),
    text(c.source ?? ''),
    anyText(c.input),
    anyText(c.expected),
    ...sideCells(c.baseline),
    ...sideCells(c.candidate),
    num(delta),
  ];
}

/** RFC 4180 quoting: only where the field needs it. */
function field(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** One record per case in report order, after a header row; yielded a record at a time. */
export function* renderCsv(report: Pick<Report, 'cases'>): Generator<string> {
  yield `${CSV_HEADER.map(field).join(',')}\r\n`;
  for (const c of report.cases) yield `${caseRow(c).map(field).join(',')}\r\n`;
}
