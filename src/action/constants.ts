/** The Action's public names (action.yml); CONTRACT.md lists them for users. */
export const Inputs = {
  config: 'config',
  report: 'report',
  baselineReport: 'baseline-report',
  githubToken: 'github-token',
  comment: 'comment',
  junit: 'junit',
  workingDirectory: 'working-directory',
  only: 'only',
  baseRef: 'base-ref',
  allowOutsideRepo: 'allow-outside-repo',
  metrics: 'metrics',
  pushgateway: 'pushgateway',
  metricsLabels: 'metrics-labels',
  shard: 'shard',
  merge: 'merge',
  html: 'html',
  command: 'command',
  window: 'window',
  every: 'every',
  for: 'for',
} as const;

export const Outputs = {
  decision: 'decision',
  report: 'report',
  summary: 'summary',
  html: 'html',
  exitCode: 'exit-code',
} as const;

/** GitHub shows at most 10 annotations of each level per step. */
export const MAX_ANNOTATIONS = 10;
