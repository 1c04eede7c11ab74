import { builtin } from '../util/builtin.js';

/** The program that opens a file in the user's default browser, by platform. */
function opener(file: string, platform: NodeJS.Platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [file]];
  // `start` is a cmd built-in; its first quoted argument is a window title, hence the "".
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', file]];
  return ['xdg-open', [file]];
}

/**
 * Hands `file` to the platform's opener and does not wait for the browser. Never throws: on a
 * machine without one (a container, CI) it says why, and the command that asked still succeeds.
 */
export function openFile(
  file: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): Promise<{ opened: true } | { opened: false; why: string }> {
  const [command, args] = opener(file, platform);
  return new Promise((resolve) => {
    try {
      const child = builtin
        .childProcess()
        .spawn(command, args, { detached: true, stdio: 'ignore', env });
      child.once('error', (err: NodeJS.ErrnoException) =>
        resolve({
          opened: false,
          why: err.code === 'ENOENT' ? `${command} was not found` : `${command}: ${err.message}`,
        }),
      );
      child.once('spawn', () => {
        child.unref();
        resolve({ opened: true });
      });
    } catch (err) {
      resolve({ opened: false, why: `${command}: ${(err as Error).message}` });
    }
  });
}
