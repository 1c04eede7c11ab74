import type { CaseReport, Report, Side, SideResult, Verdict } from '../types.js';
import { escapeCodeBlock, escapeMarkdownInline } from './escape.js';
import { checkName, formatConfidence } from './format.js';
import { allRegressions, type Regression } from './regressions.js';
import {
  CHECK_HEADERS,
  checkCells,
  formatMs,
  formatScore,
  regressionChange,
  reportSides,
  sideLabel,
  sortChecks,
  targetRows,
} from './table.js';

export interface MarkdownOptions {
  /** Link to the workflow run, shown in the footer (http/https only). */
  runUrl?: string;
  /** Most regressed cases to show in full (default 10). */
  maxCases?: number;
  /**
   * Longest body to return (GitHub caps comments at 65,536). Cases are dropped first, then the
   * targets table, warnings, check reasons and footer; the headline, summary and checks table
   * are always kept whole, so a report with an enormous checks table may still exceed it.
   */
  maxChars?: number;
  /** Heading text (default `evalgate`). */
  title?: string;
}

export const DECISION_ICON: Record<Verdict, string> = {
  pass: '✅',
  fail: '❌',
  inconclusive: '⚠️',
};

const DEFAULT_MAX_CASES = 10;
const INPUT_CHARS = 600;
const OUTPUT_CHARS = 1200;
const MESSAGE_CHARS = 300;
const ID_CHARS = 120;

/** Extra fields a case may carry (not in the contract's case shape, shown when present). */
type CaseWithText = CaseReport & { input?: unknown; expected?: unknown };

const md = escapeMarkdownInline;

