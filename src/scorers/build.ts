import path from 'node:path';
import { ProjectFiles } from '../config/project-files.js';
import type { ScorerConfig } from '../config/schema.js';
import type { GoldenCase } from '../types.js';
import { sentenceBleu } from './bleu.js';
import { classificationScorer } from './classification.js';
import { asText, boundedText, INPUT_LIMITS } from './clip.js';
import { type CustomModule, customScorer, modulePath } from './custom.js';
import { type EmbeddingClient, embeddingScorer } from './embeddings.js';
import { resolveSchema, SchemaCache, validateJson } from './json-schema.js';
import { type JudgeClient, judgeScorer } from './judge.js';
import { contains, exact, icontains, startsWith } from './match.js';
import { normalizeExpected, normalizeText } from './normalize.js';
import { numericMatch } from './numeric.js';
import { answerRelevanceScorer, contextRecallScorer, faithfulnessScorer } from './rag.js';
import { compiledRegex, matchRegex } from './regex.js';
import { rougeL } from './rouge.js';
import {
  BINARY_THRESHOLD,
  type BoundScorer,
  GRADED_THRESHOLD,
  type ScoreResult,
  type Scorer,
} from './scorer.js';
import { levenshteinSimilarity, tokenF1 } from './similarity.js';
import { toolCallF1Scorer, toolCallScorer, trajectoryScorer } from './tool-call.js';
import { ScoringWorkers } from './workers.js';

/** What scorers may need beyond their own config, prepared once per run (see prepare.ts). */
export interface ScorerContext {
  /** Relative paths in scorer configs (schema files, rubrics, modules) resolve against it. */
  configDir: string;
  /** Reads those files under the project-root rule and size limits (src/config/project-files.ts). */
  files: ProjectFiles;
  schemas: SchemaCache;
  /** Custom scorer modules, already loaded in a worker, by absolute path. */
  modules: Map<string, CustomModule>;
  /** Where custom modules and regexes that might backtrack without bound run, with a deadline. */
  workers: ScoringWorkers;
  judge?: JudgeClient;
  embeddings?: EmbeddingClient;
  /** Every target returns its own passages (an http target's `context` output path). */
  targetsReturnContext?: boolean;
}

export function scorerContext(partial: Partial<ScorerContext> = {}): ScorerContext {
  const configDir = partial.configDir ?? process.cwd();
  return {
    configDir,
    files: ProjectFiles.unrestricted(configDir),
    schemas: new SchemaCache(),
    modules: new Map(),
    ...partial,
    workers: partial.workers ?? new ScoringWorkers(),
  };
}

type Type = ScorerConfig['type'];
type SpecOf<T extends Type> = Extract<ScorerConfig, { type: T }>;

interface Family<T extends Type> {
  /** Graded scorers default to threshold 0.5, yes/no ones to 1. */
  graded: boolean;
  /** Needs `value` or the case's `expected` to compare with. */
  needsValue: boolean;
  /** `normalize.trim`/`lowercase` also apply to the value (not to a pattern or a schema). */
  textValue: boolean;
  /** Where the value comes from when the scorer has no `value` (default: the case's `expected`). */
  caseValue?: { field: string; of(c: GoldenCase): unknown };
  /** Compiles JSON Schemas when bound: the run loads the validator first (loadSchemaValidators). */
  schemas?: true;
  bind(spec: SpecOf<T>, ctx: ScorerContext): BoundScorer;
}

/** A list as the value means "any of these": the best score over the list. */
function bestOf(value: unknown, f: (e: string) => number): number {
  const list = Array.isArray(value) ? value : [value];
  return Math.max(0, ...list.map((e) => f(asText(e))));
}

const text = (score: (output: string, value: unknown) => number | ScoreResult) => ({
  score: (output: string, value: unknown) => score(output, value),
});

function parsesAsJson(output: string): number {
  try {
    JSON.parse(output);
    return 1;
  } catch {
    return 0;
  }
}

const expectedCalls = {
  field: 'expected_tool_calls',
  of: (c: GoldenCase) => c.expected_tool_calls,
};
// Expected arguments may be JSON Schemas (tool-match.ts).
const toolFamily = {
  graded: false,
  needsValue: true,
  textValue: false,
  caseValue: expectedCalls,
  schemas: true as const,
};

