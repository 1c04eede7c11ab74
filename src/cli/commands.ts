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
  metrics: { type: 'string' },
  pushgateway: { type: 'string' },
  'metrics-label': { type: 'string', multiple: true },
  window: { type: 'string' },
  every: { type: 'string' },
  for: { type: 'string' },
  provider: { type: 'string' },
  dir: { type: 'string' },
  shard: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'from-report': { type: 'string' },
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

/** Where a run's (or a canary's) figures go besides the report (src/export/). */
const exportFlags = {
  metrics: { value: 'PATH', help: "also write the run's figures as OpenMetrics text" },
  pushgateway: {
    value: 'URL',
    help: "push the run's figures to this Prometheus Pushgateway (a failed push warns)",
  },
  'metrics-label': {
    value: 'KEY=VALUE',
    help: 'a label on every exported sample and in the push group (repeatable; job=NAME names the job)',
  },
};

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
      ...exportFlags,
      html: { value: 'PATH', help: 'also write the HTML report (one self-contained file)' },
      concurrency: { value: 'N', help: 'calls in flight per target (overrides run.concurrency)' },
      seed: { value: 'N', help: 'the seed for order and resampling (overrides run.seed)' },
      shard: {
        value: 'I/N',
        help: 'evaluate shard I of N and write a shard report (no decision: see merge)',
      },
      'dry-run': { help: 'print the plan (calls, tokens, cost, duration) and send nothing' },
      'from-report': {
        value: 'PATH',
        help: "with --dry-run: output tokens and latency from a stored report's answers",
      },
      'base-ref': baseRef,
      'allow-outside-repo': outsideRepo,
    },
    exits:
      '0 pass (or inconclusive; a shard run: answered), 1 blocked, 2 bad input (nothing sent), 3 could not judge (a partial report is written)',
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
  canary: {
    summary: 'judge a live canary against the baseline from Prometheus metrics: pass or block',
    about: [
      "Fetches each metric of the config's live: section for the baseline and the canary from",
      'Prometheus (range queries over the window), compares the two series with intervals that',
      'allow for autocorrelation, and writes the same report, summary and exit codes as run. With',
      '--every and --for it looks again over a growing window and stops at the first settled',
      'fail (or when every check passes), spending the false-block rate across the looks.',
    ].join('\n'),
    flags: {
      config,
      window: { value: 'DURATION', help: 'analyse the last DURATION, e.g. 30m (default 30m)' },
      every: { value: 'DURATION', help: 'look again every DURATION (with --for), e.g. 5m' },
      for: { value: 'DURATION', help: 'the last look is DURATION after the start, e.g. 1h' },
      report: { value: 'PATH', help: 'the JSON report (default evalgate-report.json)' },
      junit: { value: 'PATH', help: 'also write JUnit XML, one testcase per check' },
      summary: { value: 'PATH', help: 'also write the Markdown summary (as in the job summary)' },
      html: { value: 'PATH', help: 'also write the HTML report (one self-contained file)' },
      ...exportFlags,
    },
    exits:
      '0 pass (or inconclusive), 1 blocked (a critical check not shown within budget too), 2 bad input (nothing queried), 3 could not judge (no data where must_have_data, Prometheus unreachable, a query error, cancelled)',
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
  plan: {
    summary: 'estimate the calls, tokens, cost and duration of a run; sends nothing',
    about: [
      'Renders every request as run would and adds up what the run will cost: calls per side,',
      'input tokens (characters / 4), output tokens and latency (from --from-report or',
      "--baseline-report when given, else a stated assumption), cost from each target's price",
      'and duration from concurrency and rate limits. The same as run --dry-run.',
    ].join('\n'),
    flags: {
      config,
      'baseline-report': {
        value: 'PATH',
        help: 'plan a run against a recorded baseline (only the candidate is called)',
      },
      'from-report': {
        value: 'PATH',
        help: "output tokens and latency per call from a stored report's answers",
      },
      only: { value: 'candidate|baseline', help: 'plan one side only, as run --only would' },
      shard: { value: 'I/N', help: 'plan one shard, as run --shard would' },
      concurrency: { value: 'N', help: 'calls in flight per target (overrides run.concurrency)' },
      'base-ref': baseRef,
      'allow-outside-repo': outsideRepo,
    },
    exits: '0 planned, 2 bad input (or the plan exceeds run.max_cost_usd)',
  },
  merge: {
    summary: 'merge shard reports into one report and decide, as one unsharded run would',
    about: [
      'Checks that the shard reports belong together (same config, dataset and seed, every',
      'shard once, every case once), then judges every check over all pairs with the engine an',
      'unsharded run uses: the same decision, intervals and p-values. Reads the config and the',
      'golden set (not the API keys): it needs the same checkout as the shards.',
    ].join('\n'),
    operands: {
      value: 'REPORT...',
      help: 'the shard reports, one per shard, in any order',
      min: 1,
      max: Number.POSITIVE_INFINITY,
    },
    flags: {
      config,
      report: { value: 'PATH', help: 'the merged JSON report (default evalgate-report.json)' },
      junit: { value: 'PATH', help: 'also write JUnit XML, one testcase per golden case' },
      summary: { value: 'PATH', help: 'also write the Markdown summary (as in the job summary)' },
      html: { value: 'PATH', help: 'also write the HTML report' },
      'baseline-report': {
        value: 'PATH',
        help: 'the recorded baseline the shards were run against, if any',
      },
      'allow-outside-repo': outsideRepo,
    },
    exits:
      '0 pass (or inconclusive), 1 blocked, 2 bad input (shards that do not belong together), 3 could not judge (an output file that could not be written)',
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
  const operands = spec.operands;
  return [
    `Usage: evalgate ${name}${operands ? ` ${operands.value}` : ''} [options]`,
    ...(operands ? ['', `${INDENT}${operands.value}  ${operands.help}`] : []),
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
