import { grid } from '../report/console.js';
import { escapeTerminal, noWorkflowCommands } from '../report/escape.js';
import { allRegressions, improvedCases } from '../report/regressions.js';
import { formatMs, formatScore, formatScoreDelta } from '../report/table.js';
import type { CaseReport, Report, SideResult } from '../types.js';

// `run --show all|regressed|improved`: every case of the chosen kind as a terminal table, where
// the run's own output lists only the five worst regressions. Everything from the dataset or an
// endpoint (ids, slices, outputs, error messages) is cut and stripped of terminal escapes.

export const SHOW_CHOICES = ['all', 'regressed', 'improved'] as const;
export type ShowChoice = (typeof SHOW_CHOICES)[number];

const ID_CHARS = 40;
const SLICE_CHARS = 30;
const OUTPUT_CHARS = 40;
const ERROR_CHARS = 60;

/** The score column's change: candidate − baseline, as reported. */
function gain(c: CaseReport): number {
  return (c.candidate?.score ?? 0) - (c.baseline?.score ?? 0);
}

function selected(report: Report, show: ShowChoice): CaseReport[] {
  if (show === 'regressed') return allRegressions(report).map((r) => r.case);
  if (show === 'improved') return improvedCases(report).map((r) => r.case);
  return report.cases;
}

function scoreCell(r: SideResult | undefined): string {
  if (!r) return '–';
  return `${formatScore(r.score)} ${r.pass ? 'pass' : 'FAIL'}`;
}

function errorCell(c: CaseReport): string {
  const parts: string[] = [];
  for (const side of ['baseline', 'candidate'] as const) {
    const e = c[side]?.error;
    if (e) parts.push(`${side}: ${escapeTerminal(`${e.kind}: ${e.message}`, ERROR_CHARS)}`);
  }
  return parts.join('; ');
}

const output = (r: SideResult | undefined) =>
  r?.output === null || r?.output === undefined ? '–' : escapeTerminal(r.output, OUTPUT_CHARS);

const COLUMNS = [
  { header: 'Case' },
  { header: 'Slices' },
  { header: 'Baseline', right: true },
  { header: 'Candidate', right: true },
  { header: 'Change', right: true },
  { header: 'Base ms', right: true },
  { header: 'Cand ms', right: true },
  { header: 'Baseline output' },
  { header: 'Candidate output' },
  { header: 'Error' },
];

/** The table, titled with how many of the run's cases it shows. */
export function renderCaseTable(report: Report, show: ShowChoice): string {
  const cases = selected(report, show);
  const title =
    show === 'all'
      ? `All cases (${cases.length}):`
      : `${show === 'regressed' ? 'Regressed' : 'Improved'} cases (${cases.length} of ${report.cases.length}):`;
  if (cases.length === 0) return `${title} none\n`;
  const rows = cases.map((c) => [
    escapeTerminal(c.id, ID_CHARS),
    escapeTerminal(c.slices.join(', '), SLICE_CHARS) || '–',
    scoreCell(c.baseline),
    scoreCell(c.candidate),
    c.baseline && c.candidate ? formatScoreDelta(gain(c)) : '–',
    c.baseline ? formatMs(c.baseline.latency_ms) : '–',
    c.candidate ? formatMs(c.candidate.latency_ms) : '–',
    output(c.baseline),
    output(c.candidate),
    errorCell(c),
  ]);
  // Case ids are the dataset's: a row beginning `::` would be a workflow command.
  return noWorkflowCommands(`${[title, ...grid(COLUMNS, rows, (s) => s)].join('\n')}\n`);
}