function table(headers: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

function checksSection(report: Report): { table: string; reasons: string } {
  const checks = sortChecks(report.checks);
  if (checks.length === 0) return { table: '_No checks: no budgets are configured._', reasons: '' };
  const confidence = report.meta.confidence;
  const rows = checks.map((check) => {
    const c = checkCells(check, confidence);
    return [
      md(c.metric),
      md(c.baseline),
      md(c.candidate),
      md(c.change),
      md(c.budget),
      `${DECISION_ICON[c.verdict]} ${c.verdict}`,
    ];
  });
  const headers = CHECK_HEADERS;
  const reasons = checks
    .filter((c) => c.reason)
    .map((c) => `- ${DECISION_ICON[c.verdict]} **${md(checkName(c))}**: ${md(c.reason)}`)
    .join('\n');
  return { table: table(headers, ['l', 'r', 'r', 'l', 'l', 'l'], rows), reasons };
}

function targetsTable(report: Report): string {
  const sides = reportSides(report);
  if (sides.length === 0) return '';
  const rows = targetRows(report).map((r) => [
    r.label,
    ...sides.map((s) => {
      const v = r.values[s] ?? '–';
      return r.label === 'Model' && v !== '–' ? `<code>${md(v, ID_CHARS)}</code>` : md(v);
    }),
  ]);
  return table(
    ['', ...sides.map((s) => sideLabel(report, s))],
    ['l', ...sides.map(() => 'r' as const)],
    rows,
  );
}

function warningsSection(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return ['#### Warnings', '', ...warnings.map((w) => `- ⚠️ ${md(w)}`)].join('\n');
}

function safeUrl(url: string | undefined): string | null {
  if (!url || !/^https?:\/\/[^\s]+$/i.test(url)) return null;
  return url.replace(/[()<>"'`\\|[\]]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

function footer(report: Report, runUrl: string | undefined): string {
  const meta = report.meta;
  const parts = [`${md(meta.tool ?? 'evalgate')} ${md(meta.version ?? '')}`.trim()];
  parts.push(`${report.cases.length} cases`);
  if (Number.isFinite(meta.confidence))
    parts.push(`confidence ${formatConfidence(meta.confidence)}`);
  if (Number.isFinite(meta.seed)) parts.push(`seed ${meta.seed}`);
  if (Number.isFinite(meta.duration_ms)) parts.push(`${(meta.duration_ms / 1000).toFixed(1)} s`);
  if (meta.baseline_report)
    parts.push(`baseline from <code>${md(meta.baseline_report, 200)}</code>`);
  const url = safeUrl(runUrl);
  if (url) parts.push(`[workflow run](${url})`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

function inputText(input: unknown): string | null {
  if (input === undefined || input === null) return null;
  if (typeof input === 'string') return input;
  if (Array.isArray(input)) {
    return input
      .map((m) =>
        m && typeof m === 'object' && 'content' in m
          ? `${String((m as { role?: unknown }).role ?? 'user')}: ${textOf((m as { content: unknown }).content)}`
          : textOf(m),
      )
      .join('\n');
  }
  return textOf(input);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function pre(label: string, text: string | null, max: number): string {
  if (text === null) return `**${label}:** _(none)_`;
  return `**${label}**\n\n<pre>${escapeCodeBlock(text, max)}</pre>`;
}

function sideCells(
  label: string,
  base: SideResult | undefined,
  cand: SideResult | undefined,
  pick: (s: SideResult) => string,
): string[] {
  return [label, base ? pick(base) : '–', cand ? pick(cand) : '–'];
}

function caseBlock(r: Regression): string {
  const c = r.case as CaseWithText;
  const base = c.baseline;
  const cand = c.candidate;
  const summary = `<code>${md(c.id, ID_CHARS)}</code> · ${md(regressionChange(r))}`;
  const lines = ['<details>', `<summary>${summary}</summary>`, ''];

  const where: string[] = [];
  if (c.source) where.push(`source <code>${md(c.source, 200)}</code>`);
  if (c.slices.length > 0) {
    where.push(`slices ${c.slices.map((s) => `<code>${md(s, 100)}</code>`).join(', ')}`);
  }
  if (where.length > 0) lines.push(`${where.join(' · ')}`, '');

  const scorers = [
    ...new Set([...Object.keys(base?.scores ?? {}), ...Object.keys(cand?.scores ?? {})]),
  ];
  const rows = [
    sideCells('score', base, cand, (s) => formatScore(s.score)),
    sideCells('pass', base, cand, (s) => (s.pass ? '✅' : '❌')),
    ...scorers.map((name) =>
      sideCells(`<code>${md(name, 80)}</code>`, base, cand, (s) => formatScore(s.scores[name])),
    ),
    sideCells('latency', base, cand, (s) => formatMs(s.latency_ms)),
  ];
  lines.push(table(['', 'Baseline', 'Candidate'], ['l', 'r', 'r'], rows), '');

  const input = inputText(c.input);
  if (input !== null) lines.push(pre('Input', input, INPUT_CHARS), '');
  if (c.expected !== undefined && c.expected !== null) {
    lines.push(pre('Expected', textOf(c.expected), INPUT_CHARS), '');
  }
  for (const [side, result] of [
    ['Baseline', base],
    ['Candidate', cand],
  ] as const) {
    if (!result) continue;
    lines.push(pre(`${side} output`, result.output, OUTPUT_CHARS), '');
    if (result.error) {
      lines.push(
        `**${side} error:** <code>${md(result.error.kind, 40)}</code> ${md(result.error.message, MESSAGE_CHARS)}`,
        '',
      );
    }
  }
  lines.push('</details>');
  return lines.join('\n');
}

function casesSection(total: number, blocks: string[], shown: number): string {
  if (total === 0) return '### Regressed cases\n\nNo case regressed.';
  const head = `### Regressed cases (${shown === total ? total : `top ${shown} of ${total}`})`;
  const omitted = total - shown;
  const tail =
    omitted > 0
      ? `_${omitted} more regressed ${omitted === 1 ? 'case' : 'cases'} omitted; the full list is in the JSON report._`
      : '';
  return [head, '', ...blocks.slice(0, shown).flatMap((b) => [b, '']), tail].join('\n').trimEnd();
}

function join(parts: (string | null | undefined)[]): string {
  return `${parts.filter((p) => p).join('\n\n')}\n`;
}

function headline(title: string, text: string): string {
  return `## ${text.replace('{title}', () => md(title, 200))}`;
}

function oneSide(report: Report, options: MarkdownOptions): string {
  const side: Side = report.meta.only ?? 'candidate';
  const title = options.title ?? 'evalgate';
  const sides = reportSides(report);
  const parts = [
    headline(title, `📼 {title}: recorded ${side === 'candidate' ? 'baseline' : 'run'}`),
    report.summary ? md(report.summary) : null,
    `Only the ${side} was evaluated, so nothing was compared or gated. ` +
      `Pass this report as <code>--baseline-report</code> (or the <code>baseline-report</code> input) to compare later runs against it.`,
    sides.length > 0 ? targetsTable(report) : '_No target metrics recorded._',
    warningsSection(report.meta.warnings ?? []),
    footer(report, options.runUrl),
  ];
  return join(parts);
}

/**
 * The job summary / PR comment body: decision, summary, checks table (failing first) and their
 * reasons, warnings, targets table, then the worst regressed cases in collapsed sections.
 * Every piece of text from the dataset or an endpoint is escaped and cannot change the layout.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  if (report.meta.only) return oneSide(report, options);
  const title = options.title ?? 'evalgate';
  const icon = DECISION_ICON[report.decision] ?? '⚠️';
  const head = headline(title, `${icon} {title}: ${report.decision}`);
  const summary = report.summary ? md(report.summary) : null;
  const checks = checksSection(report);
  const warnings = warningsSection(report.meta.warnings ?? []);
  const targets = targetsTable(report);
  const foot = footer(report, options.runUrl);

  const regressions = allRegressions(report);
  const maxCases = Math.max(0, Math.floor(options.maxCases ?? DEFAULT_MAX_CASES));
  const blocks = regressions.slice(0, maxCases).map(caseBlock);

  const render = (shown: number, drop: Set<string>) =>
    join([
      head,
      summary,
      checks.table,
      drop.has('reasons') ? null : checks.reasons,
      drop.has('warnings')
        ? (report.meta.warnings?.length ?? 0) > 0
          ? `_${report.meta.warnings.length} warnings omitted for length._`
          : null
        : warnings,
      drop.has('targets') ? null : targets ? `### Targets\n\n${targets}` : null,
      drop.has('cases')
        ? regressions.length > 0
          ? `_${regressions.length} regressed cases omitted for length; the full list is in the JSON report._`
          : null
        : casesSection(regressions.length, blocks, shown),
      drop.has('footer') ? null : foot,
    ]);

  const none = new Set<string>();
  const full = render(blocks.length, none);
  const max = options.maxChars;
  if (max === undefined || full.length <= max) return full;

  // Drop cases from the end of the list; the length grows with every case shown.
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(mid, none).length <= max) lo = mid;
    else hi = mid - 1;
  }
  const fitted = render(lo, none);
  if (fitted.length <= max) return fitted;

  // Still too long with no case shown: give up sections, least important first.
  const drop = new Set<string>();
  let out = fitted;
  for (const section of ['cases', 'targets', 'warnings', 'reasons', 'footer']) {
    drop.add(section);
    out = render(0, drop);
    if (out.length <= max) return out;
  }
  return out;
}
