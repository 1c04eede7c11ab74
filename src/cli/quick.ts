import { EXIT } from '../errors.js';
import { VERSION } from '../version.js';
import { type CommandLine, parseCommandLine } from './args.js';

type NoCommand = Exclude<CommandLine, { kind: 'command' }>;

/** What `--version` and help print, and the exit code: they need nothing but the command table. */
export function answerWithoutCommand(line: NoCommand): { text: string; code: number } {
  if (line.kind === 'version') return { text: `${VERSION}\n`, code: EXIT.pass };
  return { text: `${line.text}\n`, code: line.asked ? EXIT.pass : EXIT.badInput };
}

/**
 * The same answer for the bin, before the engine is loaded: undefined when argv names a command
 * (or is wrong, which runCli reports in full).
 */
export function quickAnswer(argv: string[]): { text: string; code: number } | undefined {
  let line: CommandLine;
  try {
    line = parseCommandLine(argv);
  } catch {
    return undefined;
  }
  return line.kind === 'command' ? undefined : answerWithoutCommand(line);
}
