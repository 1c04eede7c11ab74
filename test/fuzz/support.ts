import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';

// Every property runs from one fixed seed, so a CI failure replays on any machine as it was.
export const SEED = 20_260_905;

/**
 * A single input that takes this long is a hang, not a slow machine: every input here is at most
 * a few hundred KB, which a linear parser handles in milliseconds even on a loaded runner.
 */
const HANG_MS = 3_000;

/** FUZZ_SCALE=10 runs ten times the inputs, for a deeper search outside CI. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1) || 1;

/**
 * FUZZ_TALLY=<file> appends one JSON line per property (inputs, accepted, rejected, failures) and
 * keeps going past a failure so the counts cover every generated input; without it a failure
 * stops the property and fast-check shrinks it to a minimal counterexample.
 */
const TALLY_FILE = process.env.FUZZ_TALLY;

/** What the code under test did with one input: both are fine, anything else is a failure. */
export type Outcome = 'accepted' | 'rejected';

/** A broken property: something other than a result or a documented error came out. */
export class FuzzFailure extends Error {
  override name = 'FuzzFailure';
}

function describeThrown(err: unknown): string {
  if (err instanceof Error) return `${err.constructor.name}: ${err.message.slice(0, 300)}`;
  return `non-Error thrown: ${String(err).slice(0, 300)}`;
}

/**
 * Runs `run` once and classifies it: a value passes `accept` (which asserts the invariants of a
 * good result) → accepted; a throw that `documented` recognises passes `reject` (which asserts
 * the error's shape) → rejected; any other throw, or an input that takes longer than HANG_MS,
 * is a FuzzFailure naming what happened.
 */
export async function outcome<T>(
  run: () => T | Promise<T>,
  documented: (err: unknown) => boolean,
  accept: (value: T) => void = () => {},
  reject: (err: unknown) => void = () => {},
): Promise<Outcome> {
  const started = performance.now();
  let value: T;
  try {
    value = await run();
  } catch (err) {
    if (err instanceof FuzzFailure) throw err;
    if (!documented(err)) throw new FuzzFailure(`threw ${describeThrown(err)}`);
    reject(err);
    checkTime(started);
    return 'rejected';
  }
  accept(value);
  checkTime(started);
  return 'accepted';
}

function checkTime(started: number): void {
  const ms = performance.now() - started;
  if (ms > HANG_MS) throw new FuzzFailure(`one input took ${Math.round(ms)} ms`);
}

/** Fails the property (as a FuzzFailure, so it is not mistaken for a documented error). */
export function must(condition: unknown, message: string): asserts condition {
  if (!condition) throw new FuzzFailure(message);
}

/** The InputError invariants: at least one problem, each with a message and the file at fault. */
export function checkInputError(err: unknown, file: string | ((f: string) => boolean)): void {
  must(err instanceof InputError, 'not an InputError');
  must(err.problems.length > 0, 'an InputError with no problems');
  for (const p of err.problems) {
    must(typeof p.message === 'string' && p.message.trim() !== '', 'a problem with no message');
    must(
      typeof p.file === 'string' && (typeof file === 'string' ? p.file === file : file(p.file)),
      `a problem without its file: ${JSON.stringify(p)}`,
    );
    must(
      p.line === undefined || (Number.isInteger(p.line) && p.line >= 1),
      `a problem with line ${p.line}`,
    );
  }
}

/** The value survives what the report does with it: JSON.stringify, without a stack overflow. */
export function mustSerialise(value: unknown, what: string): void {
  try {
    JSON.stringify(value);
  } catch (err) {
    throw new FuzzFailure(`${what} cannot be serialised: ${describeThrown(err)}`);
  }
}

interface Counts {
  inputs: number;
  accepted: number;
  rejected: number;
  failures: number;
  firstFailure?: string;
}

export interface FuzzOptions {
  /** Inputs to generate (times FUZZ_SCALE). */
  numRuns: number;
  /** Off for properties whose inputs are large: shrinking them costs more than it tells. */
  shrink?: boolean;
}

/**
 * Declares one property as a vitest test: `body` classifies one generated input with `outcome`.
 * The `file` of the tally line is the test file's name, given by the caller.
 */
export function fuzzProperty<T>(
  suite: string,
  name: string,
  arb: fc.Arbitrary<T>,
  body: (input: T) => Promise<Outcome> | Outcome,
  options: FuzzOptions,
): void {
  it(name, { timeout: 120_000 }, async () => {
    const numRuns = Math.max(1, Math.round(options.numRuns * SCALE));
    const counts: Counts = { inputs: 0, accepted: 0, rejected: 0, failures: 0 };
    const params: fc.Parameters<[T]> = {
      seed: SEED,
      numRuns,
      endOnFailure: options.shrink === false,
    };
    if (TALLY_FILE) {
      await fc.assert(
        fc.asyncProperty(arb, async (input) => {
          counts.inputs++;
          try {
            counts[await body(input)]++;
          } catch (err) {
            counts.failures++;
            counts.firstFailure ??= `${describeThrown(err)} for ${fc.stringify(input).slice(0, 500)}`;
          }
        }),
        params,
      );
      appendFileSync(TALLY_FILE, `${JSON.stringify({ suite, property: name, ...counts })}\n`);
      expect(counts.failures, counts.firstFailure).toBe(0);
      return;
    }
    const details = await fc.check(
      fc.asyncProperty(arb, async (input) => {
        await body(input);
      }),
      params,
    );
    if (details.failed) {
      // fast-check's own report prints the whole counterexample, which for a deep or huge input
      // is megabytes of brackets: name the cause and a bounded excerpt instead.
      const cause = details.errorInstance;
      const shown = fc.stringify(details.counterexample?.[0]);
      throw new Error(
        `${cause instanceof Error ? cause.message : String(cause)}\n` +
          `counterexample (${shown.length} chars, after ${details.numShrinks} shrinks, seed ${SEED}, path "${details.counterexamplePath}"):\n` +
          `${shown.length > 600 ? `${shown.slice(0, 500)} … ${shown.slice(-100)}` : shown}`,
      );
    }
  });
}

/** Strings of the pieces a grammar is made of, so random text reaches past the first token. */
export function soup(pieces: string[], maxLength = 60): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...pieces) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
      ),
      { maxLength },
    )
    .map((parts) => parts.join(''));
}

/** Nested `open`…`close` of a depth from 1 to `max`, around `inner`. */
export function nested(open: string, close: string, inner: string, max: number) {
  return fc
    .integer({ min: 1, max })
    .map((depth) => `${open.repeat(depth)}${inner}${close.repeat(depth)}`);
}

/** Numbers and number-like strings that have broken parsers before. */
export const AWKWARD_NUMBERS: unknown[] = [
  0,
  -0,
  -1,
  0.5,
  1e308,
  -1e308,
  1.7976931348623157e308,
  5e-324,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  1e21,
  'NaN',
  'Infinity',
  '-Infinity',
  '1e308',
  '1e999',
  '0x10',
  '',
  ' 12 ',
  '12abc',
  null,
  true,
  [],
  {},
];
