import type { ProjectFiles } from '../config/project-files.js';
import type { TemplateSource } from '../config/schema.js';
import type { GoldenCase } from '../types.js';
import { cutText as cut } from '../util/redact.js';
import { listText } from '../util/tool-call-text.js';
import { type JudgeClient, judgeScorer } from './judge.js';
import type { AnswerParts, BoundScorer } from './scorer.js';

// Scorers for answers built on retrieved passages: whether retrieval found the sources it should
// (context_recall, deterministic), whether the answer stays within its context (faithfulness) and
// whether it answers what was asked (answer_relevance), both graded by the judge.

/** The built-in rubrics; `rubric:` on the scorer replaces them. */
export const FAITHFULNESS_RUBRIC = [
  'Grade faithfulness to the context only, not style or completeness. Break the answer into its',
  'factual claims and check each against the passages in <context>. A claim is supported when a',
  'passage states it or it follows directly from one; a claim the passages do not contain is',
  'unsupported, even if it is true. Score the share of claims the context supports (1 when all',
  'are; an answer that makes no factual claim, such as "I do not know", scores 1). Set pass to',
  'true only when every claim is supported. In the reason, quote the first unsupported claim.',
].join('\n');

export const ANSWER_RELEVANCE_RUBRIC = [
  'Grade relevance only, not correctness: does the answer address what the user asked in <input>',
  '(in a conversation, the last user turn)? Score 1 when it answers exactly what was asked, lower',
  'when it drifts, pads, evades or answers a different question, 0 when it is unrelated or empty.',
  'Set pass to true when it addresses the question. In the reason, say what it misses or adds.',
].join('\n');

/** The target's own passages when it returned some, else the case's. */
export function contextFor(c: GoldenCase, answer: AnswerParts): string[] | undefined {
  return answer.context?.length ? answer.context : c.context;
}

export function faithfulnessScorer(
  rubric: TemplateSource | undefined,
  files: ProjectFiles,
  judge: JudgeClient | undefined,
  targetsReturnContext: boolean,
): BoundScorer {
  const bound = judgeScorer(rubric ?? FAITHFULNESS_RUBRIC, files, judge, {
    type: 'faithfulness',
    reference: false,
    context: contextFor,
  });
  return {
    ...bound,
    check(value, c) {
      if (!c.context?.length && !targetsReturnContext) {
        return "needs the case's `context` (the passages the answer must rest on), or targets that return their own (an http target's `context` output path)";
      }
      return bound.check?.(value, c);
    },
  };
}

export function answerRelevanceScorer(
  rubric: TemplateSource | undefined,
  files: ProjectFiles,
  judge: JudgeClient | undefined,
): BoundScorer {
  return judgeScorer(rubric ?? ANSWER_RELEVANCE_RUBRIC, files, judge, {
    type: 'answer_relevance',
    reference: false,
  });
}

const ID_CHARS = 80;

/** `value:`, else the case's `expected_sources`: a list of ids (one id alone is a list of one). */
function expectedSources(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new Error('expected_sources is empty: name at least one source id');
  if (!list.every((id) => typeof id === 'string' && id.trim() !== '')) {
    throw new Error('expected_sources must be source ids (non-empty strings)');
  }
  return [...new Set(list.map((id: string) => id.trim()))];
}

/**
 * context_recall: the share of the expected source ids among the ids the target returned. A
 * target that returned none scores 0, as a retrieval that found nothing does; the reason says
 * which were expected, so a target that never reports its sources is plain to see.
 */
export function contextRecallScorer(): BoundScorer {
  return {
    check(value) {
      try {
        expectedSources(value);
      } catch (err) {
        return (err as Error).message;
      }
      return undefined;
    },
    score(_output, value, _c, answer) {
      const want = expectedSources(value);
      const ids = (list: string[]) => listText(list.map((id) => cut(id, ID_CHARS)));
      if (!answer.sources?.length) {
        return { score: 0, reason: `the target returned no sources; expected ${ids(want)}` };
      }
      const got = new Set(answer.sources.map((id) => id.trim()));
      const missing = want.filter((id) => !got.has(id));
      const found = want.length - missing.length;
      return {
        score: found / want.length,
        reason:
          missing.length === 0
            ? `found ${want.length === 1 ? 'the expected source' : `all ${want.length} expected sources`}`
            : `found ${found} of ${want.length} expected sources; missing: ${ids(missing)}`,
      };
    },
  };
}
