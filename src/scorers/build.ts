import type { ScorerConfig } from '../config/schema.js';
import type { GoldenCase } from '../types.js';
import { compileRegex, contains, exact, icontains, startsWith } from './match.js';
import { numericMatch } from './numeric.js';
import { BINARY_THRESHOLD, GRADED_THRESHOLD, type Scorer } from './scorer.js';
import { levenshteinSimilarity, tokenF1 } from './similarity.js';

type Impl = {
  graded: boolean;
  needsValue: boolean;
  fn: (output: string, value: unknown, spec: ScorerConfig) => number;
};

function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function bestOf(value: unknown, f: (e: string) => number): number {
  const list = Array.isArray(value) ? value : [value];
  return Math.max(0, ...list.map((e) => f(asText(e))));
}

const regexCache = new WeakMap<ScorerConfig, RegExp>();

const IMPLS: Record<ScorerConfig['type'], Impl> = {
  exact: { graded: false, needsValue: true, fn: (o, v) => exact(o, v) },
  contains: { graded: false, needsValue: true, fn: (o, v) => contains(o, v) },
  icontains: { graded: false, needsValue: true, fn: (o, v) => icontains(o, v) },
  starts_with: { graded: false, needsValue: true, fn: (o, v) => startsWith(o, v) },
  regex: {
    graded: false,
    needsValue: true,
    fn: (o, v, spec) => {
      // A pattern from the config is compiled once; one from a case's `expected` per case.
      let re = spec.value !== undefined ? regexCache.get(spec) : undefined;
      if (!re) {
        re = compileRegex(asText(v), spec.type === 'regex' ? spec.flags : undefined);
        if (spec.value !== undefined) regexCache.set(spec, re);
      }
      return re.test(o) ? 1 : 0;
    },
  },
  json_valid: {
    graded: false,
    needsValue: false,
    fn: (o) => {
      try {
        JSON.parse(o);
        return 1;
      } catch {
        return 0;
      }
    },
  },
  numeric: {
    graded: false,
    needsValue: true,
    fn: (o, v, spec) => numericMatch(o, v, spec.type === 'numeric' ? (spec.tolerance ?? 0) : 0),
  },
  levenshtein: {
    graded: true,
    needsValue: true,
    fn: (o, v) => bestOf(v, (e) => levenshteinSimilarity(o, e)),
  },
  token_f1: { graded: true, needsValue: true, fn: (o, v) => bestOf(v, (e) => tokenF1(o, e)) },
};

/** Binds a scorer config to its implementation with the contract's defaults. */
export function buildScorer(spec: ScorerConfig, name: string): Scorer {
  const impl = IMPLS[spec.type];
  const compareValue = (c: GoldenCase) => (spec.value !== undefined ? spec.value : c.expected);
  return {
    name,
    type: spec.type,
    weight: spec.weight ?? 1,
    threshold: spec.threshold ?? (impl.graded ? GRADED_THRESHOLD : BINARY_THRESHOLD),
    check(c) {
      if (impl.needsValue && (compareValue(c) === undefined || compareValue(c) === null)) {
        return `scorer "${name}" needs a \`value\` or the case's \`expected\``;
      }
      if (spec.type === 'regex' && spec.value === undefined) {
        try {
          compileRegex(asText(compareValue(c)), spec.flags);
        } catch (err) {
          return `scorer "${name}": expected is not a valid regular expression (${(err as Error).message})`;
        }
      }
      return undefined;
    },
    score(output, c) {
      const raw = impl.fn(output, compareValue(c), spec);
      return { score: spec.not ? 1 - raw : raw };
    },
  };
}

/** The scorers for one case: the global list, then the case's own `assert:`, with unique names. */
export function scorersFor(global: Scorer[], own: ScorerConfig[]): Scorer[] {
  if (own.length === 0) return global;
  const taken = new Set(global.map((s) => s.name));
  return [...global, ...own.map((spec) => buildScorer(spec, uniqueName(spec, taken)))];
}

export function uniqueName(spec: ScorerConfig, taken: Set<string>): string {
  const base = spec.name ?? spec.type;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}#${i}`;
  taken.add(name);
  return name;
}