const FAMILIES: { [T in Type]: Family<T> } = {
  exact: { graded: false, needsValue: true, textValue: true, bind: () => text(exact) },
  contains: { graded: false, needsValue: true, textValue: true, bind: () => text(contains) },
  icontains: { graded: false, needsValue: true, textValue: true, bind: () => text(icontains) },
  starts_with: { graded: false, needsValue: true, textValue: true, bind: () => text(startsWith) },
  regex: {
    graded: false,
    needsValue: true,
    textValue: false,
    bind(spec, ctx) {
      // A pattern from the config is compiled once (the schema checked it); one from a case's
      // `expected` per case, and checked per case before anything is sent.
      const fixed =
        spec.value !== undefined ? compiledRegex(asText(spec.value), spec.flags) : undefined;
      return {
        check(value) {
          if (fixed) return undefined;
          try {
            compiledRegex(asText(value), spec.flags);
          } catch (err) {
            return `expected is not a valid regular expression (${(err as Error).message})`;
          }
          return undefined;
        },
        score(output, value) {
          const { re, tame } = fixed ?? compiledRegex(asText(value), spec.flags);
          return matchRegex(re, tame, output, ctx.workers);
        },
      };
    },
  },
  json_valid: {
    graded: false,
    needsValue: false,
    textValue: false,
    bind: () => text(parsesAsJson),
  },
  json_schema: {
    graded: false,
    needsValue: false,
    textValue: false,
    schemas: true,
    bind(spec, ctx) {
      const validate = ctx.schemas.compile(resolveSchema(spec.schema, ctx.files));
      return { score: (output) => validateJson(validate, output) };
    },
  },
  numeric: {
    graded: false,
    needsValue: true,
    textValue: false,
    bind: (spec) =>
      text((o, v) => numericMatch(o, v, spec.tolerance ?? 0, spec.rel_tolerance ?? 0)),
  },
  levenshtein: {
    graded: true,
    needsValue: true,
    textValue: true,
    bind: () =>
      text(
        boundedText(INPUT_LIMITS.levenshtein, (o, refs) =>
          bestOf(refs, (e) => levenshteinSimilarity(o, e)),
        ),
      ),
  },
  token_f1: {
    graded: true,
    needsValue: true,
    textValue: true,
    bind: () =>
      text(boundedText(INPUT_LIMITS.token_f1, (o, refs) => bestOf(refs, (e) => tokenF1(o, e)))),
  },
  // rouge-score's score_multi: the best F-measure over the references.
  rouge_l: {
    graded: true,
    needsValue: true,
    textValue: true,
    bind: () =>
      text(
        boundedText(INPUT_LIMITS.rouge_l, (o, refs) => bestOf(refs, (e) => rougeL(o, e).fmeasure)),
      ),
  },
  // BLEU's own multi-reference form: n-grams clipped by the best reference, closest length.
  bleu: {
    graded: true,
    needsValue: true,
    textValue: true,
    bind: () => text(boundedText(INPUT_LIMITS.bleu, (o, refs) => sentenceBleu(o, refs))),
  },
  llm_judge: {
    graded: true,
    needsValue: false,
    textValue: false,
    bind: (spec, ctx) => judgeScorer(spec.rubric, ctx.files, ctx.judge),
  },
  embedding_similarity: {
    graded: true,
    needsValue: true,
    textValue: true,
    bind: (_spec, ctx) => embeddingScorer(ctx.embeddings),
  },
  classification: {
    graded: false,
    needsValue: true,
    textValue: false,
    bind: (spec) => classificationScorer(spec.labels),
  },
  tool_call: {
    ...toolFamily,
    bind: (spec, ctx) => toolCallScorer(spec.match ?? 'subset', ctx.schemas),
  },
  tool_call_f1: {
    ...toolFamily,
    graded: true,
    bind: (_spec, ctx) => toolCallF1Scorer(ctx.schemas),
  },
  trajectory: {
    ...toolFamily,
    bind: (spec, ctx) =>
      trajectoryScorer(
        {
          order: spec.order ?? 'strict',
          allowExtra: spec.allow_extra ?? false,
          match: spec.match ?? 'subset',
        },
        ctx.schemas,
      ),
  },
  context_recall: {
    graded: true,
    needsValue: true,
    textValue: false,
    caseValue: { field: 'expected_sources', of: (c) => c.expected_sources },
    bind: () => contextRecallScorer(),
  },
  faithfulness: {
    graded: true,
    needsValue: false,
    textValue: false,
    bind: (spec, ctx) =>
      faithfulnessScorer(spec.rubric, ctx.files, ctx.judge, ctx.targetsReturnContext ?? false),
  },
  answer_relevance: {
    graded: true,
    needsValue: false,
    textValue: false,
    bind: (spec, ctx) => answerRelevanceScorer(spec.rubric, ctx.files, ctx.judge),
  },
  custom: {
    graded: true,
    needsValue: false,
    textValue: false,
    bind(spec, ctx) {
      const file = modulePath(spec.module, ctx.configDir);
      const shown = path.relative(ctx.configDir, file) || spec.module;
      return customScorer(ctx.modules.get(file), shown);
    },
  },
};

