import { type CrashWatch, debugEnabled } from '../crash-guard.js';
import { closePlan, type EngineHooks, execute, prepare } from '../engine.js';
import { EXIT, errorMessage, InputError, RunAbortedError } from '../errors.js';
import { metricsOutput, pushReport, readMetricsExport } from '../export/export.js';
import { renderBudgetPlan } from '../gate/budget-plan.js';
import { exitCodeForDecision } from '../gate/exit-code.js';
import type { Clock } from '../live/looks.js';
import { renderConsole } from '../report/console.js';
import { escapeTerminal } from '../report/escape.js';
import { checkOutputPaths, type OutputPath } from '../report/output-paths.js';
import { runUrlFromEnv } from '../report/run-url.js';
import { writeOutputs } from '../report/write.js';
import { IncompleteRunError } from '../runner/incomplete.js';
import { parseShard } from '../shard/select.js';
import type { Report, Side } from '../types.js';
import { parseCommandLine } from './args.js';
import { COMMANDS, DEFAULT_CONFIG, type FlagName } from './commands.js';
import { progressReporter } from './progress.js';
import { answerWithoutCommand } from './quick.js';
import { renderCaseTable, SHOW_CHOICES, type ShowChoice } from './show.js';
import { formatNotes, formatProblemsForTerminal, inertLines } from './stderr-text.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  isTty: boolean;
  signal?: AbortSignal;
  /** The process's crash guard (src/crash-guard.ts): absent when run in-process by tests. */
  guard?: CrashWatch;
  /** `canary`'s clock between looks: tests pass one that does not really wait. */
  clock?: Clock;
}

/** The config's own limits: `run.concurrency` ≤ 1024, `run.repeats` ≤ 100. */
const MAX_CONCURRENCY = 1024;
const MAX_CALIBRATION_RUNS = 100;

function intFlag(
  name: string,
  raw: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (raw === undefined) return undefined;
  // Past 2^53 a number is no longer the integer that was typed (and the seeded RNG refuses it).
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    const upTo = n > max ? ` and ≤ ${max}` : '';
    throw new InputError({
      path: `--${name}`,
      message: `must be a whole number ≥ ${min}${upTo}, got "${escapeTerminal(raw, 40)}"`,
    });
  }
  return n;
}

const DEFAULT_REPORT = 'evalgate-report.json';

function showFlag(raw: string | undefined): ShowChoice | undefined {
  if (raw === undefined) return undefined;
  if ((SHOW_CHOICES as readonly string[]).includes(raw)) return raw as ShowChoice;
  throw new InputError({
    path: '--show',
    message: `must be one of ${SHOW_CHOICES.join(', ')}, got "${escapeTerminal(raw, 40)}"`,
  });
}

