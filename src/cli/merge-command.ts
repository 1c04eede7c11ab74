import type { EngineHooks, EngineOptions } from '../engine.js';
import { exitCodeForDecision } from '../gate/exit-code.js';
import { renderConsole } from '../report/console.js';
import { escapeTerminal } from '../report/escape.js';
import { checkOutputPaths, type OutputPath } from '../report/output-paths.js';
import { runUrlFromEnv } from '../report/run-url.js';
import { writeOutputs } from '../report/write.js';
import { mergeShards } from '../shard/merge.js';
import type { CliIo } from './main.js';

export interface MergePaths {
  report: string;
  junit?: string;
  summary?: string;
  html?: string;
}

/** `evalgate merge REPORT... --report OUT`: one report and one decision from the shard reports. */
export async function runMerge(
  files: string[],
  paths: MergePaths,
  options: EngineOptions,
  hooks: EngineHooks,
  io: CliIo,
): Promise<number> {
  const outputs: OutputPath[] = [{ file: paths.report, field: '--report' }];
  for (const flag of ['junit', 'summary', 'html'] as const) {
    const file = paths[flag];
    if (file !== undefined) outputs.push({ file, field: `--${flag}` });
  }
  checkOutputPaths(outputs);
  const { report, onInconclusive } = await mergeShards(files, { ...options, outputs }, hooks);
  writeOutputs(report, paths, { runUrl: runUrlFromEnv(io.env) });
  io.stdout(renderConsole(report, { color: io.isTty && !io.env.NO_COLOR }));
  io.stderr(`evalgate: ${escapeTerminal(report.summary)}\nreport: ${paths.report}\n`);
  if (paths.html) io.stderr(`html: ${paths.html}\n`);
  return exitCodeForDecision(report.decision, onInconclusive);
}
