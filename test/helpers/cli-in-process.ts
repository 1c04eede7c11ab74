import { runCli } from '../../src/cli/main.js';

/** The CLI's front door in process (no bundle, no child): its exit code and what it printed. */
export async function cliInProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
    isTty: false,
  });
  return { code, stdout, stderr };
}
