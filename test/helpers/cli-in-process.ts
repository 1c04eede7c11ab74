import { runCli } from '../../src/cli/main.js';
import type { Clock } from '../../src/live/looks.js';
import type { Exec } from './workspace.js';

/**
 * The CLI's front door in this process (no bundle, no child), with its output collected; a
 * `clock` (test/helpers/jump-clock.ts) stands in for the canary's waits.
 */
export async function cliInProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  clock?: Clock,
): Promise<Exec> {
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
    ...(clock ? { clock } : {}),
  });
  return { code, stdout, stderr };
}
