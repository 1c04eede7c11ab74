import { improvedCases, regressionOf } from '../report/regressions.js';
import type { CaseReport, Report } from '../types.js';

// What the page embeds: the report as it is, with each over-long text cut, and the case sets the
// comment and the terminal use (src/report/regressions.ts), so the page never disagrees with them.

/** Longest text the page carries for one field (an answer, an input, a reason), in code units. */
export const MAX_TEXT = 20_000;
/** Arrays and objects below this depth are shown as a note: the JSON report has them whole. */
const MAX_DEPTH = 40;

function cutText(s: string): string {
  if (s.length <= MAX_TEXT) return s;
  let end = MAX_TEXT;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}… [cut: ${s.length - end} more characters are in the JSON report]`;
}

/** A copy of `value` with every string cut to MAX_TEXT. */
export function cutStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cutText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep to show; see the JSON report]';
  if (Array.isArray(value)) return value.map((v) => cutStrings(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cutStrings(v, depth + 1);
  return out;
}

/**
 * JSON made safe inside `<script type="application/json">`: nothing in it can close the element
 * (`</script>`), open a comment (`<!--`) or be read as a line break by a JavaScript parser.
 * All five characters only occur inside JSON strings, where the escapes mean the same.
 */
export function scriptSafeJson(json: string): string {
  return json.replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The page's data, in pieces (one per case): a 100,000-case report is never one string. */
export function* pageData(report: Report): Generator<string> {
  const regressed: number[] = [];
  const index = new Map<CaseReport, number>();
  report.cases.forEach((c, i) => {
    index.set(c, i);
    if (regressionOf(c)) regressed.push(i);
  });
  const improved = improvedCases(report).map((x) => index.get(x.case)!);
  const { cases, ...rest } = report;
  const head = {
    report: cutStrings(rest),
    regressed,
    improved,
  };
  const json = JSON.stringify(head);
  yield scriptSafeJson(`${json.slice(0, -1)},"cases":[`);
  let first = true;
  for (const c of cases) {
    yield (first ? '' : ',') + scriptSafeJson(JSON.stringify(cutStrings(c)));
    first = false;
  }
  yield ']}';
}
