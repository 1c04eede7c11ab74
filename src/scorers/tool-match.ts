import type { ValidateFunction } from 'ajv';
import type { ToolCall } from '../types.js';
import { listText, toolCallsText, toolCallText } from '../util/tool-call-text.js';
import { type SchemaCache, validateData } from './json-schema.js';
import { ScorerSetupError } from './scorer.js';

// Matching the tool calls an answer made against the ones a case expects: the arguments test
// (exact, subset, schema), the one-to-one pairing (any order, or in order), and a reason a reader
// understands ("called refund(amount=20), expected refund(amount=25)").

export type ArgumentMatch = 'exact' | 'subset' | 'schema';

/** One expected call: a name, and arguments (a JSON Schema with `match: schema`) or none (any). */
export interface ExpectedCall {
  name: string;
  arguments?: unknown;
}

/** Arguments nested deeper than this never match: no model call needs it, and it bounds the walk. */
const MAX_DEPTH = 64;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** JSON equality: key order does not matter, everything else does (`20` is not `"20"`). */
export function jsonEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (depth > MAX_DEPTH || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((v, i) => jsonEqual(v, bs[i], depth + 1));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  return keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k], depth + 1));
}

/** Every key of `want` is in `got` with a matching value; nested objects as subsets too. */
export function jsonSubset(got: unknown, want: unknown, depth = 0): boolean {
  if (!isPlainObject(want)) return jsonEqual(got, want, depth);
  if (!isPlainObject(got) || depth > MAX_DEPTH) return false;
  return Object.keys(want).every(
    (k) => Object.hasOwn(got, k) && jsonSubset(got[k], want[k], depth + 1),
  );
}

/**
 * The expected calls a scorer's value holds (`value:`, else the case's `expected_tool_calls`):
 * a list of `{name, arguments?}` (one such object alone is a list of one). Throws a message
 * naming what is wrong, for the pre-send check.
 */
export function readExpected(value: unknown): ExpectedCall[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((e, i) => {
    const at = Array.isArray(value) ? `expected call ${i + 1}` : 'the expected call';
    if (!isPlainObject(e)) throw new Error(`${at} must be an object {name, arguments}`);
    if (typeof e.name !== 'string' || e.name === '') throw new Error(`${at} needs a \`name\``);
    return e.arguments === undefined ? { name: e.name } : { name: e.name, arguments: e.arguments };
  });
}

/** Tests one made call against one expected call, by name then arguments. */
export class CallMatcher {
  constructor(
    readonly mode: ArgumentMatch,
    private readonly schemas: SchemaCache,
  ) {}

  /** `match: schema` compiles each expected call's arguments as a JSON Schema (once per run). */
  private validator(e: ExpectedCall): ValidateFunction {
    if (!isPlainObject(e.arguments)) {
      throw new ScorerSetupError('', `the arguments of ${e.name} must be a JSON Schema object`);
    }
    return this.schemas.compile(e.arguments);
  }

  /** For the pre-send check: every schema compiles. Throws ScorerSetupError. */
  prepare(expected: readonly ExpectedCall[]): void {
    if (this.mode !== 'schema') return;
    for (const e of expected) if (e.arguments !== undefined) this.validator(e);
  }

  fits(made: ToolCall, e: ExpectedCall): boolean {
    // Arguments that were not JSON are a wrong call, whatever was expected of them.
    if (made.name !== e.name || made.invalid_arguments !== undefined) return false;
    if (e.arguments === undefined) return true;
    switch (this.mode) {
      case 'exact':
        return jsonEqual(made.arguments, e.arguments);
      case 'subset':
        return jsonSubset(made.arguments, e.arguments);
      case 'schema':
        return validateData(this.validator(e), made.arguments) === undefined;
    }
  }

  /** What the reason says the expected call was. */
  expectedText(e: ExpectedCall): string {
    if (e.arguments === undefined) return `${e.name}(…)`;
    if (this.mode === 'schema') return `${e.name}(arguments matching its schema)`;
    return toolCallText({ name: e.name, arguments: e.arguments });
  }

  /** Why a same-named call did not fit, beyond what its text shows (a schema violation). */
  whyNot(made: ToolCall, e: ExpectedCall): string {
    if (made.invalid_arguments !== undefined) return ' (its arguments are not valid JSON)';
    if (this.mode !== 'schema' || e.arguments === undefined) return '';
    const why = validateData(this.validator(e), made.arguments);
    return why ? ` (${why})` : '';
  }
}

type Fits = (e: number, m: number) => boolean;

/** Each pair tested once: a schema validation or a deep compare is not free. */
function cachedFits(
  expected: readonly ExpectedCall[],
  made: readonly ToolCall[],
  matcher: CallMatcher,
): Fits {
  const memo = new Int8Array(expected.length * made.length);
  return (e, m) => {
    const at = e * made.length + m;
    if (memo[at] === 0) memo[at] = matcher.fits(made[m]!, expected[e]!) ? 1 : 2;
    return memo[at] === 1;
  };
}

