/**
 * The link to the workflow run that produced a report, from the variables every GitHub Actions
 * step sees, so the job summary, the PR comment and a `--summary` file written by the CLI in a
 * workflow all link back to it. Undefined outside GitHub Actions.
 */
export function runUrlFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const repo = env.GITHUB_REPOSITORY;
  const run = env.GITHUB_RUN_ID;
  if (!repo || !run || !/^\d+$/.test(run) || !/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT;
  const suffix = attempt && /^\d+$/.test(attempt) && attempt !== '1' ? `/attempts/${attempt}` : '';
  return `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${run}${suffix}`;
}