/** `not: true`: the score is 1 − score, and a scorer's own verdict flips too. */
function negate(r: ScoreResult): ScoreResult {
  const out: ScoreResult = { ...r, score: 1 - r.score };
  if (r.pass !== undefined) out.pass = !r.pass;
  return out;
}

/**
 * Binds a scorer config to its implementation with the contract's defaults. Throws
 * ScorerSetupError when the config cannot work (an invalid schema, a missing judge).
 */
/** Whether binding a scorer of this kind compiles JSON Schemas. */
export function compilesSchemas(spec: { type: string }): boolean {
  return (FAMILIES as Record<string, { schemas?: true } | undefined>)[spec.type]?.schemas === true;
}

export function buildScorer(
  spec: ScorerConfig,
  name: string,
  ctx: ScorerContext = scorerContext(),
): Scorer {
  const family = FAMILIES[spec.type] as Family<Type>;
  const bound = family.bind(spec, ctx);
  const fromCase = family.caseValue ?? { field: 'expected', of: (c: GoldenCase) => c.expected };
  const rawValue = (c: GoldenCase) => (spec.value !== undefined ? spec.value : fromCase.of(c));
  const compareWith = (c: GoldenCase) =>
    family.textValue ? normalizeExpected(rawValue(c), spec.normalize) : rawValue(c);
  const finish = (r: number | ScoreResult): ScoreResult => {
    const result = typeof r === 'number' ? { score: r } : r;
    return spec.not ? negate(result) : result;
  };
  return {
    name,
    type: spec.type,
    weight: spec.weight ?? 1,
    threshold: spec.threshold ?? (family.graded ? GRADED_THRESHOLD : BINARY_THRESHOLD),
    check(c) {
      const value = compareWith(c);
      if (family.needsValue && (value === undefined || value === null)) {
        return `scorer "${name}" needs a \`value\` or the case's \`${fromCase.field}\``;
      }
      const msg = bound.check?.(value, c);
      return msg ? `scorer "${name}": ${msg}` : undefined;
    },
    score(output, c, answer = {}) {
      const r = bound.score(normalizeText(output, spec.normalize), compareWith(c), c, answer);
      return r instanceof Promise ? r.then(finish) : finish(r);
    },
  };
}

/** The scorers for one case: the global list, then the case's own `assert:`, with unique names. */
export function scorersFor(
  global: Scorer[],
  own: ScorerConfig[],
  ctx: ScorerContext = scorerContext(),
): Scorer[] {
  if (own.length === 0) return global;
  const names = new ScorerNames(global.map((s) => s.name));
  return [...global, ...own.map((spec) => buildScorer(spec, names.take(spec), ctx))];
}

/**
 * Names scorers uniquely: the second `exact` is `exact#2`, the third `exact#3`. Each name's next
 * number is remembered, so a list of 20,000 scorers of one type is named in linear time (the
 * search from #2 for every one of them took minutes, while no signal could be handled).
 */
export class ScorerNames {
  private readonly taken: Set<string>;
  private readonly next = new Map<string, number>();

  constructor(names: Iterable<string> = []) {
    this.taken = new Set(names);
  }

  take(spec: ScorerConfig): string {
    const base = spec.name ?? spec.type;
    let name = base;
    if (this.taken.has(name)) {
      let i = this.next.get(base) ?? 2;
      while (this.taken.has(`${base}#${i}`)) i++;
      name = `${base}#${i}`;
      this.next.set(base, i + 1);
    }
    this.taken.add(name);
    return name;
  }
}
