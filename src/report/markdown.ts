import type { CaseReport, Report, Side, SideResult, Verdict } from '../types.js';
import { escapeCodeBlock, escapeMarkdownInline } from './escape.js';
import { BLOCKED_INCONCLUSIVE, checkName, formatConfidence } from './format.js';
import { allRegressions, improvedCases } from './regressions.js';
import {
  CHECK_HEADERS,
  checkCells,
  figureLine,
  formatMs,
  formatScore,
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
import { expectedCallsText, hasToolCalls, sideCallsText } from './tool-calls.js';

export interface MarkdownOptions {
  /** Link to the workflow run, shown in the footer (http/https only). */
  runUrl?: string;
  /** Most regressed cases to show in full, and most improved ones (default 10 each). */
  maxCases?: number;
  /**
   * Longest body to return, in UTF-16 code units (never fewer than GitHub's characters). The
   * improved cases are shortened first, then the regressed ones; then the targets table, the
   * check reasons and the warnings go, then passing and inconclusive rows of the checks table
   * (failing rows stay longest), then the footer. The headline and the summary line, the verdict, are never cut.
   */
  maxChars?: number;
  /** Heading text (default `evalgate`). */
  title?: string;
  /** The HTML report: a line says where it is (its artifact's page when uploaded) and how to open it. */
  html?: HtmlLink;
}

export interface HtmlLink {
  /** The page's file, as written. */
  file: string;
  /** The JSON report's path, for `npx evalgate view … --open`. */
  report: string;
  /** The uploaded artifact's page (http/https only). */
  url?: string;
}

export const DECISION_ICON: Record<Verdict, string> = {
  pass: '✅',
  fail: '❌',
  inconclusive: '⚠️',
};

/** GitHub rejects issue and pull request comment bodies longer than this. */
export const GITHUB_COMMENT_MAX_CHARS = 65_536;
/**
 * GitHub refuses a step's job summary over 1 MiB. A UTF-16 code unit takes at most 3 bytes in
 * UTF-8, so this many code units always fit.
 */
export const JOB_SUMMARY_MAX_CHARS = 340_000;

const VERDICT_WORD: Record<Verdict, string> = {
  fail: 'failing',
  inconclusive: 'inconclusive',
  pass: 'passing',
};

const DEFAULT_MAX_CASES = 10;
/** The one-line summary names slices, which come from the dataset: bound it. */
const SUMMARY_CHARS = 2000;
const METRIC_CHARS = 200;
const INPUT_CHARS = 600;
const OUTPUT_CHARS = 1200;
const MESSAGE_CHARS = 300;
/** One side's tool calls (five at most, each shortened) in a case's section. */
const CALLS_CHARS = 800;
const ID_CHARS = 120;

/** Extra fields a case may carry (not in the contract's case shape, shown when present). */
type CaseWithText = CaseReport & { input?: unknown; expected?: unknown };

const md = escapeMarkdownInline;

function table(headers: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

interface ChecksSection {
  /** The table with its first `rows` rows (failing first), and a note on what was left out. */
  table(rows: number): string;
  rows: number;
  reasons: string;
}

function checksSection(report: Report): ChecksSection {
  const checks = sortChecks(report.checks);
  if (checks.length === 0) {
    return { table: () => '_No checks: no budgets are configured._', rows: 0, reasons: '' };
  }
  const confidence = report.meta.confidence;
  const notes = populationNotes(checks, report);
  const rows = checks.map((check, i) => {
    const c = checkCells(check, confidence, notes[i] !== undefined, report);
    return [
      md(c.metric, METRIC_CHARS),
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
    .map(
      (c) =>
        `- ${DECISION_ICON[c.verdict]} **${md(checkName(c), METRIC_CHARS)}**: ${md(c.reason, SUMMARY_CHARS)}`,
    )
    .join('\n');
  const render = (shown: number) => {
    const lines = checks.slice(0, shown).flatMap((c, i) => {
      const note = notes[i];
      return note ? [`<sub>${md(populationLine(c, note), METRIC_CHARS * 2)}</sub>`] : [];
    });
    for (const c of checks.slice(0, shown)) {
      const line = figureLine(c, report);
      if (line) lines.push(`<sub>${md(line, METRIC_CHARS * 4)}</sub>`);
    }
    const body = [
      table(headers, ['l', 'r', 'r', 'l', 'l', 'l'], rows.slice(0, shown)),
      ...lines,
    ].join('\n\n');
    if (shown >= checks.length) return body;
    const left = checks.slice(shown);
    const count = (v: Verdict) => left.filter((c) => c.verdict === v).length;
    const parts = (['fail', 'inconclusive', 'pass'] as const)
      .filter((v) => count(v) > 0)
      .map((v) => `${count(v)} ${VERDICT_WORD[v]}`);
    return `${body}\n\n_${left.length} more ${left.length === 1 ? 'check' : 'checks'} (${parts.join(', ')}) omitted for length; the job summary and the JSON report have all of them._`;
  };
  return { table: render, rows: checks.length, reasons };
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
  const body = table(
    ['', ...sides.map((s) => sideLabel(report, s))],
    ['l', ...sides.map(() => 'r' as const)],
    rows,
  );
  const notes = targetNotes(report).map((n) => `- Unknown: ${md(n)}.`);
  return notes.length > 0 ? `${body}\n\n${notes.join('\n')}` : body;
}

function warningsSection(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return ['#### Warnings', '', ...warnings.map((w) => `- ⚠️ ${md(w)}`)].join('\n');
}

function safeUrl(url: string | undefined): string | null {
  if (!url || !/^https?:\/\/[^\s]+$/i.test(url)) return null;
  return url.replace(/[()<>"'`\\|[\]]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Where the HTML report is and how to open it, on one line. */
function htmlLine(html: HtmlLink | undefined): string | null {
  if (!html) return null;
  const name = `<code>${md(html.file.split(/[\\/]/).pop() ?? html.file, 200)}</code>`;
  const view = `<code>npx evalgate view ${md(html.report, 200)} --open</code>`;
  const url = safeUrl(html.url);
  if (url)
    return `<sub>📊 [HTML report](${url}): download the artifact and open ${name}, or run ${view}</sub>`;
  return `<sub>📊 HTML report: ${name} (not uploaded); or run ${view}</sub>`;
}

function footer(report: Report, runUrl: string | undefined, html?: HtmlLink): string {
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
  const line = `<sub>${parts.join(' · ')}</sub>`;
  const link = htmlLine(html);
  return link ? `${link}\n\n${line}` : line;
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

/** One case in a collapsed section: its scores side by side, input, expected and outputs. */
function caseBlock(r: { case: CaseReport }, change: string): string {
  const c = r.case as CaseWithText;
  const base = c.baseline;
  const cand = c.candidate;
  const summary = `<code>${md(c.id, ID_CHARS)}</code> · ${md(change)}`;
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
  if (hasToolCalls(c)) lines.push(toolCallsList(c), '');
  lines.push('</details>');
  return lines.join('\n');
}

/** What the case expected and what each side called, one escaped line each. */
function toolCallsList(c: CaseReport): string {
  const items: string[] = [];
  const expected = expectedCallsText(c);
  if (expected !== undefined) items.push(`- expected ${md(expected, CALLS_CHARS)}`);
  if (c.baseline) items.push(`- baseline ${md(sideCallsText(c.baseline), CALLS_CHARS)}`);
  if (c.candidate) items.push(`- candidate ${md(sideCallsText(c.candidate), CALLS_CHARS)}`);
  return ['**Tool calls**', '', ...items].join('\n');
}

function casesSection(
  kind: 'regressed' | 'improved',
  total: number,
  blocks: string[],
  shown: number,
): string {
  const title = kind === 'regressed' ? 'Regressed' : 'Improved';
  if (total === 0) return `### ${title} cases\n\nNo case ${kind}.`;
  const head = `### ${title} cases (${shown === total || shown === 0 ? total : `top ${shown} of ${total}`})`;
  const omitted = total - shown;
  const noun = omitted === 1 ? 'case' : 'cases';
  const tail =
    omitted === 0
      ? ''
      : shown === 0
        ? `_${omitted} ${kind} ${noun} omitted; the full list is in the JSON report._`
        : `_${omitted} more ${kind} ${noun} omitted; the full list is in the JSON report._`;
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
    footer(report, options.runUrl, options.html),
  ];
  return join(parts);
}

/** The largest n in [lo, hi] with fits(n), given fits(lo); fits must be monotone. */
function largest(lo: number, hi: number, fits: (n: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The job summary / PR comment body: decision, summary, checks table (failing first) and their
 * reasons, warnings, targets table, then the worst regressed cases in collapsed sections.
 * Every piece of text from the dataset or an endpoint is escaped and cannot change the layout.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  if (report.meta.only) return oneSide(report, options);
  const title = options.title ?? 'evalgate';
  // A stopped run was not judged: say so rather than show its placeholder decision.
  const head = report.incomplete
    ? headline(title, '⏹️ {title}: incomplete, not judged')
    : report.blocked_by === 'on_inconclusive'
      ? headline(title, `${DECISION_ICON.fail} {title}: blocked (${BLOCKED_INCONCLUSIVE})`)
      : headline(title, `${DECISION_ICON[report.decision] ?? '⚠️'} {title}: ${report.decision}`);
  const summary = report.summary ? md(report.summary, SUMMARY_CHARS) : null;
  const checks = checksSection(report);
  const warningList = report.meta.warnings ?? [];
  const warnings = warningsSection(warningList);
  const targets = targetsTable(report);
  const foot = footer(report, options.runUrl, options.html);

  const regressions = allRegressions(report);
  const improved = improvedCases(report);
  const maxCases = Math.max(0, Math.floor(options.maxCases ?? DEFAULT_MAX_CASES));
  const blocks = regressions.slice(0, maxCases).map((r) => caseBlock(r, regressionChange(r)));
  const betterBlocks = improved.slice(0, maxCases).map((r) => caseBlock(r, improvementChange(r)));

  const liveOnly = report.meta.live !== undefined && report.cases.length === 0;
  interface Layout {
    cases: number;
    improvedCases: number;
    checkRows: number;
    drop: ReadonlySet<'targets' | 'reasons' | 'warnings' | 'footer'>;
  }
  const render = ({ cases, improvedCases: better, checkRows, drop }: Layout) =>
    join([
      head,
      summary,
      checks.table(checkRows),
      drop.has('reasons') ? null : checks.reasons,
      drop.has('warnings')
        ? warningList.length > 0
          ? `_${warningList.length} ${warningList.length === 1 ? 'warning' : 'warnings'} omitted for length; see the job summary._`
          : null
        : warnings,
      drop.has('targets') ? null : targets ? `### Targets\n\n${targets}` : null,
      // A live canary has no golden cases: no case sections to say so twice.
      liveOnly ? null : casesSection('regressed', regressions.length, blocks, cases),
      liveOnly ? null : casesSection('improved', improved.length, betterBlocks, better),
      drop.has('footer') ? null : foot,
    ]);

  let layout: Layout = {
    cases: blocks.length,
    improvedCases: betterBlocks.length,
    checkRows: checks.rows,
    drop: new Set(),
  };
  const max = options.maxChars;
  const fits = (l: Layout) => max === undefined || render(l).length <= max;
  if (fits(layout)) return render(layout);
  // The verdict is never cut. What goes, in order: improved cases, then regressed ones, from the
  // end of each list, then whole sections least useful first, then checks table rows from the
  // end (passing slices first to go, failing checks last), and the footer only when nothing
  // else is left.
  layout = {
    ...layout,
    improvedCases: largest(0, betterBlocks.length, (n) => fits({ ...layout, improvedCases: n })),
  };
  if (fits(layout)) return render(layout);
  layout = { ...layout, cases: largest(0, blocks.length, (n) => fits({ ...layout, cases: n })) };
  const drop = new Set<'targets' | 'reasons' | 'warnings' | 'footer'>();
  for (const section of ['targets', 'reasons', 'warnings'] as const) {
    if (fits(layout)) return render(layout);
    drop.add(section);
    layout = { ...layout, drop: new Set(drop) };
  }
  if (fits(layout)) return render(layout);
  layout = {
    ...layout,
    checkRows: largest(0, checks.rows, (n) => fits({ ...layout, checkRows: n })),
  };
  if (fits(layout)) return render(layout);
  drop.add('footer');
  return render({ ...layout, drop });
}
