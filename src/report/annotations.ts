import path from 'node:path';
import type { Report } from '../types.js';
import { escapeTerminal } from './escape.js';
import { topRegressions } from './regressions.js';
import { regressionChange } from './table.js';
import { toolCallContrast } from './tool-calls.js';

// Annotations put the worst regressed cases next to their line in the golden set, in the run's
// summary and, when the golden file is part of the pull request, in its diff. They are plain
// text in GitHub's UI, but the text is still the dataset's and the model's: one line, no
// control characters, and no @mention left whole.

export interface Annotation {
  /** Relative to the repository root, `/`-separated; absent when the file is outside it. */
  file?: string;
  line?: number;
  title: string;
  message: string;
}

export interface AnnotationOptions {
  /** At most this many (GitHub shows 10 of each level per step). */
  max: number;
  /** The repository root (GITHUB_WORKSPACE): annotation paths are relative to it. */
  root: string;
  /** What `CaseReport.source` paths are relative to: the folder evalgate ran in. */
  cwd: string;
}

const ID_CHARS = 120;
const OUTPUT_CHARS = 200;
const MESSAGE_CHARS = 200;
const CALL_CHARS = 60;
const CALLS_CHARS = 300;

/** One line of untrusted text for an annotation: no controls, no whole `@name`. */
function plain(text: string, max: number): string {
  return escapeTerminal(text, max).replace(/@/g, '@\u200b');
}

/** `golden/x.jsonl:12` → file and line; a path may itself contain `:`. */
function parseSource(source: string): { file: string; line?: number } {
  const at = source.lastIndexOf(':');
  const line = at > 0 ? Number(source.slice(at + 1)) : Number.NaN;
  if (Number.isInteger(line) && line > 0) return { file: source.slice(0, at), line };
  return { file: source };
}

function repoPath(file: string, options: AnnotationOptions): string | undefined {
  const rel = path.relative(options.root, path.resolve(options.cwd, file));
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** Annotations for the `max` worst regressed cases, worst first. */
export function regressionAnnotations(report: Report, options: AnnotationOptions): Annotation[] {
  if (report.meta.only || options.max <= 0) return [];
  return topRegressions(report, options.max).map((r) => {
    const c = r.case;
    const cand = c.candidate;
    const parts = [`case ${plain(c.id, ID_CHARS)}: ${regressionChange(r)}.`];
    const calls = toolCallContrast(c, CALL_CHARS);
    if (cand?.error) parts.push(`Candidate error: ${plain(cand.error.message, MESSAGE_CHARS)}`);
    else if (cand?.output != null && !(calls && cand.output.trim() === ''))
      parts.push(`Candidate answered: ${plain(cand.output, OUTPUT_CHARS)}`);
    if (calls) parts.push(`Tool calls: ${plain(calls, CALLS_CHARS)}.`);
    const annotation: Annotation = {
      title: r.candidateError
        ? `evalgate: candidate error (${r.candidateError.kind})`
        : 'evalgate: regressed case',
      message: parts.join(' '),
    };
    if (c.source) {
      const { file, line } = parseSource(c.source);
      const rel = repoPath(file, options);
      if (rel) {
        annotation.file = rel;
        if (line) annotation.line = line;
      }
    }
    return annotation;
  });
}
