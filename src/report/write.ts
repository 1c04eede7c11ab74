import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type MetricLabels, renderOpenMetrics } from '../export/openmetrics.js';
import { writeHtmlReport } from '../html/write.js';
import type { Report } from '../types.js';
import { writeFileAtomic, writeFileAtomicChunks } from '../util/atomic-write.js';
import { jsonChunks, stringifyOrNone } from '../util/json-chunks.js';
import { renderCsv } from './csv.js';
import { renderJunit } from './junit.js';
import { JOB_SUMMARY_MAX_CHARS, type MarkdownOptions, renderMarkdown } from './markdown.js';
import { OutputWriteError } from './output-paths.js';

export interface OutputPaths {
  report?: string;
  junit?: string;
  summary?: string;
  /** The per-case results as CSV (`run --csv`). */
  csv?: string;
  /** The run's figures as OpenMetrics text (`run --metrics`), with the run's labels on each sample. */
  metrics?: { file: string; labels: MetricLabels };
  /** The self-contained HTML report (`--html`, the Action's `html` input). */
  html?: string;
}

// Every output replaces its file atomically (src/util/atomic-write.ts): a run killed mid-write
// leaves the previous report whole, never a truncated one.
function write(file: string, content: () => string | Iterable<string>): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const c = content();
    if (typeof c === 'string') writeFileAtomic(file, c);
    else writeFileAtomicChunks(file, c);
  } catch (err) {
    throw new OutputWriteError(file, withoutPaths(err));
  }
}

/**
 * Node's "EISDIR: illegal operation on a directory, rename '/x/.r.json.1f….tmp' -> '/x/r.json'"
 * without its syscall and paths: the message names the file already, and the temp file is ours.
 */
function withoutPaths(err: unknown): unknown {
  if (!(err instanceof Error) || !(err as NodeJS.ErrnoException).syscall) return err;
  return new Error(err.message.replace(/, \w+ '.*$/s, ''));
}

/**
 * `JSON.stringify(value, null, 2)` and a newline, written in pieces: a report whose answers add
 * up to more than V8's longest string is written all the same, to the same bytes.
 */
export function writeJson(file: string, value: unknown): void {
  write(file, function* () {
    yield* jsonChunks(value, 2);
    yield '\n';
  });
}

/** Spaces before each case of the report's `cases` list: two levels of its indentation. */
const CASE_INDENT = '    ';

/**
 * The report as JSON: indented by two spaces like `writeJson`, except that each entry of `cases`
 * is written compactly on one line of its own (docs/report.md). Indenting every answer's fields
 * made a 100,000-case report 83 MB, writing it a quarter of the time from the last answer to
 * the verdict; one line per case is a third smaller and still reads, and diffs, case by case.
 */
export function writeReport(file: string, report: Report): void {
  write(file, function* () {
    yield* reportChunks(report);
    yield '\n';
  });
}

function* reportChunks(report: Report): Generator<string> {
  let lead = '{';
  for (const [key, value] of Object.entries(report)) {
    if (value === undefined) continue;
    yield `${lead}\n  ${JSON.stringify(key)}: `;
    lead = ',';
    if (key === 'cases' && Array.isArray(value) && value.length > 0) yield* caseLines(value);
    // JSON text holds no raw line break (strings escape theirs): each one is an indent point.
    else for (const chunk of jsonChunks(value, 2)) yield chunk.replaceAll('\n', '\n  ');
  }
  yield lead === '{' ? '{}' : '\n}';
}

function* caseLines(cases: readonly unknown[]): Generator<string> {
  for (let i = 0; i < cases.length; i++) {
    yield i === 0 ? `[\n${CASE_INDENT}` : `,\n${CASE_INDENT}`;
    const text = cases[i] === undefined ? 'null' : stringifyOrNone(cases[i], 0);
    if (text !== undefined) yield text;
    // A case too long for one string (answers of hundreds of megabytes) or nested too deep for
    // the native recursion is written in pieces, indented: still JSON, on several lines.
    else
      for (const chunk of jsonChunks(cases[i], 2)) yield chunk.replaceAll('\n', `\n${CASE_INDENT}`);
  }
  yield '\n  ]';
}

/** The job summary's Markdown: the `--summary` file is the same text, within the same size. */
export function renderSummary(report: Report, options: MarkdownOptions = {}): string {
  return renderMarkdown(report, { maxChars: JOB_SUMMARY_MAX_CHARS, ...options });
}

/** The files both front doors write from one report. */
export function writeOutputs(
  report: Report,
  paths: OutputPaths,
  markdown: MarkdownOptions = {},
): void {
  if (paths.report) writeReport(paths.report, report);
  if (paths.junit) write(paths.junit, () => renderJunit(report));
  if (paths.summary) write(paths.summary, () => renderSummary(report, markdown));
  if (paths.csv) write(paths.csv, () => renderCsv(report));
  const metrics = paths.metrics;
  if (metrics) write(metrics.file, () => renderOpenMetrics(report, metrics.labels));
  if (paths.html) writeHtmlReport(report, paths.html);
}
