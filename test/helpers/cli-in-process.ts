import { runCli } from '../../src/cli/main.js';
import type { Exec } from './workspace.js';

/** The CLI's front door in this process (no bundle, no child), with its output collected. */
export async function cliInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Exec> {
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
