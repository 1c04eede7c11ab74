import type { RunStats } from '../runner/run-pairs.js';

/** "12 failed, 40 retried, 300 from cache": only what happened, so a clean run reads short. */
export function progressDetail(stats: RunStats | undefined): string {
  if (!stats) return '';
  const parts: string[] = [];
  if (stats.failed) parts.push(`${stats.failed} failed`);
  if (stats.retries) parts.push(`${stats.retries} retried`);
  if (stats.cached) parts.push(`${stats.cached} from cache`);
  return parts.length ? `; ${parts.join(', ')}` : '';
}

/**
 * Progress for people: a bar redrawn in place on a terminal; in logs (CI) a line every 10%, and
 * at least every 30 s while calls complete, so a slow run's log shows it is alive without
 * drowning it. Both say how many calls failed, were retried or came from the cache.
 */
export function progressReporter(
  io: { stderr: (t: string) => void; isTty: boolean },
  now: () => number = Date.now,
): (done: number, total: number, stats?: RunStats) => void {
  let lastDecile = 0;
  let lastDraw = 0;
  let lastLine = now();
  let lastDone = 0;
  return (done, total, stats) => {
    const t = now();
    // A count that goes back means a new run began (calibrate runs several): start over.
    if (done < lastDone) lastDecile = 0;
    lastDone = done;
    if (io.isTty) {
      if (done !== total && t - lastDraw < 100) return;
      lastDraw = t;
      const width = 30;
      const filled = Math.round((done / total) * width);
      io.stderr(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} calls${progressDetail(stats)}\x1b[K${done === total ? '\n' : ''}`,
      );
      return;
    }
    const decile = Math.floor((done / total) * 10);
    if (decile > lastDecile || t - lastLine >= 30_000) {
      lastDecile = decile;
      lastLine = t;
      io.stderr(
        `progress: ${done}/${total} calls (${Math.floor((done / total) * 100)}%)${progressDetail(stats)}\n`,
      );
    }
  };
}