/** The CLI, callable in-process: returns the exit code instead of exiting. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const hooks: EngineHooks = {
    info: (m) => io.stderr(`${inertLines(m)}\n`),
    warning: (m) => io.stderr(`warning: ${escapeTerminal(m)}\n`),
    progress: progressReporter(io),
    ...(io.guard ? { secret: io.guard.secret } : {}),
  };
  try {
    const line = parseCommandLine(argv);
    if (line.kind !== 'command') {
      const { text, code } = answerWithoutCommand(line);
      io.stdout(text);
      return code;
    }
    const { command, values } = line;
    const str = (name: FlagName) => values[name] as string | undefined;
    // --metrics / --pushgateway / --metrics-label, checked before anything is sent; a Pushgateway's
    // credentials are masked from here on.
    const exportFlags = () => {
      const given = (name: FlagName) => {
        const value = str(name);
        return value === undefined ? undefined : { value, field: `--${name}` };
      };
      const exported = readMetricsExport({
        metrics: given('metrics'),
        pushgateway: given('pushgateway'),
        labels: { values: (values['metrics-label'] as string[]) ?? [], field: '--metrics-label' },
      });
      for (const s of exported?.push?.secrets ?? []) hooks.secret?.(s);
      return exported;
    };
    const only = str('only');
    if (only !== undefined && only !== 'candidate' && only !== 'baseline') {
      throw new InputError({
        path: '--only',
        message: `must be candidate or baseline, got "${escapeTerminal(only, 40)}"`,
      });
    }
    const shardFlag = str('shard');
    const shard = shardFlag === undefined ? undefined : parseShard(shardFlag, '--shard');
    if (shard && only) {
      throw new InputError({
        path: '--shard',
        message: 'a shard is part of a comparison; --only records one whole side',
      });
    }
    const options = {
      configPath: str('config') ?? DEFAULT_CONFIG,
      baselineReportPath: str('baseline-report'),
      only: only as Side | undefined,
      concurrency: intFlag('concurrency', str('concurrency'), 1, MAX_CONCURRENCY),
      seed: intFlag('seed', str('seed'), 0),
      env: io.env,
      signal: io.signal,
      baseRef: str('base-ref'),
      allowOutsideRepo: values['allow-outside-repo'] === true,
      ...(shard ? { shard } : {}),
    };

    switch (command) {
      case 'init': {
        const { runInit } = await import('./init.js');
        runInit({ provider: str('provider'), dir: str('dir') }, io.stdout);
        return EXIT.pass;
      }
      case 'validate': {
        const strict = values.strict === true;
        const plan = await prepare({ ...options, keysOptional: !strict }, hooks);
        closePlan(plan);
        io.stdout(
          `ok: ${plan.loaded.file} and ${plan.cases.length} cases from ${plan.datasetFiles.length} file(s) are valid; nothing was sent\n`,
        );
        if (plan.budgetPlan) io.stdout(`${inertLines(renderBudgetPlan(plan.budgetPlan()))}\n`);
        if (plan.notes.length) io.stderr(`${formatNotes(plan.notes)}\n`);
        return EXIT.pass;
      }
      case 'plan':
        return await (await import('./plan-command.js')).runPlan(
          options,
          str('from-report'),
          hooks,
          io,
        );
      case 'merge':
        return await (await import('./merge-command.js')).runMerge(
          line.operands,
          {
            report: str('report') ?? DEFAULT_REPORT,
            junit: str('junit'),
            summary: str('summary'),
            html: str('html'),
          },
          options,
          hooks,
          io,
        );
      case 'run': {
        if (values['dry-run'] === true) {
          // Nothing is run or written: a flag only a run uses would be silently ignored, and
          // `run --dry-run --junit x.xml` would let a user believe a file was written.
          const planFlags = COMMANDS.plan!.flags;
          const unused = Object.keys(values).filter(
            (name) => name !== 'dry-run' && !(name in planFlags),
          );
          if (unused.length > 0) {
            throw new InputError(
              unused.map((name) => ({
                path: `--${name}`,
                message:
                  'has no effect with --dry-run, which only plans (nothing is run or written): drop it',
              })),
            );
          }
          const { runPlan } = await import('./plan-command.js');
          return await runPlan(options, str('from-report'), hooks, io);
        }
        if (str('from-report') !== undefined) {
          throw new InputError({
            path: '--from-report',
            message: 'only plans read a stored report for estimates: add --dry-run',
          });
        }
        const show = showFlag(str('show'));
        const report = str('report') ?? DEFAULT_REPORT;
        const exported = exportFlags();
        const paths = {
          report,
          junit: str('junit'),
          summary: str('summary'),
          csv: str('csv'),
          metrics: metricsOutput(exported),
          html: str('html'),
        };
        const outputs: OutputPath[] = [{ file: report, field: '--report' }];
        for (const flag of ['junit', 'summary', 'csv', 'html'] as const) {
          const file = paths[flag];
          if (file !== undefined) outputs.push({ file, field: `--${flag}` });
        }
        if (exported?.file) outputs.push({ file: exported.file, field: '--metrics' });
        // Before prepare(): a path that cannot be written is found before anything is paid for.
        checkOutputPaths(outputs);
        const plan = await prepare({ ...options, outputs }, hooks);
        const runUrl = runUrlFromEnv(io.env);
        // A stopped run (cancelled, cost budget, endpoint down, a bug) still writes what it
        // measured, marked incomplete; the exit code stays 3.
        const writePartial = (partial: Report) => {
          writeOutputs(partial, paths, { runUrl });
          io.stderr(`partial report, marked incomplete: ${report}\n`);
        };
        const guard = io.guard;
        const runHooks: EngineHooks = guard
          ? {
              ...hooks,
              snapshot: (take) =>
                guard.partial(take && ((reason: string) => writePartial(take(reason)))),
            }
          : hooks;
        let result: Report;
        try {
          result = await execute(plan, runHooks);
        } catch (err) {
          if (err instanceof IncompleteRunError) {
            writePartial(err.report);
            await pushReport(err.report, exported, hooks.warning, io.signal);
          }
          throw err;
        }
        writeOutputs(result, paths, { runUrl });
        // A shard's verdict would read as the result: it says what it is, and nothing more.
        io.stdout(
          shard
            ? `${escapeTerminal(result.summary)}\n`
            : renderConsole(result, { color: io.isTty && !io.env.NO_COLOR }),
        );
        if (show) io.stdout(`\n${renderCaseTable(result, show)}`);
        await pushReport(result, exported, hooks.warning, io.signal);
        // The verdict again where logs end, and where it is seen when stdout goes to a file.
        io.stderr(`evalgate: ${escapeTerminal(result.summary)}\nreport: ${report}\n`);
        if (paths.html) io.stderr(`html: ${paths.html}\n`);
        // A shard decides nothing (the merge does): answered is all it can say.
        if (shard) return EXIT.pass;
        return exitCodeForDecision(result.decision, plan.config.gate.on_inconclusive);
      }
      case 'canary': {
        const exported = exportFlags();
        const { runCanary } = await import('./canary.js');
        return await runCanary({
          configPath: options.configPath,
          window: str('window'),
          every: str('every'),
          for: str('for'),
          paths: {
            report: str('report') ?? DEFAULT_REPORT,
            junit: str('junit'),
            summary: str('summary'),
            html: str('html'),
            metrics: metricsOutput(exported),
          },
          push: (report) => pushReport(report, exported, hooks.warning, io.signal),
          env: io.env,
          signal: io.signal,
          clock: io.clock,
          secret: io.guard?.secret,
          isTty: io.isTty,
          stdout: io.stdout,
          stderr: io.stderr,
        });
      }
      case 'view':
        return await (await import('../html/view-command.js')).runView(
          line.operands[0]!,
          { html: str('html'), open: values.open === true },
          io,
        );
      case 'calibrate': {
        const { CALIBRATION_FILE, renderCalibration, runCalibration } = await import(
          './calibrate.js'
        );
        const out = str('report') ?? CALIBRATION_FILE;
        const runs = intFlag('runs', str('runs'), 2, MAX_CALIBRATION_RUNS) ?? 2;
        const outputs: OutputPath[] = [{ file: out, field: '--report' }];
        checkOutputPaths(outputs);
        const calibration = await runCalibration(
          { engine: { ...options, outputs }, runs, out },
          hooks,
        );
        io.stdout(renderCalibration(calibration));
        io.stderr(`calibration: ${out}\n`);
        return EXIT.pass;
      }
      default:
        // A command listed in commands.ts whose handler is not in this build.
        throw new InputError({ message: `${command} is not available in this build` });
    }
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr(
        `evalgate: bad input; nothing was sent.\n${formatProblemsForTerminal(err.problems)}\n`,
      );
      return EXIT.badInput;
    }
    // A bug is "could not judge" like any other run that ends without a verdict: one line, and
    // the stack only for whoever asks (EVALGATE_DEBUG=1).
    const message =
      err instanceof RunAbortedError ? err.message : `internal error: ${errorMessage(err)}`;
    io.stderr(`evalgate: could not judge: ${inertLines(message)}\n`);
    const bug = err instanceof RunAbortedError ? err.cause : err;
    if (debugEnabled(io.env) && bug instanceof Error && bug.stack) io.stderr(`${bug.stack}\n`);
    return EXIT.cannotJudge;
  }
}
