// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` and `${{ }}` are the config's and GitHub's own syntax.

// What `evalgate init` writes: the smallest config that gates something real, three cases to
// see it work, and the workflow that runs it on every pull request. Kept apart from init.ts so
// the texts read as the files they become.

export const PROVIDERS = ['openai', 'anthropic', 'http'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const CONFIG_FILE = 'evals/evalgate.yaml';
export const GOLDEN_FILE = 'evals/golden.jsonl';
export const WORKFLOW_FILE = '.github/workflows/evalgate.yml';

interface ProviderText {
  /** The two targets, indented under `targets:`. */
  targets: string;
  /** Environment variables the workflow step passes from the repository's secrets or variables. */
  workflowEnv: Record<string, string>;
  /** What to set before a local run. */
  setup: string;
}

const SIDES = ['baseline', 'candidate'] as const;
const ROLE = {
  baseline: '# what runs today',
  candidate: '# the change to gate: another model, prompt or params',
};

const llmTargets = (o: {
  type: string;
  urlVar: string;
  url: string;
  keyVar: string;
  baseline: string;
  candidate: string;
  params: string;
}) =>
  SIDES.map(
    (side) => `  ${side}: ${ROLE[side]}
    type: ${o.type}
    base_url: \${${o.urlVar}:-${o.url}}
    model: ${side === 'baseline' ? o.baseline : o.candidate}
    api_key_env: ${o.keyVar} # the NAME of the variable that holds the key
    prompt: "{{input}}"
    params: ${o.params}`,
  ).join('\n');

const TEXT: Record<Provider, ProviderText> = {
  openai: {
    targets: llmTargets({
      type: 'openai',
      urlVar: 'OPENAI_BASE_URL',
      url: 'https://api.openai.com/v1',
      keyVar: 'OPENAI_API_KEY',
      baseline: 'gpt-4o-mini',
      candidate: 'gpt-4.1-mini',
      params: '{ temperature: 0 }',
    }),
    workflowEnv: { OPENAI_API_KEY: '${{ secrets.OPENAI_API_KEY }}' },
    setup: 'export OPENAI_API_KEY=...   (OPENAI_BASE_URL too, for any OpenAI-compatible server)',
  },
  anthropic: {
    targets: llmTargets({
      type: 'anthropic',
      urlVar: 'ANTHROPIC_BASE_URL',
      url: 'https://api.anthropic.com',
      keyVar: 'ANTHROPIC_API_KEY',
      baseline: 'claude-3-5-haiku-latest',
      candidate: 'claude-haiku-4-5',
      params: '{ temperature: 0, max_tokens: 512 }',
    }),
    workflowEnv: { ANTHROPIC_API_KEY: '${{ secrets.ANTHROPIC_API_KEY }}' },
    setup: 'export ANTHROPIC_API_KEY=...',
  },
  http: {
    targets: SIDES.map(
      (side, i) => `  ${side}: ${ROLE[side]}
    type: http
    url: \${APP_${side.toUpperCase()}_URL:-http://localhost:${8080 + i}/answer}
    body: { question: "{{input}}" } # what your app receives; strings are templated
    output: answer # where the answer is in the JSON reply (a dot path)`,
    ).join('\n'),
    workflowEnv: {
      APP_BASELINE_URL: '${{ vars.APP_BASELINE_URL }}',
      APP_CANDIDATE_URL: '${{ vars.APP_CANDIDATE_URL }}',
    },
    setup: 'export APP_BASELINE_URL=... APP_CANDIDATE_URL=...   (your two deployments)',
  },
};

export function configText(provider: Provider, schemaRef: string): string {
  return `# yaml-language-server: $schema=${schemaRef}
# Written by \`evalgate init\`. Each case goes to both targets; the gate compares their answers
# and blocks when the candidate is worse by more than a budget. \${VAR} reads the environment.
version: 1
dataset: golden.jsonl
targets:
${TEXT[provider].targets}
scorers:
  - type: icontains # the answer contains the case's \`expected\`, in any case
budgets:
  quality: { max_drop: 0.02 } # block when the mean score drops by more than 2 points
  error_rate: { max: 0.05 } # block when more than 5% of the candidate's calls fail
`;
}

/** Three cases: enough to see a run end to end, far too few for a verdict (gate.min_cases). */
export const GOLDEN_TEXT = `${[
  {
    id: 'capital-of-france',
    input: 'What is the capital of France? Answer with the city only.',
    expected: 'Paris',
    tags: ['geography'],
  },
  {
    id: 'add-two-numbers',
    input: 'What is 17 + 25? Answer with the number only.',
    expected: '42',
    tags: ['math'],
  },
  {
    id: 'opposite-of-ancient',
    input: 'What is the opposite of "ancient"? Answer with one word.',
    expected: 'modern',
    tags: ['language'],
  },
]
  .map((c) => JSON.stringify(c))
  .join('\n')}\n`;

export function workflowText(provider: Provider, uses: string): string {
  const env = Object.entries(TEXT[provider].workflowEnv)
    .map(([k, v]) => `          ${k}: ${v}`)
    .join('\n');
  return `# Written by \`evalgate init\`: gate every pull request on ${CONFIG_FILE}, with one sticky
# comment that says what changed. A \`fail\` decision fails this check.
name: evalgate
on: pull_request
permissions:
  contents: read
  pull-requests: write # the sticky comment; without it (e.g. forks) the comment is a warning
jobs:
  gate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ${uses}
        env:
${env}
        with:
          config: ${CONFIG_FILE}
      - uses: actions/upload-artifact@v4
        if: \${{ !cancelled() }}
        with:
          name: evalgate-report
          path: evalgate-report.json
`;
}

export function setupHint(provider: Provider): string {
  return TEXT[provider].setup;
}
