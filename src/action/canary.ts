import path from 'node:path';
import * as core from '@actions/core';
import { InputError } from '../errors.js';
import { type CanaryResult, judgeCanary, type ScheduleOption } from '../live/run-canary.js';
import type { Annotation, AnnotationOptions } from '../report/annotations.js';
import { escapeTerminal, noWorkflowCommands } from '../report/escape.js';
import { checkName } from '../report/format.js';
import type { OutputPath } from '../report/output-paths.js';
import type { Report } from '../types.js';
import { SecretSet } from '../util/redact.js';
import { Inputs } from './constants.js';

// `command: canary`: the Action judges the live canary (src/live/run-canary.ts, as
// `evalgate canary` does) instead of running the golden set; main.ts writes, comments and
// fails the step from its report as it does for a run.

export type Command = 'run' | 'canary';

export interface CommandInputs {
  command: Command;
  /** The canary's schedule, as `--window`, `--every` and `--for` take it. */
  schedule: Partial<Record<ScheduleOption, string>>;
}

const SCHEDULE: readonly ScheduleOption[] = ['window', 'every', 'for'];

/** Inputs that belong to a run of the golden set only. */
const RUN_ONLY = [Inputs.only, Inputs.shard, Inputs.merge, Inputs.baselineReport] as const;

/** `command` and what goes with it; a schedule without a canary, or a canary with a run's mode, is bad input. */
export function readCommandInputs(): CommandInputs {
  const raw = core.getInput(Inputs.command).trim() || 'run';
  if (raw !== 'run' && raw !== 'canary') {
    throw new InputError({
      path: `with.${Inputs.command}`,
      message: `must be "run" or "canary", got "${escapeTerminal(raw, 40)}"`,
    });
  }
  const schedule: CommandInputs['schedule'] = {};
  for (const option of SCHEDULE) {
    const value = core.getInput(option).trim();
    if (!value) continue;
    if (raw !== 'canary') {
      throw new InputError({
        path: `with.${option}`,
        message: 'is for command: canary (a run has no window)',
      });
    }
    schedule[option] = value;
  }
  if (raw === 'canary') {
    const clash = RUN_ONLY.find((name) => core.getInput(name).trim());
    if (clash) {
      throw new InputError({
        path: `with.${clash}`,
        message:
          'cannot be combined with command: canary (it judges live metrics, not a golden set)',
      });
    }
  }
  return { command: raw, schedule };
}

export interface ActionCanary {
  configPath: string;
  schedule: CommandInputs['schedule'];
  outputs: OutputPath[];
  signal: AbortSignal;
  /** The github-token: masked in what the comment's failures say, with the canary's secrets. */
  token?: string;
  /** Masks a secret in the log (core.setSecret) and in what a crash writes. */
  secret: (value: string) => void;
}

/** Judges the canary with the Action's names in messages (`with.window`) and its log lines. */
export async function judgeCanaryForAction(a: ActionCanary): Promise<CanaryResult> {
  const known = new SecretSet();
  if (a.token) known.add(a.token);
  const { report, metricLines } = await judgeCanary({
    configPath: a.configPath,
    ...a.schedule,
    field: (option) => `with.${option}`,
    outputs: a.outputs,
    env: process.env,
    signal: a.signal,
    secret: (value) => {
      known.add(value);
      a.secret(value);
    },
    progress: (line) => core.info(noWorkflowCommands(line)),
  });
  return { report, redact: known.redact, metricLines };
}

/** The canary's config as its annotations point at it. */
export interface LiveConfigFile {
  path: string;
  /** Each live metric's line in it, by name (CanaryResult.metricLines). */
  metricLines?: Record<string, number>;
}

/**
 * A canary has no golden-set lines to point at: its annotations are the live checks that did not
 * pass, each at its metric's line in the config that defines it (failed ones first), so the run's
 * page and the pull request's files view show each where it is set.
 */
export function liveCheckAnnotations(
  report: Report,
  config: LiveConfigFile,
  options: AnnotationOptions,
): Annotation[] {
  const rel = path.relative(options.root, path.resolve(options.cwd, config.path));
  const file = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : undefined;
  const open = report.checks.filter((c) => c.verdict !== 'pass');
  open.sort((a, b) => Number(b.verdict === 'fail') - Number(a.verdict === 'fail'));
  return open.slice(0, Math.max(0, options.max)).map((c) => {
    const line = file && c.name !== undefined ? config.metricLines?.[c.name] : undefined;
    return {
      title: `evalgate: live metric ${escapeTerminal(checkName(c), 80)} ${c.verdict}`,
      message: escapeTerminal(c.reason, 400).replace(/@/g, '@\u200b'),
      ...(file ? { file: file.split(path.sep).join('/') } : {}),
      ...(line !== undefined ? { line } : {}),
    };
  });
}
