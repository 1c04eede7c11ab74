import { parseArgs } from 'node:util';
import { errorMessage, InputError } from '../errors.js';
import { escapeTerminal } from '../report/escape.js';
import { closest } from '../util/closest.js';
import {
  COMMAND_NAMES,
  COMMANDS,
  commandHelp,
  FLAGS,
  type FlagName,
  generalHelp,
  synopsis,
} from './commands.js';

export type FlagValues = Partial<Record<FlagName, string | boolean | string[]>>;

/** What the command line asks for; bad flags have already thrown InputError. */
export type CommandLine =
  | { kind: 'version' }
  /** `help` is set when it was asked for (exit 0); unset, the usage was printed for a mistake. */
  | { kind: 'help'; text: string; asked: boolean }
  | { kind: 'command'; command: string; values: FlagValues; operands: string[] };

function flagOwners(name: string): string[] {
  return COMMAND_NAMES.filter((c) => name in COMMANDS[c]!.flags);
}

/** Why `--name` is not a flag of `command`, with the nearest flag it does take. */
function notTaken(command: string, name: string, raw: string): string {
  const own = Object.keys(COMMANDS[command]!.flags);
  const hint = closest(name, own);
  const mean = hint ? ` (did you mean --${hint}?)` : '';
  const owners = flagOwners(name);
  const what = escapeTerminal(raw, 60);
  if (owners.length) {
    return `${command} does not take ${what}${mean}; it is an option of ${owners.join(', ')}`;
  }
  return `${command}: unknown option ${what}${mean}`;
}

/**
 * Reads argv: the command (the first word), then every flag checked against what that command
 * takes. A flag another command takes is as much an error as a typo: silently ignoring
 * `validate --junit` would let a user believe a file was written.
 */
export function parseCommandLine(argv: string[]): CommandLine {
  // A loose pass first, only to find the command and every flag as written; the strict pass
  // below then parses with that command's flags alone.
  const loose = parseArgs({
    args: argv,
    options: FLAGS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const command = loose.positionals[0];
  const asksHelp = loose.values.help === true;
  if (loose.values.version === true && !asksHelp) return { kind: 'version' };
  if (command === undefined) return { kind: 'help', text: generalHelp(), asked: asksHelp };
  if (command === 'help') {
    const topic = loose.positionals[1];
    if (topic === undefined) return { kind: 'help', text: generalHelp(), asked: true };
    if (!(topic in COMMANDS)) throw unknownCommand(topic);
    return { kind: 'help', text: commandHelp(topic), asked: true };
  }
  if (!(command in COMMANDS)) throw unknownCommand(command);
  if (asksHelp) return { kind: 'help', text: commandHelp(command), asked: true };

  const spec = COMMANDS[command]!;
  const problems = loose.tokens.flatMap((t) =>
    t.kind === 'option' && !(t.name in spec.flags)
      ? [{ message: notTaken(command, t.name, t.rawName) }]
      : [],
  );
  if (problems.length) {
    problems[problems.length - 1]!.message += `\n\n${synopsis(command)}`;
    throw new InputError(problems);
  }
  const options = Object.fromEntries(
    Object.keys(spec.flags).map((name) => [name, FLAGS[name as FlagName]]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new InputError({ message: `${errorMessage(err)}\n\n${synopsis(command)}` });
  }
  const operands = parsed.positionals.slice(1);
  const takes = spec.operands;
  if (operands.length > (takes?.max ?? 0)) {
    throw new InputError({
      message: `unexpected argument "${escapeTerminal(operands[takes?.max ?? 0]!, 60)}"\n\n${synopsis(command)}`,
    });
  }
  if (takes && operands.length < takes.min) {
    throw new InputError({ message: `missing ${takes.value}\n\n${synopsis(command)}` });
  }
  return { kind: 'command', command, values: parsed.values as FlagValues, operands };
}

function unknownCommand(command: string): InputError {
  const hint = closest(command, COMMAND_NAMES);
  return new InputError({
    message: `unknown command "${escapeTerminal(command, 60)}"${hint ? ` (did you mean "${hint}"?)` : ''}\n\n${generalHelp()}`,
  });
}
