import { expect } from 'vitest';
import { type LoadedConfig, parseConfig } from '../../src/config/load.js';
import { InputError, type InputProblem } from '../../src/errors.js';

/** A small valid config: two OpenAI targets and nothing else, so every default shows. */
export const MINIMAL = `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: openai
    base_url: https://api.openai.com/v1
    model: gpt-4o-mini
  candidate:
    type: openai
    base_url: https://api.openai.com/v1
    model: gpt-4o
`;

export function parse(text: string, env: NodeJS.ProcessEnv = {}): LoadedConfig {
  return parseConfig(text, 'evalgate.yaml', env);
}

/** The InputError `parseConfig` throws for `text`; fails the test when it does not throw one. */
export function inputErrorOf(text: string, env: NodeJS.ProcessEnv = {}): InputError {
  try {
    parse(text, env);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error(`expected an InputError for:\n${text}`);
}

export function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): InputProblem[] {
  return inputErrorOf(text, env).problems;
}

/** The only problem for `text`; fails when there are none or several. */
export function problemOf(text: string, env: NodeJS.ProcessEnv = {}): InputProblem {
  const problems = problemsOf(text, env);
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0]!;
}

/** 1-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`test setup: "${needle}" not in text`);
  return i + 1;
}

/** 1-based line of the line that is exactly `line`. */
export function lineIs(text: string, line: string): number {
  const i = text.split('\n').indexOf(line);
  if (i < 0) throw new Error(`test setup: no line "${line}"`);
  return i + 1;
}

/** MINIMAL with `from` replaced by `to`; a `from` that is not there is a test bug. */
export function edit(from: string, to: string, text = MINIMAL): string {
  if (!text.includes(from)) throw new Error(`test setup: "${from}" not in text`);
  return text.replace(from, () => to);
}
