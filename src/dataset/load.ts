import path from 'node:path';
import { InputFileError, ProjectFiles } from '../config/project-files.js';
import { InputError, type InputProblem } from '../errors.js';
import type { CaseSource, GoldenCase } from '../types.js';
import { MAX_NESTING, tooDeep } from '../util/nesting.js';
import { Pacer } from '../util/pacer.js';
import { FILE_LIMITS } from '../util/read-bounded.js';
import { displayPath, resolveDatasetFiles } from './files.js';
import { readJson } from './json.js';
import { jsonlPieces } from './jsonl.js';
import { normalizeRecord } from './normalize.js';
import type { FormatReader, ParsedFile } from './raw.js';
import { readYaml } from './yaml.js';

/** A format's reader, a piece of the file at a time: JSONL's in pieces, the others whole. */
type PieceReader = (text: string, file: string) => Iterable<ParsedFile>;
const whole =
  (reader: FormatReader): PieceReader =>
  (text, file) => [reader(text, file)];

// CSV's parser is loaded only for a CSV file: most golden sets are JSONL, and a run's start-up
// is paid on every pull request.
const READERS: Record<string, () => PieceReader | Promise<PieceReader>> = {
  '.jsonl': () => jsonlPieces,
  '.json': () => whole(readJson),
  '.yaml': () => whole(readYaml),
  '.yml': () => whole(readYaml),
  '.csv': async () => whole((await import('./csv.js')).readCsv),
};

/** Enough to fix a file in one go without burying the first problems under a wall of repeats. */
const MAX_PROBLEMS_PER_FILE = 20;

export interface Dataset {
  cases: GoldenCase[];
  /** The files read, in load order, named as in `GoldenCase.source.file`. */
  files: string[];
}

/**
 * Loads the golden cases that `spec` (a path, a glob, or a list of them, relative to `baseDir`)
 * names. Throws one InputError listing every problem found in every file, or RunAbortedError
 * when `signal` fires before it is done.
 */
export async function loadDataset(
  spec: string | string[],
  baseDir: string,
  files: ProjectFiles = ProjectFiles.unrestricted(baseDir),
  signal?: AbortSignal,
): Promise<Dataset> {
  const absFiles = await resolveDatasetFiles(spec, baseDir, files);
  const problems: InputProblem[] = [];

  const unsupported = absFiles.filter((f) => !(path.extname(f).toLowerCase() in READERS));
  if (unsupported.length > 0) {
    throw new InputError(
      unsupported.map((f) => ({
        file: displayPath(f),
        message: `unsupported dataset format "${path.extname(f) || '(no extension)'}"; use one of ${Object.keys(READERS).join(', ')}`,
      })),
    );
  }

  const readers = new Map<string, PieceReader>();
  for (const abs of absFiles) {
    const ext = path.extname(abs).toLowerCase();
    if (!readers.has(ext)) readers.set(ext, await READERS[ext]!());
  }
  const pace = new Pacer(signal, 'loading the golden set');
  const cases: GoldenCase[] = [];
  const ids = new Map<string, { source: CaseSource; generated: boolean }>();

  for (const abs of absFiles) {
    if (pace.due()) await pace.turn();
    const file = displayPath(abs);
    const text = readText(abs, files);
    if (typeof text !== 'string') {
      problems.push(text);
      continue;
    }
    const reader = readers.get(path.extname(abs).toLowerCase())!;
    const fileProblems: InputProblem[] = [];
    let read = 0;
    for (const piece of reader(text, file)) {
      read += piece.records.length;
      for (const problem of piece.problems) fileProblems.push(problem);
      for (const record of piece.records) {
        if (pace.due()) await pace.turn();
        const deep = tooDeep(record.value);
        if (deep) {
          fileProblems.push({
            file,
            line: record.lineOf?.(deep.slice(0, 2)) ?? record.line,
            path: String(deep[0]),
            message: `this case nests more than ${MAX_NESTING} levels of lists and objects; keep it to fewer`,
          });
          continue;
        }
        const normalized = normalizeRecord(record, file, fileProblems);
        if (!normalized) continue;
        const { testCase, generatedId } = normalized;
        const first = ids.get(testCase.id);
        if (first) {
          fileProblems.push({
            file,
            line: testCase.source.line,
            path: 'id',
            message: `duplicate id "${testCase.id}" (first at ${first.source.file}:${first.source.line})${
              generatedId && first.generated
                ? '; cases without an id are named after their input, so these two have the same input: give them ids'
                : ''
            }`,
          });
          continue;
        }
        ids.set(testCase.id, { source: testCase.source, generated: generatedId });
        cases.push(testCase);
      }
    }
    if (read === 0 && fileProblems.length === 0) {
      fileProblems.push({ file, message: 'has no cases' });
    }
    problems.push(...capped(fileProblems, file));
  }
  pace.stopIfCancelled();

  if (problems.length > 0) throw new InputError(problems);
  return { cases, files: absFiles.map((f) => displayPath(f)) };
}

function readText(abs: string, files: ProjectFiles): string | InputProblem {
  try {
    const text = files.readText(abs, 'dataset file', FILE_LIMITS.dataset);
    // Spreadsheet exports start with a byte order mark, which JSON.parse and header names choke on.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    // What is inside the file is a problem at its line, like a line that is not JSON.
    const line = err.readError?.line;
    if (line !== undefined) {
      return {
        file: displayPath(abs),
        line,
        message: 'holds bytes that are not UTF-8 (save the file as UTF-8)',
      };
    }
    // The config's `dataset` key named a file that cannot be read; the message names the file.
    return { path: 'dataset', message: err.message };
  }
}

function capped(problems: InputProblem[], file: string): InputProblem[] {
  const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (sorted.length <= MAX_PROBLEMS_PER_FILE) return sorted;
  return [
    ...sorted.slice(0, MAX_PROBLEMS_PER_FILE),
    {
      file,
      message: `... and ${sorted.length - MAX_PROBLEMS_PER_FILE} more problems in this file`,
    },
  ];
}
