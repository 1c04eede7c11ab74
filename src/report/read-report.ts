import { readFailure } from '../config/project-files.js';
import { jsonParseMessage } from '../dataset/json-error.js';
import { lineLocator } from '../dataset/raw.js';
import { InputError, type InputProblem } from '../errors.js';
import { reportSchema, type WrittenReport } from '../schema/report.js';
import type { Report } from '../types.js';
import { MAX_NESTING, tooDeep } from '../util/nesting.js';
import { FILE_LIMITS, FileReadError, readBoundedText } from '../util/read-bounded.js';

/** Levels a report puts around a case's own values (cases[i].candidate.expected and the like). */
const REPORT_LEVELS = 8;
/** Problems named at once when a report does not match the format. */
const MAX_PROBLEMS = 10;

/**
 * Reads a report evalgate wrote (`view`, `merge`, `plan --from-report`), checked against the
 * report format (src/schema/report.ts) as strictly as evalgate writes it: a file that is missing,
 * not JSON or not a report is bad input naming the file, and the line or the field.
 */
export function readReportFile(file: string, what: string): Report {
  let text: string;
  try {
    text = readBoundedText(file, FILE_LIMITS.report);
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    const message = err.reason === 'missing' ? `${what} not found` : `${what} ${readFailure(err)}`;
    throw new InputError({ file, message });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const { message, offset } = jsonParseMessage(err);
    // V8 gives no position only for an "Unexpected end of JSON input": that is the last line.
    const line = lineLocator(text)(offset ?? text.length);
    throw new InputError({ file, line, message: `not valid JSON (${message})` });
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
  if (parsed.success) return withUnboundedEnds(parsed.data as WrittenReport);
  const problems: InputProblem[] = parsed.error.issues.slice(0, MAX_PROBLEMS).map((issue) => ({
    file,
    ...(issue.path.length ? { path: issue.path.map(String).join('.') } : {}),
    message: `not an evalgate report: ${issue.message}`,
  }));
  const more = parsed.error.issues.length - problems.length;
  if (more > 0) problems.push({ file, message: `and ${more} more problems` });
  throw new InputError(problems);
}

/** The interval ends JSON wrote as null, back as the infinities they were (see the schema). */
function withUnboundedEnds(report: WrittenReport): Report {
  for (const check of report.checks) {
    const ci = check.ci;
    if (ci) check.ci = [ci[0] ?? Number.NEGATIVE_INFINITY, ci[1] ?? Number.POSITIVE_INFINITY];
  }
  return report as Report;
}