/**
 * The largest one-to-one pairing of expected and made calls, in any order (augmenting paths):
 * `pairs[e]` is the made call matched to expected call `e`, or -1. Two expected calls need two
 * made calls; one made call never counts twice.
 */
function pairAnyOrder(nExpected: number, nMade: number, fits: Fits): number[] {
  const owner = new Array<number>(nMade).fill(-1);
  const tryPair = (e: number, seen: Uint8Array): boolean => {
    for (let m = 0; m < nMade; m++) {
      if (seen[m] || !fits(e, m)) continue;
      seen[m] = 1;
      if (owner[m] === -1 || tryPair(owner[m]!, seen)) {
        owner[m] = e;
        return true;
      }
    }
    return false;
  };
  for (let e = 0; e < nExpected; e++) tryPair(e, new Uint8Array(nMade));
  const pairs = new Array<number>(nExpected).fill(-1);
  owner.forEach((e, m) => {
    if (e !== -1) pairs[e] = m;
  });
  return pairs;
}

/**
 * The longest start of the expected sequence found in order among the made calls (extra calls
 * in between skipped): leftmost matching is optimal, as each expected call tests calls alone.
 */
function pairInOrder(nExpected: number, nMade: number, fits: Fits): number[] {
  const pairs = new Array<number>(nExpected).fill(-1);
  let e = 0;
  for (let m = 0; m < nMade && e < nExpected; m++) if (fits(e, m)) pairs[e++] = m;
  return pairs;
}

export interface Pairing {
  expected: readonly ExpectedCall[];
  made: readonly ToolCall[];
  pairs: number[];
  /** Expected calls matched. */
  matched: number;
  /** Made calls left unmatched. */
  extra: number;
}

export function pairCalls(
  expected: readonly ExpectedCall[],
  made: readonly ToolCall[],
  matcher: CallMatcher,
  order: 'strict' | 'any',
): Pairing {
  const fits = cachedFits(expected, made, matcher);
  const pairs = (order === 'strict' ? pairInOrder : pairAnyOrder)(
    expected.length,
    made.length,
    fits,
  );
  const matched = pairs.filter((m) => m !== -1).length;
  return { expected, made, pairs, matched, extra: made.length - matched };
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/**
 * The reason for a pairing: what was called against what was expected, the calls missing and
 * (when `extras` says they count) the extra ones. Bounded: calls are shortened and lists cut.
 */
export function describePairing(
  p: Pairing,
  matcher: CallMatcher,
  opts: { extras: boolean; order: 'strict' | 'any' },
): string {
  const { expected, made, pairs, matched } = p;
  const n = expected.length;
  if (made.length === 0) {
    return n === 0
      ? 'made no tool call, as expected'
      : `made no tool call, expected ${listText(expected.map((e) => matcher.expectedText(e)))}`;
  }
  if (n === 0) return `expected no tool call; called ${toolCallsText(made)}`;
  const used = new Set(pairs.filter((m) => m !== -1));
  const unused = made.map((_, m) => m).filter((m) => !used.has(m));
  const extraNote = () =>
    unused.length > 0
      ? `${plural(unused.length, 'extra call', 'extra calls')}: ${toolCallsText(unused.map((m) => made[m]!))}`
      : '';

  if (matched === n && (!opts.extras || unused.length === 0)) {
    const calls = toolCallsText(pairs.map((m) => made[m]!));
    const head = n === 1 ? `made the expected call ${calls}` : `made all ${n} expected calls`;
    return [head, extraNote()].filter(Boolean).join('; ');
  }

  const parts: string[] = [];
  if (n > 1 || matched === n) {
    parts.push(
      `${matched} of ${n} expected calls made${opts.order === 'strict' ? ' in order' : ''}`,
    );
  }
  if (opts.order === 'strict' && matched < n && made.length > 1) {
    // Out of order is easiest to see as the two sequences side by side.
    parts.push(
      `expected ${listText(
        expected.map((e) => matcher.expectedText(e)),
        ' → ',
      )}`,
      `called ${toolCallsText(made, ' → ')}`,
    );
    return parts.join('; ');
  }
  const missing: ExpectedCall[] = [];
  const wrongCall = (got: ToolCall, want: ExpectedCall) =>
    `called ${toolCallText(got)}, expected ${matcher.expectedText(want)}${matcher.whyNot(got, want)}`;
  pairs.forEach((m, e) => {
    if (m !== -1) return;
    const want = expected[e]!;
    const same = unused.findIndex((u) => made[u]!.name === want.name);
    if (same === -1) {
      missing.push(want);
      return;
    }
    parts.push(wrongCall(made[unused[same]!]!, want));
    unused.splice(same, 1);
  });
  // One wrong call in place of one expected call reads best as just that.
  if (missing.length === 1 && unused.length === 1) {
    parts.push(wrongCall(made[unused[0]!]!, missing[0]!));
    return parts.join('; ');
  }
  if (missing.length > 0)
    parts.push(`missing: ${listText(missing.map((e) => matcher.expectedText(e)))}`);
  const extra = extraNote();
  if (extra && (opts.extras || missing.length > 0)) parts.push(extra);
  return parts.join('; ');
}
