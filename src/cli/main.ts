import { parseArgs } from 'node:util';
import { type CrashWatch, debugEnabled } from '../crash-guard.js';
import { closePlan, type EngineHooks, execute, prepare } from '../engine.js';
import { EXIT, errorMessage, InputError, RunAbortedError } from '../errors.js';
import { renderBudgetPlan } from '../gate/budget-plan.js';
import { exitCodeForDecision } from '../gate/exit-code.js';
import { renderConsole } from '../report/console.js';
import { escapeTerminal } from '../report/escape.js';
import { checkOutputPaths, type OutputPath } from '../report/output-paths.js';
import { runUrlFromEnv } from '../report/run-url.js';
import { writeOutputs } from '../report/write.js';
import { IncompleteRunError } from '../runner/incomplete.js';
import type { Report, Side } from '../types.js';
import { VERSION } from '../version.js';
import { CALIBRATION_FILE, renderCalibration, runCalibration } from './calibrate.js';
import { runInit } from './init.js';
import { progressReporter } from './progress.js';
import { formatProblemsForTerminal, inertLines } from './stderr-text.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  isTty: boolean;
  signal?: AbortSignal;
  /** The process's crash guard (src/crash-guard.ts): absent when run in-process by tests. */
  guard?: CrashWatch;
}

const USAGE = `Usage:
  evalgate init     [--provider openai|anthropic|http] [--dir PATH]
                    writes evals/evalgate.yaml, evals/golden.jsonl and a workflow; never overwrites
  evalgate run      [--config evals/evalgate.yaml] [--report evalgate-report.json]
                    [--baseline-report PATH] [--only candidate|baseline]
                    [--junit PATH] [--summary PATH] [--concurrency N] [--seed N]
                    [--base-ref REF]    what \`ref: base\` in a prompt means (a sha or branch)
                    [--allow-outside-repo]  let the config name files outside its repository
  evalgate validate [--config PATH]     check config and dataset; sends nothing
  evalgate calibrate [--config PATH] [--runs K]   baseline against itself: noise, detectable change
  evalgate --version

Exit codes: 0 pass (or inconclusive), 1 blocked, 2 bad input (nothing sent), 3 could not judge.`;

/** The config's own limits: `run.concurrency` ≤ 1024, `run.repeats` ≤ 100. */
const MAX_CONCURRENCY = 1024;
const MAX_CALIBRATION_RUNS = 100;

const OPTIONS = {
  config: { type: 'string', default: 'evals/evalgate.yaml' },
  report: { type: 'string', default: 'evalgate-report.json' },
  'baseline-report': { type: 'string' },
  'base-ref': { type: 'string' },
  'allow-outside-repo': { type: 'boolean' },
  only: { type: 'string' },
  junit: { type: 'string' },
  summary: { type: 'string' },
  concurrency: { type: 'string' },
  seed: { type: 'string' },
  runs: { type: 'string' },
  provider: { type: 'string' },
  dir: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

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

/** The CLI, callable in-process: returns the exit code instead of exiting. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const hooks: EngineHooks = {
    info: (m) => io.stderr(`${inertLines(m)}\n`),
    warning: (m) => io.stderr(`warning: ${escapeTerminal(m)}\n`),
    progress: progressReporter(io),
    ...(io.guard ? { secret: io.guard.secret } : {}),
  };
  try {
    let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (err) {
      throw new InputError({ message: `${errorMessage(err)}\n\n${USAGE}` });
    }
    const { values, positionals } = parsed;
    if (values.version) {
      io.stdout(`${VERSION}\n`);
      return EXIT.pass;
    }
    const command = positionals[0];
    if (values.help || command === undefined || command === 'help') {
      io.stdout(`${USAGE}\n`);
      return command === undefined && !values.help ? EXIT.badInput : EXIT.pass;
    }
    if (positionals.length > 1)
      throw new InputError({ message: `unexpected argument "${positionals[1]}"\n\n${USAGE}` });
    if (values.only !== undefined && values.only !== 'candidate' && values.only !== 'baseline') {
      throw new InputError({
        path: '--only',
        message: `must be candidate or baseline, got "${values.only}"`,
      });
    }
    const options = {
      configPath: values.config,
      baselineReportPath: values['baseline-report'],
      only: values.only as Side | undefined,
      concurrency: intFlag('concurrency', values.concurrency, 1, MAX_CONCURRENCY),
      seed: intFlag('seed', values.seed, 0),
      env: io.env,
      signal: io.signal,
      baseRef: values['base-ref'],
      allowOutsideRepo: values['allow-outside-repo'] ?? false,
    };

    switch (command) {
      case 'init':
        runInit({ provider: values.provider, dir: values.dir }, io.stdout);
        return EXIT.pass;
      case 'validate': {
        const plan = await prepare(options, hooks);
        closePlan(plan);
        io.stdout(
          `ok: ${plan.loaded.file} and ${plan.cases.length} cases from ${plan.datasetFiles.length} file(s) are valid; nothing was sent\n`,
        );
        if (plan.budgetPlan) io.stdout(`${inertLines(renderBudgetPlan(plan.budgetPlan))}\n`);
        return EXIT.pass;
      }
      case 'run': {
        const paths = { report: values.report, junit: values.junit, summary: values.summary };
        const outputs: OutputPath[] = [{ file: paths.report, field: '--report' }];
        if (paths.junit !== undefined) outputs.push({ file: paths.junit, field: '--junit' });
        if (paths.summary !== undefined) outputs.push({ file: paths.summary, field: '--summary' });
        // Before prepare(): a path that cannot be written is found before anything is paid for.
        checkOutputPaths(outputs);
        const plan = await prepare({ ...options, outputs }, hooks);
        const runUrl = runUrlFromEnv(io.env);
        // A stopped run (cancelled, cost budget, endpoint down, a bug) still writes what it
        // measured, marked incomplete; the exit code stays 3.
        const writePartial = (partial: Report) => {
          writeOutputs(partial, paths, { runUrl });
          io.stderr(`partial report, marked incomplete: ${values.report}\n`);
        };
        const guard = io.guard;
        const runHooks: EngineHooks = guard
          ? {
              ...hooks,
              snapshot: (take) =>
                guard.partial(take && ((reason: string) => writePartial(take(reason)))),
            }
          : hooks;
        let report: Report;
        try {
          report = await execute(plan, runHooks);
        } catch (err) {
          if (err instanceof IncompleteRunError) writePartial(err.report);
          throw err;
        }
        writeOutputs(report, paths, { runUrl });
        io.stdout(renderConsole(report, { color: io.isTty && !io.env.NO_COLOR }));
        // The verdict again where logs end, and where it is seen when stdout goes to a file.
        io.stderr(`evalgate: ${escapeTerminal(report.summary)}\nreport: ${values.report}\n`);
        return exitCodeForDecision(report.decision, plan.config.gate.on_inconclusive);
      }
      case 'calibrate': {
        if (options.only || options.baselineReportPath) {
          throw new InputError({
            message:
              'calibrate runs the baseline target against itself: --only and --baseline-report do not apply',
          });
        }
        // --report names the JSON file when given; its `run` default does not apply here.
        const out = argv.some((a) => a === '--report' || a.startsWith('--report='))
          ? values.report
          : CALIBRATION_FILE;
        const runs = intFlag('runs', values.runs, 2, MAX_CALIBRATION_RUNS) ?? 2;
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
        throw new InputError({ message: `unknown command "${command}"\n\n${USAGE}` });
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
