import { stripControlChars } from '../report/escape.js';
import { improvedCases, regressionOf } from '../report/regressions.js';
import { figureLine } from '../report/table.js';
import type { CaseReport, Report } from '../types.js';
import { builtin } from '../util/builtin.js';
import { DROPPABLE } from '../util/control-chars.js';
import { withCallTexts } from './tool-calls.js';

// What the page embeds: the report as it is, with each over-long text cut, each text shown as
// every other renderer shows it (no bidi overrides, escape sequences or control characters) and
// each tool call as the text they show, and the case sets the comment and the terminal use
// (src/report/regressions.ts), so the page never disagrees with them.

/** Longest text the page carries for one field (an answer, an input, a reason), in code units. */
export const MAX_TEXT = 20_000;
/** Arrays and objects below this depth are shown as a note: the JSON report has them whole. */
const MAX_DEPTH = 40;

/**
 * The text without what every other renderer drops (report/escape.ts): a bidi override would
 * make `$100` of `\u202e001$` read as a different amount on the page than in the comment. Most
 * texts hold none, and pay one scan to find that out.
 */
function visible(s: string): string {
  return DROPPABLE.test(s) ? stripControlChars(s) : s;
}

/** Cut first, so a megabyte answer costs what MAX_TEXT characters do. */
function cutText(s: string): string {
  if (s.length <= MAX_TEXT) return visible(s);
  let end = MAX_TEXT;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${visible(s.slice(0, end))}… [cut: ${s.length - end} more characters are in the JSON report]`;
}

/**
 * A copy of `value` with every string cut to MAX_TEXT and shown as the other renderers show it.
 * Keys too: an input's `vars` and a scorer's name are shown as they are named.
 */
export function cutStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cutText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep to show; see the JSON report]';
  if (Array.isArray(value)) return value.map((v) => cutStrings(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[visible(k)] = cutStrings(v, depth + 1);
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

/**
 * Past this many bytes of JSON a part of the page's data is carried gzipped (and base64-encoded,
 * inside a JSON string): a browser spends seconds on a 24 MB page before its script even starts,
 * and answers compress several times over. DecompressionStream, built into every current
 * browser, unpacks it without a request.
 */
export const COMPRESS_FROM_BYTES = 1 << 20;

/** What the table, the plots and the filters need of an answer; the rest (the texts) comes later. */
const LIGHT_SIDE_KEYS = [
  'score',
  'pass',
  'scores',
  'latency_ms',
  'ttft_ms',
  'tpot_ms',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'error',
  'repeat_scores',
  'repeat_pass',
  'distinct_outputs',
  'cached',
] as const;

function split(c: CaseReport): [Record<string, unknown>, Record<string, unknown>] {
  const light: Record<string, unknown> = { id: c.id, slices: c.slices };
  const heavy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (k === 'baseline' || k === 'candidate') {
      const l: Record<string, unknown> = {};
      const h: Record<string, unknown> = {};
      for (const [sk, sv] of Object.entries(v as object)) {
        if ((LIGHT_SIDE_KEYS as readonly string[]).includes(sk)) l[sk] = sv;
        else h[sk] = sv;
      }
      light[k] = l;
      heavy[k] = h;
    } else if (k !== 'id' && k !== 'slices') heavy[k] = v;
  }
  return [light, heavy];
}

/**
 * The page's data as the JSON texts of two `<script type="application/json">` elements: `data`,
 * what the page draws first (the report without the case texts, and each case's scores and
 * timings), and `text`, each case's texts (input, expected, answers, reasons, conversation, tool
 * calls), which the page reads after it is drawn. Either is the JSON itself or
 * `{"encoding":"gzip+base64","data":"…"}` when large. Built in pieces (one per case), so a
 * 100,000-case report is never one string.
 */
export function pageData(report: Report): { data: Iterable<string>; text: Iterable<string> } {
  const regressed: number[] = [];
  const index = new Map<CaseReport, number>();
  report.cases.forEach((c, i) => {
    index.set(c, i);
    if (regressionOf(c)) regressed.push(i);
  });
  const improved = improvedCases(report).map((x) => index.get(x.case)!);
  const { cases, ...rest } = report;
  const lights: string[] = [];
  const heavies: string[] = [];
  for (const c of cases) {
    const [light, heavy] = split(cutStrings(withCallTexts(c)) as CaseReport);
    lights.push(JSON.stringify(light));
    heavies.push(JSON.stringify(heavy));
  }
  // Each check's note on cached timings or partial token counts, worded as the comment words it.
  const notes = report.checks.map((c) => cutStrings(figureLine(c, report) ?? null));
  const head = JSON.stringify({ report: cutStrings(rest), regressed, improved, notes });
  return {
    data: packed(
      (function* () {
        yield `${head.slice(0, -1)},"cases":[`;
        yield* joined(lights);
        yield ']}';
      })(),
    ),
    text: packed(
      (function* () {
        yield '[';
        yield* joined(heavies);
        yield ']';
      })(),
    ),
  };
}

function* joined(items: string[]): Generator<string> {
  for (let i = 0; i < items.length; i++) yield i ? `,${items[i]}` : items[i]!;
}

/** JSON pieces, made script-safe, as they are or gzipped when large. */
function packed(json: Iterable<string>): string[] {
  const pieces: Buffer[] = [];
  let bytes = 0;
  for (const piece of json) {
    const b = Buffer.from(scriptSafeJson(piece), 'utf8');
    pieces.push(b);
    bytes += b.length;
  }
  if (bytes < COMPRESS_FROM_BYTES) return pieces.map((b) => b.toString('utf8'));
  const zipped = builtin.zlib().gzipSync(Buffer.concat(pieces), { level: 6 });
  const out = ['{"encoding":"gzip+base64","data":"'];
  // Base64 in slices of a multiple of 3 bytes: each slice encodes without padding in between.
  const SLICE = 3 * (1 << 18);
  for (let at = 0; at < zipped.length; at += SLICE) {
    out.push(zipped.subarray(at, at + SLICE).toString('base64'));
  }
  out.push('"}');
  return out;
}
