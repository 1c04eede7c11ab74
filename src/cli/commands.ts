// The CLI's commands and the flags each one takes: one table, read by the parser (a flag a
// command does not list is an error, not silently ignored) and by `--help` (each command's help
// lists exactly what it takes). Add a command or a flag here and both follow.

/** Every flag any command takes, as node:util parseArgs wants it. Defaults live in the handlers. */
export const FLAGS = {
  config: { type: 'string' },
  report: { type: 'string' },
  'baseline-report': { type: 'string' },
  'base-ref': { type: 'string' },
  'allow-outside-repo': { type: 'boolean' },
  only: { type: 'string' },
  junit: { type: 'string' },
  summary: { type: 'string' },
  concurrency: { type: 'string' },
  seed: { type: 'string' },
  runs: { type: 'string' },
  strict: { type: 'boolean' },
  show: { type: 'string' },
  csv: { type: 'string' },
  provider: { type: 'string' },
  dir: { type: 'string' },
  html: { type: 'string' },
  open: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export type FlagName = keyof typeof FLAGS;

export interface CommandSpec {
  /** One line for the command list. */
  summary: string;
  /** What the command does, for its own --help; wrapped by hand at 96 columns. */
  about: string;
  /** The flags it takes, each with its placeholder (if it takes a value) and its help line. */
  flags: Partial<Record<FlagName, { value?: string; help: string }>>;
  /** What its exit codes mean. */
  exits: string;
  /** Arguments after the command that are not flags (e.g. `view REPORT.json`); none if absent. */
  operands?: { value: string; help: string; min: number; max: number };
}

export const DEFAULT_CONFIG = 'evals/evalgate.yaml';

const config = {
  value: 'PATH',
  help: `the config file (default ${DEFAULT_CONFIG})`,
};
const baseRef = { value: 'REF', help: 'what `ref: base` in a prompt means (a sha or a branch)' };
const outsideRepo = { help: 'let the config name files outside its git repository' };

export const COMMANDS: Record<string, CommandSpec> = {
  run: {
    summary: 'run the golden set against baseline and candidate and decide: pass or block',
    about: [
      'Sends every golden case to the baseline and the candidate, scores the answers, compares',
      'them against the budgets and writes the report. Everything is checked before the first',
      'request: bad input sends nothing.',
    ].join('\n'),
    flags: {
      config,
      report: { value: 'PATH', help: 'the JSON report (default evalgate-report.json)' },
      'baseline-report': {
        value: 'PATH',
        help: "take the baseline from a recorded report's candidate instead of calling it",
      },
      only: {
        value: 'candidate|baseline',
        help: 'call one side only and record its answers (for a later --baseline-report)',
      },
      junit: { value: 'PATH', help: 'also write JUnit XML, one testcase per golden case' },
      summary: { value: 'PATH', help: 'also write the Markdown summary (as in the job summary)' },
      show: {
        value: 'all|regressed|improved',
        help: 'print a per-case results table in the terminal',
      },
      csv: { value: 'PATH', help: 'also write the per-case results as CSV' },
      html: { value: 'PATH', help: 'also write the HTML report (one self-contained file)' },
      concurrency: { value: 'N', help: 'calls in flight per target (overrides run.concurrency)' },
      seed: { value: 'N', help: 'the seed for order and resampling (overrides run.seed)' },
      'base-ref': baseRef,
      'allow-outside-repo': outsideRepo,
    },
    exits:
      '0 pass (or inconclusive), 1 blocked, 2 bad input (nothing sent), 3 could not judge (a partial report is written)',
  },
  validate: {
    summary: 'check the config and the golden set; sends nothing, needs no API key',
    about: [
      'Checks everything that can be checked without sending a request: every config key, the',
      'golden set, templates against every case, scorers, prompt files, base_url mistakes. An',
      "API key variable that is not set is a note (a fork's pull request has no secrets), unless",
      '--strict.',
    ].join('\n'),
    flags: {
      config,
      strict: { help: 'an unset API key variable is an error, as it is for run' },
      'baseline-report': { value: 'PATH', help: 'also check a recorded baseline report' },
      only: { value: 'candidate|baseline', help: 'check one side only, as run --only would' },
      'base-ref': baseRef,
      'allow-outside-repo': outsideRepo,
    },
    exits: '0 valid (notes may follow), 2 bad input',
  },
  calibrate: {
    summary: 'run the baseline against itself: run-to-run noise and the smallest detectable change',
    about: [
      'Calls the baseline target K times on every case and compares the runs with each other as',
      'the gate would compare a candidate: how much each metric moves by chance, the smallest',
      'change this golden set can detect, and a budget that an unchanged candidate passes.',
    ].join('\n'),
    flags: {
      config,
      runs: { value: 'K', help: 'how many runs of the baseline, 2 to 100 (default 2)' },
      report: { value: 'PATH', help: 'the JSON result (default evalgate-calibration.json)' },
      concurrency: { value: 'N', help: 'calls in flight (overrides run.concurrency)' },
      seed: { value: 'N', help: 'the seed of the first run (overrides run.seed)' },
      'base-ref': baseRef,
      'allow-outside-repo': outsideRepo,
    },
    exits: '0 done, 2 bad input (nothing sent), 3 could not judge',
  },
  view: {
    summary: 'write the HTML report of a JSON report, and open it if asked',
    about: [
      'Reads a JSON report (from run, or any command that writes one), checks it against the',
      'report format and writes the self-contained HTML report: the decision, the checks against',
      'their budgets, latency, cost, slices, score distributions and every case. Sends nothing.',
    ].join('\n'),
    operands: { value: 'REPORT.json', help: 'the JSON report to show', min: 1, max: 1 },
    flags: {
      html: { value: 'PATH', help: 'where to write the page (default: the report with .html)' },
      open: { help: "open the page with the system's opener (never fails the command)" },
    },
    exits: '0 written, 2 bad input (the report is missing or not a valid report)',
  },
  init: {
    summary: 'write a starter config, a three-case golden set and a workflow; never overwrites',
    about: [
      'Writes evals/evalgate.yaml, evals/golden.jsonl and .github/workflows/evalgate.yml for the',
      'chosen provider. Asks nothing; a file that exists is left alone and named.',
    ].join('\n'),
    flags: {
      provider: { value: 'openai|anthropic|http', help: 'which kind of endpoint (default openai)' },
      dir: { value: 'PATH', help: 'the project folder to write into (default: the current one)' },
    },
    exits: '0 written, 2 bad input (a file exists or a flag is wrong)',
  },
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

const INDENT = '  ';

function flagLines(spec: CommandSpec): string[] {
  const entries: [string, string][] = Object.entries(spec.flags).map(([name, f]) => [
    `--${name}${f.value ? ` ${f.value}` : ''}`,
    f.help,
  ]);
  entries.push(['-h, --help', 'this help']);
  const width = Math.max(...entries.map(([left]) => left.length));
  return entries.map(([left, help]) => `${INDENT}${left.padEnd(width)}  ${help}`);
}

/**
 * One command's usage in a few lines, for a message about a wrong flag: every flag it takes,
 * wrapped at 96 columns, and where the full help is.
 */
export function synopsis(name: string): string {
  const operands = COMMANDS[name]!.operands;
  const lead = `Usage: evalgate ${name}${operands ? ` ${operands.value}` : ''}`;
  const lines = [lead];
  for (const [flag, f] of Object.entries(COMMANDS[name]!.flags)) {
    const part = ` [--${flag}${f.value ? ` ${f.value}` : ''}]`;
    if (lines.at(-1)!.length + part.length > 96) lines.push(' '.repeat(lead.length));
    lines[lines.length - 1] += part;
  }
  return [...lines, `(evalgate ${name} --help says what each one does)`].join('\n');
}

/** `evalgate <command> --help`: what it does, every flag it takes, its exit codes. */
export function commandHelp(name: string): string {
  const spec = COMMANDS[name]!;
  return [
    `Usage: evalgate ${name}${spec.operands ? ` ${spec.operands.value}` : ''} [options]`,
    '',
    spec.about,
    '',
    'Options:',
    ...flagLines(spec),
    '',
    `Exit codes: ${spec.exits}.`,
    'Docs: docs/cli.md',
  ].join('\n');
}

/** `evalgate --help`: the commands, one line each. */
export function generalHelp(): string {
  const width = Math.max(...COMMAND_NAMES.map((n) => n.length));
  return [
    'Usage: evalgate <command> [options]',
    '',
    'Commands:',
    ...COMMAND_NAMES.map((n) => `${INDENT}${n.padEnd(width)}  ${COMMANDS[n]!.summary}`),
    '',
    `${INDENT}evalgate <command> --help   the flags of one command`,
    `${INDENT}evalgate --version          the version`,
    '',
    'Exit codes: 0 pass (or inconclusive), 1 blocked, 2 bad input (nothing sent), 3 could not judge.',
    'Docs: docs/cli.md',
  ].join('\n');
}
