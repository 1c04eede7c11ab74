import path from 'node:path';
import { InputError, type InputProblem } from '../errors.js';
import { reportSchema } from '../schema/report.js';
import type { Report } from '../types.js';
import { MAX_NESTING, tooDeep } from '../util/nesting.js';
import { FILE_LIMITS, FileReadError, readBounded } from '../util/read-bounded.js';

/** Levels a report puts around a case's own values (cases[i].expected and the like). */
const REPORT_LEVELS = 8;
/** Problems named at once when a report does not match the format. */
const MAX_PROBLEMS = 10;

/** `x/report.json` → `x/report.html`; any other name gets `.html` added. */
export function defaultHtmlPath(reportPath: string): string {
  const ext = path.extname(reportPath);
  return ext.toLowerCase() === '.json'
    ? reportPath.slice(0, -ext.length) + '.html'
    : `${reportPath}.html`;
}

/**
 * Reads a JSON report for `view`, checked against the report format (src/schema/report.ts): a
 * file that is missing, not JSON or not a report is bad input naming the file and the field.
 */
export function readReportFile(file: string): Report {
  let text: string;
  try {
    text = readBounded(file, FILE_LIMITS.report).toString('utf8');
  } catch (err) {
    if (err instanceof FileReadError) throw new InputError({ file, message: err.message });
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError({ file, message: `not valid JSON (${(err as Error).message})` });
  }
  const deep = tooDeep(json, MAX_NESTING + REPORT_LEVELS);
  if (deep) {
    throw new InputError({
      file,
      path: deep.slice(0, 6).join('.'),
      message: `nests more than ${MAX_NESTING + REPORT_LEVELS} levels; not an evalgate report`,
    });
  }
  const parsed = reportSchema.safeParse(json);
  if (parsed.success) return parsed.data as Report;
  const problems: InputProblem[] = parsed.error.issues.slice(0, MAX_PROBLEMS).map((issue) => ({
    file,
    ...(issue.path.length ? { path: issue.path.map(String).join('.') } : {}),
    message: issue.message,
  }));
  const more = parsed.error.issues.length - problems.length;
  if (more > 0) problems.push({ file, message: `and ${more} more problems` });
  throw new InputError(problems);
}
