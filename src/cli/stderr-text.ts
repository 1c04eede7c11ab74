import { formatProblem, type InputProblem } from '../errors.js';
import { escapeTerminal, noWorkflowCommands, stripControlChars } from '../report/escape.js';

// What the CLI writes to stderr often quotes the dataset or an endpoint. Run in a workflow's
// `run:` step, a line of it that begins with `::` is a workflow command (`::warning::`,
// `::add-mask::`, `::stop-commands::`), and escape sequences drive the terminal.

/**
 * Text that may span lines, made inert: escape sequences and controls removed, and a line that
 * would begin with `::` (the runner ignores leading whitespace) prefixed so it cannot.
 */
export function inertLines(text: string): string {
  return noWorkflowCommands(stripControlChars(text));
}

/**
 * One problem per line: the parts are escaped, the line breaks between problems are ours. A
 * line starts with the file's name (or the path, or the message), which the dataset chose: the
 * finished lines, not only the message, are kept from starting a workflow command.
 */
export function formatProblemsForTerminal(problems: InputProblem[]): string {
  return noWorkflowCommands(
    problems
      .map((p) =>
        formatProblem({
          ...p,
          file: p.file === undefined ? undefined : escapeTerminal(p.file),
          path: p.path === undefined ? undefined : escapeTerminal(p.path),
          message: inertLines(p.message),
        }),
      )
      .join('\n'),
  );
}

/** `validate`'s notes: what run will need but validate does not (the API keys of a fork's PR). */
export function formatNotes(notes: InputProblem[]): string {
  return [
    ...formatProblemsForTerminal(notes)
      .split('\n')
      .map((l) => `note: ${l}`),
    'note: run needs these variables set; `validate --strict` treats a missing one as an error',
  ].join('\n');
}
