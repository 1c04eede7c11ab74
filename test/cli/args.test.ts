import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.js';
import { COMMAND_NAMES, COMMANDS, commandHelp } from '../../src/cli/commands.js';
import { InputError } from '../../src/errors.js';

function problem(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
  throw new Error(`expected bad input for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('gives each command its own help, listing exactly the flags it takes', () => {
    for (const name of COMMAND_NAMES) {
      const line = parseCommandLine([name, '--help']);
      expect(line).toEqual({ kind: 'help', text: commandHelp(name), asked: true });
      if (line.kind !== 'help') throw new Error('unreachable');
      expect(line.text).toMatch(new RegExp(`^Usage: evalgate ${name} `));
      for (const flag of Object.keys(COMMANDS[name]!.flags))
        expect(line.text).toContain(`--${flag}`);
      const others = Object.keys(COMMANDS).flatMap((c) => Object.keys(COMMANDS[c]!.flags));
      for (const flag of others.filter((f) => !(f in COMMANDS[name]!.flags))) {
        expect(line.text).not.toContain(`--${flag} `);
      }
    }
    expect(parseCommandLine(['help', 'calibrate'])).toMatchObject({
      text: commandHelp('calibrate'),
    });
    expect(parseCommandLine(['-h', 'validate'])).toMatchObject({ text: commandHelp('validate') });
  });

  it('prints the command list when asked (exit 0) and when no command is given (a mistake)', () => {
    expect(parseCommandLine(['--help'])).toMatchObject({ kind: 'help', asked: true });
    expect(parseCommandLine([])).toMatchObject({ kind: 'help', asked: false });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
  });

  it("refuses another command's flag, naming whose it is", () => {
    expect(problem(['validate', '--junit', 'j.xml'])).toMatch(
      /^validate does not take --junit; it is an option of run, canary, merge\n/,
    );
    expect(problem(['calibrate', '--junit', 'j.xml'])).toMatch(/calibrate does not take --junit/);
    expect(problem(['calibrate', '--only', 'candidate'])).toMatch(
      /calibrate does not take --only; it is an option of run, validate, plan/,
    );
    expect(problem(['run', '--strict'])).toMatch(
      /run does not take --strict; it is an option of validate/,
    );
  });

  it('suggests the nearest flag the command takes', () => {
    expect(problem(['run', '--jnuit', 'j.xml'])).toMatch(
      /run: unknown option --jnuit \(did you mean --junit\?\)/,
    );
    expect(problem(['validate', '--stric'])).toMatch(/did you mean --strict\?/);
    expect(problem(['run', '--confg=x.yaml'])).toMatch(/did you mean --config\?/);
    expect(problem(['rn'])).toMatch(/unknown command "rn" \(did you mean "run"\?\)/);
  });

  it('lists every wrong flag at once, then the usage', () => {
    const message = problem(['validate', '--junit', 'j', '--summary', 's']);
    expect(message).toContain('--junit');
    expect(message).toContain('--summary');
    expect(message).toMatch(/Usage: evalgate validate \[--config PATH\]/);
  });

  it('still catches a missing value and a stray argument', () => {
    expect(problem(['run', '--report'])).toMatch(/argument missing/);
    expect(problem(['validate', 'extra'])).toMatch(/unexpected argument "extra"/);
  });

  it('returns the values of the flags given', () => {
    expect(parseCommandLine(['run', '--show', 'regressed', '--csv', 'c.csv'])).toEqual({
      kind: 'command',
      command: 'run',
      values: { show: 'regressed', csv: 'c.csv' },
      operands: [],
    });
    expect(parseCommandLine(['merge', 'a.json', 'b.json', '--report', 'm.json'])).toMatchObject({
      operands: ['a.json', 'b.json'],
      values: { report: 'm.json' },
    });
    expect(parseCommandLine(['validate', '--strict'])).toMatchObject({ values: { strict: true } });
  });

  it('takes the operands a command declares, and no more', () => {
    expect(parseCommandLine(['view', 'r.json', '--open'])).toMatchObject({
      command: 'view',
      values: { open: true },
      operands: ['r.json'],
    });
    expect(() => parseCommandLine(['view', 'a.json', 'b.json'])).toThrow(
      /unexpected argument "b.json"/,
    );
    expect(() => parseCommandLine(['view'])).toThrow(/missing REPORT.json/);
    expect(() => parseCommandLine(['run', 'x'])).toThrow(/unexpected argument "x"/);
  });
});
