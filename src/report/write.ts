import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Report } from '../types.js';
import { renderJunit } from './junit.js';
import { JOB_SUMMARY_MAX_CHARS, type MarkdownOptions, renderMarkdown } from './markdown.js';
import { OutputWriteError } from './output-paths.js';

export interface OutputPaths {
  report?: string;
  junit?: string;
  summary?: string;
}

function write(file: string, text: string): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, text);
  } catch (err) {
    throw new OutputWriteError(file, err);
  }
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
  if (paths.report) write(paths.report, `${JSON.stringify(report, null, 2)}\n`);
  if (paths.junit) write(paths.junit, renderJunit(report));
  if (paths.summary) write(paths.summary, renderSummary(report, markdown));
}
