import type { ToolCall } from '../types.js';
import type { SchemaCache } from './json-schema.js';
import type { AnswerParts, BoundScorer } from './scorer.js';
import {
  type ArgumentMatch,
  CallMatcher,
  describePairing,
  pairCalls,
  readExpected,
} from './tool-match.js';

// tool_call, tool_call_f1 and trajectory: the calls an answer made (every step's, in order)
// against the case's `expected_tool_calls` (or the scorer's `value`).

/** Every call the answer made, in order: the call's own list, else its steps'. */
export function madeCalls(answer: AnswerParts): ToolCall[] {
  return answer.tool_calls ?? answer.steps?.flatMap((s) => s.tool_calls) ?? [];
}

/** The pre-send check: the expected calls are well formed and, for `match: schema`, compile. */
function checkExpected(value: unknown, matcher: CallMatcher): string | undefined {
  try {
    matcher.prepare(readExpected(value));
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

/**
 * tool_call: each expected call made by a distinct call, in any order; extra calls are not held
 * against it (trajectory with `allow_extra: false` and tool_call_f1 do that). The score is the
 * share of expected calls made, so it passes (threshold 1) only when all were. No expected call
 * (`[]`) means the answer should call nothing.
 */
export function toolCallScorer(match: ArgumentMatch, schemas: SchemaCache): BoundScorer {
  const matcher = new CallMatcher(match, schemas);
  return {
    check: (value) => checkExpected(value, matcher),
    score(_output, value, _c, answer) {
      const p = pairCalls(readExpected(value), madeCalls(answer), matcher, 'any');
      const n = p.expected.length;
      const score = n === 0 ? (p.made.length === 0 ? 1 : 0) : p.matched / n;
      return { score, reason: describePairing(p, matcher, { extras: false, order: 'any' }) };
    },
  };
}

/**
 * tool_call_f1: precision (made calls that were expected) and recall (expected calls made), each
 * call matched one-to-one by name and arguments as a subset; the score is their F1. No call
 * expected and none made is 1.
 */
export function toolCallF1Scorer(schemas: SchemaCache): BoundScorer {
  const matcher = new CallMatcher('subset', schemas);
  return {
    check: (value) => checkExpected(value, matcher),
    score(_output, value, _c, answer) {
      const p = pairCalls(readExpected(value), madeCalls(answer), matcher, 'any');
      const n = p.expected.length;
      const m = p.made.length;
      const precision = m === 0 ? (n === 0 ? 1 : 0) : p.matched / m;
      const recall = n === 0 ? (m === 0 ? 1 : 0) : p.matched / n;
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      const why = describePairing(p, matcher, { extras: true, order: 'any' });
      return {
        score: f1,
        reason: `precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)}; ${why}`,
      };
    },
  };
}

export interface TrajectoryOptions {
  order: 'strict' | 'any';
  allowExtra: boolean;
  match: ArgumentMatch;
}

/**
 * trajectory: the expected sequence of calls against every call made across the steps. `order:
 * strict` wants them in that order (other calls in between only with `allow_extra`); `any` in
 * any order. The score is matched / expected, or with extra calls not allowed matched /
 * (expected + extra), so only the exact trajectory scores 1.
 */
export function trajectoryScorer(opts: TrajectoryOptions, schemas: SchemaCache): BoundScorer {
  const matcher = new CallMatcher(opts.match, schemas);
  return {
    check: (value) => checkExpected(value, matcher),
    score(_output, value, _c, answer) {
      const p = pairCalls(readExpected(value), madeCalls(answer), matcher, opts.order);
      const n = p.expected.length;
      const whole = opts.allowExtra ? n : n + p.extra;
      const score = whole === 0 ? 1 : p.matched / whole;
      const reason = describePairing(p, matcher, { extras: !opts.allowExtra, order: opts.order });
      return { score, reason };
    },
  };
}
