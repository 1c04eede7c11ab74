/**
 * Progress for people: a bar redrawn in place on a terminal; in logs (CI) a line every 10% so
 * the log shows the run is alive without drowning it.
 */
export function progressReporter(io: {
  stderr: (t: string) => void;
  isTty: boolean;
}): (done: number, total: number) => void {
  let lastDecile = 0;
  let lastDraw = 0;
  return (done, total) => {
    if (io.isTty) {
      const now = Date.now();
      if (done !== total && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((done / total) * width);
      io.stderr(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} calls${done === total ? '\n' : ''}`,
      );
      return;
    }
    const decile = Math.floor((done / total) * 10);
    if (decile > lastDecile) {
      lastDecile = decile;
      io.stderr(`progress: ${done}/${total} calls (${decile * 10}%)\n`);
    }
  };
}
