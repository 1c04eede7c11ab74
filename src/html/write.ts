import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { OutputWriteError } from '../report/output-paths.js';
import type { Report } from '../types.js';
import { writeFileAtomicChunks } from '../util/atomic-write.js';
import { renderHtml } from './page.js';

/**
 * Writes the HTML report of `report` to `file`, atomically (a reader sees the old page or the
 * whole new one). What `run --html`, `view`, the Action's `html` input and any other command
 * that writes a report call.
 */
export function writeHtmlReport(report: Report, file: string): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileAtomicChunks(file, renderHtml(report));
  } catch (err) {
    throw new OutputWriteError(file, err);
  }
}
