import { RunAbortedError } from '../errors.js';
import type { Clock } from '../live/looks.js';
import { canaryExitCode, judgeCanary } from '../live/run-canary.js';
import { renderConsole } from '../report/console.js';
import { escapeTerminal } from '../report/escape.js';
import type { OutputPath } from '../report/output-paths.js';
import { runUrlFromEnv } from '../report/run-url.js';
import { type OutputPaths, writeOutputs } from '../report/write.js';
import type { Report } from '../types.js';

export interface CanaryOptions {
  configPath: string;
  window?: string;
  every?: string;
  for?: string;
  paths: OutputPaths;
  /** After the report is written: push its figures (`--pushgateway`); never throws. */
  push?: (report: Report) => Promise<unknown>;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  clock?: Clock;
  /** Every secret read (the token, `${VAR}` values): the front door masks it in logs. */
  secret?: (value: string) => void;
  isTty: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * `evalgate canary` (the judging is src/live/run-canary.ts, shared with the Action): the
 * report, summary and JUnit written as `run` writes them, and the exit code returned. A canary
 * that could not be judged is still written, then thrown as "could not judge" (exit 3).
 */
export async function runCanary(o: CanaryOptions): Promise<number> {
  const outputs: OutputPath[] = [];
  for (const [flag, f] of Object.entries(o.paths))
    if (f !== undefined)
      outputs.push({ file: typeof f === 'string' ? f : f.file, field: `--${flag}` });
  const { report } = await judgeCanary({
    configPath: o.configPath,
    window: o.window,
    every: o.every,
    for: o.for,
    outputs,
    env: o.env,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.secret ? { secret: o.secret } : {}),
    progress: (line) => o.stderr(`${line}\n`),
  });
  writeOutputs(report, o.paths, { runUrl: runUrlFromEnv(o.env) });
  await o.push?.(report);
  if (report.incomplete) {
    o.stderr(`report (incomplete): ${o.paths.report}\n`);
    throw new RunAbortedError(report.incomplete_reason!);
  }
  o.stdout(renderConsole(report, { color: o.isTty && !o.env.NO_COLOR }));
  o.stderr(`evalgate: ${escapeTerminal(report.summary)}\nreport: ${o.paths.report}\n`);
  return canaryExitCode(report);
}
