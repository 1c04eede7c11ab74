// One error boundary: the front doors map these classes to exit codes and print `message` alone,
// never a stack trace. Anything else reaching the boundary is a bug and is reported as one.

export const EXIT = {
  pass: 0,
  blocked: 1,
  badInput: 2,
  cannotJudge: 3,
} as const;

export interface InputProblem {
  /** The file at fault (config, dataset, prompt) as the user wrote or would recognise it. */
  file?: string;
  /** 1-based line in that file, when known. */
  line?: number;
  /** Field path such as `budgets.quality.max_drop` or `targets.candidate.api_key_env`. */
  path?: string;
  message: string;
}

export function formatProblem(p: InputProblem): string {
  let where = p.file ?? '';
  if (p.file && p.line) where += `:${p.line}`;
  if (p.path) where += where ? ` (${p.path})` : p.path;
  return where ? `${where}: ${p.message}` : p.message;
}

/** Bad config, dataset, flags or environment: exit 2, and nothing may have been sent. */
export class InputError extends Error {
  readonly problems: InputProblem[];
  constructor(problems: InputProblem[] | InputProblem) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = list;
  }
}

/** The run could not produce a judgement (endpoint unreachable, aborted): exit 3. */
export class RunAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunAbortedError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof InputError) return EXIT.badInput;
  return EXIT.cannotJudge;
}
